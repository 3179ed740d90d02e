// The entry shape shared by the `is` test registry and the filter registry: where a plugin comes from, what it does, its function.

/**
 * Where a test or filter comes from: Jinja2's builtins, ansible-core 2.14's ansible.builtin, a collection roles
 * commonly use with it (community.general, as Debian's ansible package ships it), or kbrun alone.
 */
export type PluginOrigin = 'jinja2' | 'ansible' | 'community.general' | 'kbrun';

/** One entry of a registry of tests or filters, over that registry's function type. */
export interface PluginSpec<F> {
  readonly origin: PluginOrigin;
  readonly description: string;
  readonly fn: F;
  /**
   * The function receives an undefined operand instead of the expression failing (`defined`, `default`,
   * `mandatory`); a filter also gets the name Jinja2 gives that undefined value as its fourth argument.
   */
  readonly tolerant?: boolean;
}

/** An entry of the given origin; `tolerant` is only set when true. */
export function pluginSpec<F>(origin: PluginOrigin, description: string, fn: F, tolerant = false): PluginSpec<F> {
  return tolerant ? { origin, description, fn, tolerant } : { origin, description, fn };
}

/** Another name for an entry: the same function, described as an alias. */
export function alias<S extends PluginSpec<unknown>>(of: string, spec: S): S {
  return { ...spec, description: `Same as \`${of}\`.` };
}
