import { hasOwn, typeName } from './values.js';

/** Positional arguments passed to a filter, test or method. */
export type Args = readonly unknown[];
/** Keyword arguments passed to a filter, test or method (never read through the prototype). */
export type Kwargs = Readonly<Record<string, unknown>>;

/** Shared empty positional arguments (no allocation for argument-less calls). */
export const NO_ARGS: unknown[] = Object.freeze([]) as unknown as unknown[];
/** Shared empty keyword arguments. */
export const NO_KWARGS: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);

/** The argument at `index`, else the keyword `name`, else `fallback` (an undefined positional counts as absent). */
export function arg(args: Args, kwargs: Kwargs, index: number, name: string, fallback?: unknown): unknown {
  if (index >= 0 && index < args.length && args[index] !== undefined) return args[index];
  if (hasOwn(kwargs, name) && kwargs[name] !== undefined) return kwargs[name];
  return fallback;
}

/** Like `arg`, but the value must be a string; `what` names the caller in the error. */
export function stringArg(args: Args, kwargs: Kwargs, index: number, name: string, what: string, fallback?: string): string {
  const value = arg(args, kwargs, index, name, fallback);
  if (typeof value !== 'string') throw new TypeError(`${what}: argument '${name}' must be a string, got ${typeName(value)}`);
  return value;
}

/** Like `arg`, but the value must be an integer (booleans count as 0/1). */
export function intArg(args: Args, kwargs: Kwargs, index: number, name: string, what: string, fallback?: number): number {
  const value = arg(args, kwargs, index, name, fallback);
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`${what}: argument '${name}' must be an integer, got ${typeName(value)}`);
  return n;
}

/** The keyword argument `name`, else `fallback` (for options that have no positional form). */
export function kwarg(kwargs: Kwargs, name: string, fallback?: unknown): unknown {
  return hasOwn(kwargs, name) && kwargs[name] !== undefined ? kwargs[name] : fallback;
}

/** A filter or test name without the `ansible.builtin.` prefix Ansible also accepts. */
export function builtinName(name: string): string {
  return name.startsWith('ansible.builtin.') ? name.slice('ansible.builtin.'.length) : name;
}
