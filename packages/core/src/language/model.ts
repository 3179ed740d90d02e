import type { AnyModule } from '../modules/define-module.js';
import type { SourceLocation } from '../source/location.js';

/** A condition as written: an expression, a bare boolean, or a list meaning AND. */
export type Condition = string | boolean | number | null | Array<string | boolean | number>;

/** A `when` inherited from a block, role or include, with where it was written. */
export interface InheritedCondition {
  condition: Condition;
  location: SourceLocation | undefined;
}

/** A mapping of variables as written, with where (blocks, roles, role params, includes). */
export interface VarsSource {
  values: Record<string, unknown>;
  location: SourceLocation | undefined;
}

/** The role a task comes from. */
export interface RoleRef {
  name: string;
  directory: string;
  /** The role whose task included or imported this one (`ansible_parent_role_names`). */
  parent?: RoleRef | undefined;
}

/** What every node of a task list carries after loading: inherited scope folded in. */
export interface NodeBase {
  id: number;
  /** `name:` as written ('' when absent). */
  rawName: string;
  /** The name shown: `name:`, else the module/action (prefixed with the role as Ansible does). */
  name: string;
  location: SourceLocation | undefined;
  /** Own keywords merged over inherited ones (play → role → block → task). */
  keywords: Readonly<Record<string, unknown>>;
  /** The mapping the task was written as (keyword locations). */
  keywordSource: object;
  /** `when` of the enclosing blocks, roles and includes (evaluated before the node's own). */
  conditions: readonly InheritedCondition[];
  /** Block, role-vars and role-params variables, outermost first. */
  vars: readonly VarsSource[];
  /** Role defaults (lowest precedence), outermost first. */
  defaults: readonly VarsSource[];
  /** Own tags plus every enclosing play/role/block/include's tags. */
  tags: readonly string[];
  role: RoleRef | undefined;
  /** Directory relative includes and file lookups start from. */
  directory: string;
}

/** A task running one module. */
export interface Task extends NodeBase {
  kind: 'task';
  action: string;
  module: AnyModule;
  args: Record<string, unknown>;
  /** Top-level arguments holding templates (rendered and validated per host). */
  templatedArgs: ReadonlySet<string>;
  /** The mapping the arguments were written in (for locating argument errors). */
  argsSource: object | undefined;
  /** Handler names/topics to notify when the task changed something. */
  notify: readonly string[];
  /** For handlers: the topics it also answers to. */
  listen: readonly string[];
}

/** Engine actions written as `meta: …`. */
export type MetaAction = 'flush_handlers' | 'end_play' | 'end_host' | 'end_batch' | 'clear_host_errors' | 'refresh_inventory' | 'noop';

/** A `meta:` task, handled by the engine itself. */
export interface MetaTask extends NodeBase {
  kind: 'meta';
  action: 'meta';
  what: MetaAction;
}

/** A `block:` with its `rescue:` and `always:` sections. */
export interface Block extends NodeBase {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

/** `include_tasks:` / `include_role:` — resolved per host at run time (with `loop` and `when`). */
export interface Include extends NodeBase {
  kind: 'include';
  action: 'include_tasks' | 'include_role';
  /** File (include_tasks) or role name (include_role), possibly templated. */
  target: string;
  /** Role options of include_role (`tasks_from`, …). */
  options: Record<string, unknown>;
}

/** Anything that can appear in a task list. */
export type TaskNode = Task | MetaTask | Block | Include;

/** A play after loading. */
export interface Play {
  name: string;
  hosts: string | string[];
  location: SourceLocation | undefined;
  vars: Record<string, unknown>;
  varsFiles: string[];
  /** pre_tasks, roles + tasks, post_tasks: handlers are flushed after each. */
  sections: TaskNode[][];
  handlers: Task[];
  /** The implicit fact-gathering task, when `gather_facts` is on and a `setup` module is registered. */
  gatherFacts: Task | undefined;
  keywords: Readonly<Record<string, unknown>>;
  tags: readonly string[];
  directory: string;
  /** The roles of its `roles:` section and its import_role tasks (`ansible_play_role_names`). */
  roleNames: readonly string[];
  /** Defaults of the roles of `roles:` and import_role: every task of the play sees them, below everything (as in Ansible). */
  roleDefaults: readonly VarsSource[];
  /** Vars of those roles: every task of the play sees them, above the play's vars and vars_files. */
  roleVars: readonly VarsSource[];
}

/** A loaded, validated playbook. */
export interface Playbook {
  file: string;
  directory: string;
  plays: Play[];
}
