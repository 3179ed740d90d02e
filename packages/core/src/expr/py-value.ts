import { PyTuple } from './py-tuple.js';

/** How many PyValues (and tuples) were made so far: an evaluation that made none has none to turn into plain data. */
let made = 0;

/** Counts one more Python value made (PyValues count themselves; tuples call this). */
export function countPyValue(): void {
  made++;
}

/**
 * Base class of the Python values an expression can hold beyond JSON data (a whole float, a datetime, a
 * timedelta). They are not dicts: `isMapping` is false for them, only their own fields can be read, and
 * they say themselves how Python names, judges and prints them. None leaves the expression language:
 * `toNative` turns them into plain data when a value is handed back to the engine.
 */
export abstract class PyValue {
  constructor() {
    countPyValue();
  }

  /** Python's type name, as `type_debug` gives it. */
  abstract pyType(): string;
  /** Python's bool() of the value. */
  abstract pyTruthy(): boolean;
  /** Python's str() of the value. */
  abstract pyStr(): string;
  /** Python's repr() of the value (how it appears inside a printed list or dict). */
  abstract pyRepr(): string;
  /** What Ansible's JSON encoder writes for the value. */
  abstract toJsonValue(): unknown;
  /** The plain value the engine gets (a number, or the text Ansible's templating would give). */
  abstract native(): unknown;

  /** The value as Python's str() writes it, wherever JavaScript turns it into text. */
  toString(): string {
    return this.pyStr();
  }
}

/** The count of PyValues made so far, read before an evaluation and passed to `toNative` after it. */
export function pyValueCount(): number {
  return made;
}

/** `value` with every PyValue replaced by its plain form and tuples by lists (copies only what holds one); nothing to do when none was made since `mark`. */
export function toNative(value: unknown, mark: number): unknown {
  return made === mark ? value : plain(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function plain(value: unknown): unknown {
  if (value instanceof PyValue) return value.native();
  if (value instanceof PyTuple) return Array.from(value, plain);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const converted = plain(item);
      if (converted !== item) (out ??= value.slice())[i] = converted;
    }
    return out ?? value;
  }
  if (isPlainObject(value)) {
    let out: Record<string, unknown> | undefined;
    for (const [k, item] of Object.entries(value)) {
      const converted = plain(item);
      if (converted !== item) (out ??= { ...value })[k] = converted;
    }
    return out ?? value;
  }
  return value;
}
