import type { Args, Kwargs } from '../../expr/params.js';
import { pluginSpec, type PluginOrigin, type PluginSpec } from '../../expr/plugin-spec.js';

export { alias } from '../../expr/plugin-spec.js';

/**
 * A filter: `value | name(args, kw=value)`. Handlebars helpers call the same functions with positional
 * arguments only, so every option can also be given by position (in Jinja/Ansible order).
 */
export type FilterFn = (value: unknown, args: Args, kwargs: Kwargs, undefinedName?: string) => unknown;

/** Where a filter comes from: Jinja2's builtins, ansible-core 2.14's ansible.builtin, or kbrun alone. */
export type FilterOrigin = PluginOrigin;

/** One filter of the registry: where it comes from, what it does, and its function. */
export type FilterSpec = PluginSpec<FilterFn>;

/** A filter of the community.general collection (also found under its `community.general.` name). */
export function community(description: string, fn: FilterFn): FilterSpec {
  return pluginSpec('community.general', description, fn);
}

/** A Jinja2 builtin filter. */
export function jinja(description: string, fn: FilterFn, tolerant = false): FilterSpec {
  return pluginSpec('jinja2', description, fn, tolerant);
}

/** A filter of ansible-core's ansible.builtin namespace. */
export function ansible(description: string, fn: FilterFn, tolerant = false): FilterSpec {
  return pluginSpec('ansible', description, fn, tolerant);
}

/** A filter of kbrun's own (neither Jinja2 nor Ansible has it). */
export function kbrun(description: string, fn: FilterFn): FilterSpec {
  return pluginSpec('kbrun', description, fn);
}
