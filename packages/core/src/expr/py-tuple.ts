import { countPyValue } from './py-value.js';

/**
 * A Python tuple: a list to every reader (it is an Array), printed as `(1, 'a')` as Python prints it. Filters that
 * give tuples in Ansible make them (zip, product, items, dictsort, splitext, subelements…); any list derived from
 * one (map, slice, concat) is a plain list again, as in Python, and the engine gets plain lists (see `toNative`).
 */
export class PyTuple extends Array<unknown> {
  constructor() {
    super();
    countPyValue();
  }

  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** A tuple of the given items. */
export function pyTuple(items: Iterable<unknown>): PyTuple {
  const tuple = new PyTuple();
  for (const item of items) tuple.push(item);
  return tuple;
}
