import type { Connection } from '../connection/connection.js';

/** A JSON Schema object describing a module's arguments (the single source for validation, docs and completion). */
export type ArgsSchema = {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties?: boolean;
  [keyword: string]: unknown;
};

/** A before/after pair shown by `--diff`. */
export interface FileDiff {
  before: string;
  after: string;
  before_header?: string;
  after_header?: string;
}

/** What every module call returns, success or failure (Ansible's result shape). */
export interface ModuleResult {
  changed?: boolean;
  failed?: boolean;
  skipped?: boolean;
  /** Usually text; `debug` and `assert` may return any value here, as in Ansible. */
  msg?: unknown;
  diff?: FileDiff | FileDiff[];
  /** Variables the engine stores on the host (set_fact, include_vars, facts). */
  ansible_facts?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Everything a module may use while it runs on one host. */
export interface ModuleContext {
  /** The inventory name of the host. */
  host: string;
  /** The host's variables at this task (including `item` inside a loop). */
  vars: Readonly<Record<string, unknown>>;
  connection: Connection;
  /** True in check mode: read state, report what would change, write nothing. */
  check: boolean;
  /** True with `--diff`: return `diff` for content changes. */
  diff: boolean;
  /** Aborted when the run is cancelled or the task times out. */
  signal: AbortSignal;
  /** Environment variables from the task's `environment` keyword. */
  environment: Readonly<Record<string, string>>;
  /** Evaluates a condition/expression (as in `when`) against the host's variables. */
  evaluate(expression: string): unknown;
  /** Finds a controller-side file for `src` (role `files/`/`templates/` first, then the playbook's directory). */
  findFile(kind: 'files' | 'templates' | 'vars', path: string): string;
  /** Waits on the engine's clock (scaled in simulation); rejects when `signal` aborts. */
  sleep(ms: number): Promise<void>;
  /** Reports live progress for the console (shown while the task waits). */
  progress(detail: string): void;
  /** Verbose log line shown with -vvv. */
  log(message: string): void;
  /** True when a server/host of that name is protected: destructive actions on it are refused (`protected_hosts`). */
  isProtected(name: string): boolean;
}

/** A module: a named, schema-described operation that reads state, decides and changes only what is needed. */
export interface ModuleDefinition<A = Record<string, unknown>> {
  name: string;
  /** One line for `kbrun schema` and the docs. */
  description: string;
  schema: ArgsSchema;
  /** `full`: supports check mode; `none`: skipped in check mode. */
  check: 'full' | 'none';
  /** Destroys or interrupts something (protected hosts may never be its target). */
  destructive?: boolean;
  /**
   * The names of the servers/hosts a call with these arguments would destroy or interrupt (empty when the call is
   * not destructive); the engine refuses the task before any call when one is protected. Without it, a
   * `destructive` module's target is the host it runs for.
   */
  targets?(args: A): string[];
  /** Argument that receives a free-form string (`command: echo hi` → `cmd`). */
  freeForm?: string;
  /**
   * Arguments that are only shown, rendered as Ansible shows text (`debug`'s `msg`): a lone `{{ expr }}` giving a
   * number gives its text, as in Ansible, where typed arguments keep the number.
   */
  textArgs?: readonly string[];
  /**
   * `gathered`: the `ansible_facts` it returns are host facts (stored under `ansible_facts` and as `ansible_<name>`
   * variables, like `setup`); `templated`: plain variables whose templates are rendered when they are used, as
   * Ansible does with `include_vars`; otherwise plain variables taken as they are (`set_fact`).
   */
  facts?: 'gathered' | 'templated';
  /** Runs on the controller and acts on the target through `ctx.connection`. */
  run(args: A, ctx: ModuleContext): Promise<ModuleResult>;
}

/** A module with its argument type erased, as the registry stores it. */
export type AnyModule = ModuleDefinition<any>;

/** Declares a module; returns it unchanged with its types checked. */
export function defineModule<A = Record<string, unknown>>(definition: ModuleDefinition<A>): ModuleDefinition<A> {
  return definition;
}

/** A set of modules exported by a pack, registered explicitly by the CLI or a library user. */
export type ModulePack = Readonly<Record<string, AnyModule>>;
