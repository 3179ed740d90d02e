import { builtinName } from './params.js';
import { COMPARISON_TESTS } from './tests/compare.js';
import { FILE_TESTS } from './tests/files.js';
import { PATTERN_TESTS } from './tests/patterns.js';
import { RESULT_TESTS } from './tests/results.js';
import type { TestFn, TestSpec } from './tests/spec.js';
import { TYPE_TESTS } from './tests/types.js';
import { URI_TESTS } from './tests/uri.js';
import { VERSION_TESTS } from './tests/version.js';

/** The shapes of the test registry's entries. */
export type { TestFn, TestOrigin, TestSpec } from './tests/spec.js';

/** Every `is` test kbrun knows, by name: where it comes from, what it checks, and its function (the docs' table is made from it). */
export const TEST_SPECS: Readonly<Record<string, TestSpec>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, TestSpec>, TYPE_TESTS, COMPARISON_TESTS, RESULT_TESTS, PATTERN_TESTS, VERSION_TESTS, FILE_TESTS, URI_TESTS),
);

/** Every `is` test kbrun runs, by name (own properties only; the object has no prototype). */
export const TESTS: Readonly<Record<string, TestFn>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, TestFn>,
    Object.fromEntries(Object.entries(TEST_SPECS).map(([name, spec]) => [name, spec.fn])),
  ),
);

/** The registry entry of a test, accepting the `ansible.builtin.` prefix; undefined when unknown. */
export function testSpec(name: string): TestSpec | undefined {
  const bare = builtinName(name);
  return Object.hasOwn(TEST_SPECS, bare) ? TEST_SPECS[bare] : undefined;
}

/** Looks up a test's function by name, accepting the `ansible.builtin.` prefix; undefined when unknown. */
export function findTest(name: string): TestFn | undefined {
  return testSpec(name)?.fn;
}
