import type { Args, Kwargs } from '../params.js';

/** An `is` test: receives the tested value plus positional and keyword arguments, returns whether it passes. */
export type TestFn = (value: unknown, args: Args, kwargs: Kwargs) => boolean;

/** Where a test comes from: Jinja2's builtins, ansible-core 2.14's ansible.builtin, or kbrun alone. */
export type TestOrigin = 'jinja2' | 'ansible' | 'kbrun';

/** One test of the registry: where it comes from, what it checks, and its function. */
export interface TestSpec {
  readonly origin: TestOrigin;
  readonly description: string;
  readonly fn: TestFn;
  /** The test receives an undefined operand instead of the expression failing (`defined`, `undefined`). */
  readonly tolerant?: boolean;
}

/** A Jinja2 builtin test. */
export function jinja(description: string, fn: TestFn, tolerant = false): TestSpec {
  return tolerant ? { origin: 'jinja2', description, fn, tolerant } : { origin: 'jinja2', description, fn };
}

/** A test of ansible-core's ansible.builtin namespace. */
export function ansible(description: string, fn: TestFn): TestSpec {
  return { origin: 'ansible', description, fn };
}

/** Another name for a test: the same function, described as an alias. */
export function alias(of: string, spec: TestSpec): TestSpec {
  return { ...spec, description: `Same as \`${of}\`.` };
}
