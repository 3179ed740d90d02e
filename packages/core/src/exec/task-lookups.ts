import { KbrunError } from '../errors/kbrun-error.js';
import { expressionContextOf, type ExpressionContext } from '../expr/expression-context.js';
import type { Inventory } from '../inventory/inventory.js';
import type { NodeBase } from '../language/model.js';
import { callLookup, lookupSpec, runLookup } from '../lookups/call-lookup.js';
import type { LookupEnv, LookupSubdir } from '../lookups/lookup-types.js';
import { processSecrets } from '../secrets/process-secrets.js';
import { valueLocationOf } from '../source/yaml-loader.js';
import type { Templar } from '../template/templar.js';
import { asBoolean } from './run-context.js';

type Vars = Readonly<Record<string, unknown>>;

/** What lookups need from the run, shared by every task. */
export interface LookupServices {
  templar: Templar;
  inventory: Inventory;
  playbookDir: string;
  warn(message: string): void;
}

/**
 * The lookup context of one task's variables: lookups search the task's `ansible_search_path`, and what a secret
 * lookup (`password`, `file`, `unvault`) returns in a `no_log` task becomes a secret redacted from all output.
 */
export class TaskLookups implements ExpressionContext {
  #decidingNoLog = false;

  constructor(
    private readonly services: LookupServices,
    private readonly vars: Vars,
    private readonly node: NodeBase | undefined,
  ) {}

  lookup(name: string, terms: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, query: boolean): unknown {
    const value = callLookup(name, terms, kwargs, query, this.env('files'));
    if (lookupSpec(name).secret && this.noLog()) addSecrets(value);
    return value;
  }

  /** The items of a `with_<name>` loop; `action` decides where `first_found` looks (a template task: templates/). */
  loop(name: string, terms: readonly unknown[], action: string): unknown[] {
    const subdir: LookupSubdir = action.includes('template') ? 'templates' : action.includes('var') ? 'vars' : 'files';
    const items = runLookup(name, terms, this.env(subdir));
    if (lookupSpec(name).secret && this.noLog()) addSecrets(items);
    return items;
  }

  private env(subdir: LookupSubdir): LookupEnv {
    const { templar, inventory, playbookDir, warn } = this.services;
    const path = this.vars['ansible_search_path'];
    const searchPath = Array.isArray(path) && path.every((p) => typeof p === 'string') ? (path as string[]) : [playbookDir];
    return { vars: this.vars, searchPath, playbookDir, inventory, templar, subdir, warn };
  }

  /** The task's `no_log` (inherited from its play, role or block), rendered for these variables. */
  private noLog(): boolean {
    const raw = this.node?.keywords['no_log'];
    if (typeof raw !== 'string') return asBoolean(raw);
    if (this.#decidingNoLog) return true;
    this.#decidingNoLog = true;
    try {
      return asBoolean(this.services.templar.render(raw, this.vars, valueLocationOf(this.node!.keywordSource, 'no_log')));
    } finally {
      this.#decidingNoLog = false;
    }
  }
}

/** Every string in a lookup's result becomes a known secret. */
function addSecrets(value: unknown): void {
  const { redactor } = processSecrets();
  if (typeof value === 'string') redactor.add(value);
  else if (Array.isArray(value)) value.forEach(addSecrets);
}

/** The items of a `with_<name>` loop, run through the lookup context of the task's variables. */
export function withLoopItems(vars: Vars, name: string, terms: readonly unknown[], action: string): unknown[] {
  const context = expressionContextOf(vars);
  if (!(context instanceof TaskLookups)) throw new KbrunError('E_LOOKUP', `with_${name} can only loop inside a running playbook`);
  return context.loop(name, terms, action);
}
