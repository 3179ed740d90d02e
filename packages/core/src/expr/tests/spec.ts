import type { Args, Kwargs } from '../params.js';
import { pluginSpec, type PluginOrigin, type PluginSpec } from '../plugin-spec.js';

export { alias } from '../plugin-spec.js';

/** An `is` test: receives the tested value plus positional and keyword arguments, returns whether it passes. */
export type TestFn = (value: unknown, args: Args, kwargs: Kwargs) => boolean;

/** Where a test comes from: Jinja2's builtins, ansible-core 2.14's ansible.builtin, or kbrun alone. */
export type TestOrigin = PluginOrigin;

/** One test of the registry: where it comes from, what it checks, and its function. */
export type TestSpec = PluginSpec<TestFn>;

/** A Jinja2 builtin test. */
export function jinja(description: string, fn: TestFn, tolerant = false): TestSpec {
  return pluginSpec('jinja2', description, fn, tolerant);
}

/** A test of ansible-core's ansible.builtin namespace. */
export function ansible(description: string, fn: TestFn): TestSpec {
  return pluginSpec('ansible', description, fn);
}
