import type { Args, Kwargs } from '../../expr/params.js';

/**
 * A filter: `value | name(args, kw=value)`. Handlebars helpers call the same functions with positional
 * arguments only, so every option can also be given by position (in Jinja/Ansible order).
 */
export type FilterFn = (value: unknown, args: Args, kwargs: Kwargs, undefinedName?: string) => unknown;

/** Where a filter comes from: Jinja2's builtins, ansible-core 2.14's ansible.builtin, or kbrun alone. */
export type FilterOrigin = 'jinja2' | 'ansible' | 'kbrun';

/** One filter of the registry: where it comes from, what it does, and its function. */
export interface FilterSpec {
  readonly origin: FilterOrigin;
  readonly description: string;
  readonly fn: FilterFn;
  /**
   * The filter receives an undefined operand instead of the expression failing (`default`, `mandatory`), and the
   * name Jinja2 gives that undefined value (the variable's, or the last attribute's) as its fourth argument.
   */
  readonly tolerant?: boolean;
}

/** A Jinja2 builtin filter. */
export function jinja(description: string, fn: FilterFn, tolerant = false): FilterSpec {
  return tolerant ? { origin: 'jinja2', description, fn, tolerant } : { origin: 'jinja2', description, fn };
}

/** A filter of ansible-core's ansible.builtin namespace. */
export function ansible(description: string, fn: FilterFn, tolerant = false): FilterSpec {
  return tolerant ? { origin: 'ansible', description, fn, tolerant } : { origin: 'ansible', description, fn };
}

/** A filter of kbrun's own (neither Jinja2 nor Ansible has it). */
export function kbrun(description: string, fn: FilterFn): FilterSpec {
  return { origin: 'kbrun', description, fn };
}

/** Another name for a filter: the same function, described as an alias. */
export function alias(of: string, spec: FilterSpec): FilterSpec {
  return { ...spec, description: `Same as \`${of}\`.` };
}
