import { randomSource } from '../expr/py-random.js';
import { pyTuple } from '../expr/py-tuple.js';
import { isMapping, keysOf, typeName } from '../expr/values.js';
import { lookupError } from './lookup-options.js';
import type { LookupSpec } from './lookup-types.js';

/** Lists among the terms spliced in, one level (Ansible's `_flatten`). */
export function flattenOnce(terms: readonly unknown[]): unknown[] {
  return terms.flatMap((term) => (Array.isArray(term) ? term : [term]));
}

/** `items`: the terms with lists flattened one level (what `with_items` loops over). */
export const itemsLookup: LookupSpec = {
  description: 'The terms, lists flattened one level (`with_items`).',
  options: {},
  run: (terms) => flattenOnce(terms),
};

/** `list`: the terms as they are (`with_list`). */
export const listLookup: LookupSpec = {
  description: 'The terms as they are (`with_list`).',
  options: {},
  run: (terms) => [...terms],
};

/** `indexed_items`: `(index, item)` pairs of the flattened terms. */
export const indexedItemsLookup: LookupSpec = {
  description: '`(index, item)` pairs of the terms flattened one level.',
  options: {},
  run: (terms) => flattenOnce(terms).map((item, index) => pyTuple([index, item])),
};

/** `random_choice`: one of the terms, chosen at random (none when there are none). */
export const randomChoiceLookup: LookupSpec = {
  description: 'One of the terms, chosen at random.',
  options: {},
  run: (terms) => (terms.length === 0 ? [] : [randomSource(null).choice(terms)]),
};

/** `dict`: `{key, value}` items of mappings, in their key order (`with_dict`). */
export const dictLookup: LookupSpec = {
  description: '`{key, value}` items of each mapping, in key order (`with_dict`).',
  options: {},
  run: (terms) =>
    terms.flatMap((term) => {
      if (!isMapping(term)) throw lookupError('dict', `expects a mapping, got ${typeName(term)}`, 'with_dict takes a dict; for a list use loop or with_items');
      return keysOf(term).map((key) => ({ key, value: term[key] }));
    }),
};
