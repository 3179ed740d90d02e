import type { Args, Kwargs } from './params.js';

/** What calling a template callable does with the call's arguments. */
export type CallableFn = (args: Args, kwargs: Kwargs) => unknown;

/**
 * Values a template may call: its macros, `caller`, a recursive `loop`, `loop.cycle`, `namespace`… They are plain
 * objects registered here (never JavaScript functions, which expressions cannot reach), so only the template
 * renderer can make one: data from playbooks and inventories is never callable.
 */
const CALLABLES = new WeakMap<object, CallableFn>();

/** Makes `value` callable from template expressions; returns it. */
export function defineCallable<T extends object>(value: T, call: CallableFn): T {
  CALLABLES.set(value, call);
  return value;
}

/** The call behind a value, when it is a template callable. */
export function callableOf(value: unknown): CallableFn | undefined {
  return typeof value === 'object' && value !== null ? CALLABLES.get(value) : undefined;
}
