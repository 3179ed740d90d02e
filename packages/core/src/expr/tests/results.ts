import { hasOwn, isMapping, readOwn, truthy, typeName, type Mapping } from '../values.js';
import { alias, ansible, type TestFn, type TestSpec } from './spec.js';

/** The task result a result test reads; anything but a dict is Ansible's error. */
function result(value: unknown, test: string): Mapping {
  if (!isMapping(value)) throw new TypeError(`The '${test}' test expects a dictionary, got ${typeName(value)}`);
  return value;
}

const flag = (name: string, test: string): TestFn => (v) => truthy(readOwn(result(v, test), name));

/** `changed`, or for a loop's result without its own flag, whether any item changed. */
const changed: TestFn = (v) => {
  const r = result(v, 'changed');
  if (hasOwn(r, 'changed')) return truthy(readOwn(r, 'changed'));
  const items = readOwn(r, 'results');
  return Array.isArray(items) && isMapping(items[0]) && items.some((item) => isMapping(item) && truthy(readOwn(item, 'changed')));
};

/** An async job's status (1 when done); a result that is not an async job counts as started and finished. */
const asyncState = (name: string): TestFn => (v) => {
  const r = result(v, name);
  return hasOwn(r, name) ? Number(readOwn(r, name)) === 1 : true;
};

const FAILED = ansible('The task result failed.', flag('failed', 'failed'));
const SUCCEEDED = ansible('The task result did not fail.', (v) => !truthy(readOwn(result(v, 'succeeded'), 'failed')));
const CHANGED = ansible('The task result changed something (for a loop: any item did).', changed);
const SKIPPED = ansible('The task was skipped.', flag('skipped', 'skipped'));

/** Tests on registered task results. */
export const RESULT_TESTS: Readonly<Record<string, TestSpec>> = {
  failed: FAILED,
  failure: alias('failed', FAILED),
  succeeded: SUCCEEDED,
  success: alias('succeeded', SUCCEEDED),
  successful: alias('succeeded', SUCCEEDED),
  changed: CHANGED,
  change: alias('changed', CHANGED),
  skipped: SKIPPED,
  skip: alias('skipped', SKIPPED),
  unreachable: ansible('The host was unreachable.', flag('unreachable', 'unreachable')),
  reachable: ansible('The host was reachable.', (v) => !truthy(readOwn(result(v, 'reachable'), 'unreachable'))),
  finished: ansible('An async job finished (any other result counts as finished).', asyncState('finished')),
  started: ansible('An async job started (any other result counts as started).', asyncState('started')),
};
