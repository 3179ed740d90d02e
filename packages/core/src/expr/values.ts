import { PyFloat } from './py-float.js';
import { PyTuple } from './py-tuple.js';
import { PyValue } from './py-value.js';

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** Property names that are never read or written through expressions or filters, whatever the object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A dict-like value: any non-null object that is not an array or a PyValue (plain objects, and Proxies such as hostvars). */
export type Mapping = Record<string, unknown>;

/** True for dict-like values (non-null objects other than arrays and PyValues). */
export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyValue);
}

/** Own-property check that also works on Proxies implementing getOwnPropertyDescriptor. */
export function hasOwn(obj: object, key: string): boolean {
  return hasOwnProperty.call(obj, key);
}

/** Reads an own, non-forbidden, non-function property; undefined otherwise. */
export function readOwn(obj: object, key: string): unknown {
  if (FORBIDDEN_KEYS.has(key) || !hasOwnProperty.call(obj, key)) return undefined;
  const value = (obj as Record<string, unknown>)[key];
  return typeof value === 'function' ? undefined : value;
}

/** Sets an own data property, even for the key '__proto__' (which plain assignment would treat as the prototype). */
export function setOwn(obj: Mapping, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** The element of a list or string at a Python-style (possibly negative) index; undefined when out of range. */
function atIndex(length: number, index: number): number {
  if (!Number.isInteger(index)) return -1;
  const i = index < 0 ? index + length : index;
  return i >= 0 && i < length ? i : -1;
}

/**
 * Reads `container[key]` the safe way: list/string items by (negative) index plus `.length`, and own
 * properties of dicts. Prototype members, forbidden keys and functions read as undefined.
 */
export function getMember(container: unknown, key: string | number): unknown {
  if (typeof container === 'string') {
    if (typeof key === 'number') {
      const i = atIndex(container.length, key);
      return i < 0 ? undefined : container[i];
    }
    return key === 'length' ? container.length : undefined;
  }
  if (typeof container !== 'object' || container === null) return undefined;
  if (Array.isArray(container)) {
    if (typeof key === 'number') {
      const i = atIndex(container.length, key);
      if (i < 0) return undefined;
      const value: unknown = container[i];
      return typeof value === 'function' ? undefined : value;
    }
    return key === 'length' ? container.length : undefined;
  }
  return readOwn(container, typeof key === 'number' ? String(key) : key);
}

/** Python/Jinja truthiness: '', [], {}, 0, none, undefined and false are false; everything else is true. */
export function truthy(value: unknown): boolean {
  if (value === true) return true;
  if (value === false || value === null || value === undefined) return false;
  switch (typeof value) {
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0;
    case 'bigint':
      return value !== 0n;
    case 'object':
      if (Array.isArray(value)) return value.length > 0;
      if (value instanceof PyValue) return value.pyTruthy();
      for (const key in value) if (hasOwnProperty.call(value, key)) return true;
      return false;
    default:
      return true;
  }
}

/** The Python name of a value's type, used in error messages and by `type_debug`: str, int, float, bool, NoneType, list, dict. */
export function typeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'object':
      if (value instanceof PyValue) return value.pyType();
      if (value instanceof PyTuple) return 'tuple';
      return Array.isArray(value) ? 'list' : 'dict';
    default:
      return typeof value;
  }
}

/** True for numbers (boxed whole floats too) and booleans (which count as 1 and 0 in arithmetic and comparisons, as in Python). */
export function isNumeric(value: unknown): value is number | boolean | PyFloat {
  return typeof value === 'number' || typeof value === 'boolean' || value instanceof PyFloat;
}

/** The own enumerable keys of a dict, minus forbidden ones. */
export function keysOf(mapping: object): string[] {
  return Object.keys(mapping).filter((k) => !FORBIDDEN_KEYS.has(k));
}
