import type { KbrunError } from '../errors/kbrun-error.js';
import type { ModuleRegistry } from '../modules/module-registry.js';
import type { SourceLocation } from '../source/location.js';
import type { InheritedCondition, RoleRef, VarsSource } from './model.js';
import type { RoleHandlerSink } from './roles.js';

/** Keywords a play, role, block or include passes down to the tasks inside it. */
export const INHERITED_KEYWORDS = [
  'become',
  'become_user',
  'become_method',
  'check_mode',
  'diff',
  'no_log',
  'ignore_errors',
  'ignore_unreachable',
  'environment',
  'throttle',
  'connection',
  'delegate_to',
  'delegate_facts',
  'run_once',
  'any_errors_fatal',
  'timeout',
] as const;

/** What loading a task list needs to know about where it is: file, inherited scope, and shared services. */
export interface LoadScope {
  registry: ModuleRegistry;
  errors: KbrunError[];
  /** Directory relative `import_tasks`/`include_tasks` paths resolve from. */
  directory: string;
  /** Directories searched for roles, in order. */
  rolesPath: readonly string[];
  keywords: Readonly<Record<string, unknown>>;
  conditions: readonly InheritedCondition[];
  vars: readonly VarsSource[];
  defaults: readonly VarsSource[];
  tags: readonly string[];
  role: RoleRef | undefined;
  /** Files being imported, to catch an import loop. */
  importing: readonly string[];
  /** Where this scope was entered from (an import's location), for errors. */
  from: SourceLocation | undefined;
  /** The play's collector of role handlers. */
  roleHandlers: RoleHandlerSink;
}

/** A child scope: keywords merged (environment merged too), conditions/vars/tags appended. */
export function childScope(parent: LoadScope, own: Record<string, unknown>, extra: Partial<LoadScope> = {}, location?: SourceLocation): LoadScope {
  const keywords: Record<string, unknown> = { ...parent.keywords };
  for (const key of INHERITED_KEYWORDS) {
    if (own[key] === undefined) continue;
    keywords[key] = key === 'environment' && isMapping(parent.keywords[key]) && isMapping(own[key]) ? { ...parent.keywords[key], ...own[key] } : own[key];
  }
  const conditions = own['when'] === undefined ? parent.conditions : [...parent.conditions, { condition: own['when'] as InheritedCondition['condition'], location }];
  const vars = isMapping(own['vars']) ? [...parent.vars, { values: own['vars'], location }] : parent.vars;
  return { ...parent, keywords, conditions, vars, tags: [...parent.tags, ...tagList(own['tags'])], ...extra };
}

/** `tags: a`, `tags: [a, b]` or `tags: "a,b"` as a list. */
export function tagList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((t) => String(t).split(',')).map((t) => t.trim()).filter(Boolean);
}

/** True for a plain mapping loaded from YAML. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
