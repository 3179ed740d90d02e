import { pyTuple } from '../expr/py-tuple.js';
import { isMapping, keysOf, typeName, type Mapping } from '../expr/values.js';
import { flattenOnce } from './lists.js';
import { boolOption, lookupError } from './lookup-options.js';
import type { LookupSpec } from './lookup-types.js';

/** A term as a list: a list as it is, anything else as a one-item list (Ansible's listify of a lookup term). */
function listOf(term: unknown): unknown[] {
  return Array.isArray(term) ? term : [term];
}

/** `nested`: every combination of one item of each list (a product), each combination flattened one level. */
export const nestedLookup: LookupSpec = {
  description: 'Every combination of one item from each list (`with_nested`).',
  options: {},
  run: (terms) => {
    if (terms.length === 0) throw lookupError('nested', 'needs at least one list');
    let result: unknown[] = listOf(terms[0]);
    for (const next of terms.slice(1)) result = result.flatMap((x) => listOf(next).map((y) => flattenOnce([x, y])));
    return result.map((x) => flattenOnce(listOf(x)));
  },
};

/** `together`: the lists zipped (the shorter ones padded with none), each tuple flattened one level. */
export const togetherLookup: LookupSpec = {
  description: 'The lists zipped item by item, shorter ones padded with none (`with_together`).',
  options: {},
  run: (terms) => {
    if (terms.length === 0) throw lookupError('together', 'needs at least one list');
    const lists = terms.map(listOf);
    const length = Math.max(...lists.map((l) => l.length));
    return Array.from({ length }, (_, i) => flattenOnce(lists.map((l) => (i < l.length ? l[i] : null))));
  },
};

/** A copy of `item` without the list at `path` (Ansible's subelements pops it), and that list; undefined when missing. */
function split(item: Mapping, path: readonly string[], skipMissing: boolean): { parent: Mapping; list: unknown[] } | undefined {
  const [key, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(item, key)) {
    if (skipMissing) return undefined;
    throw lookupError('subelements', `could not find '${key}' key in iterated item ${JSON.stringify(item)}`);
  }
  const value = item[key];
  if (rest.length > 0) {
    if (!isMapping(value)) {
      if (skipMissing) return undefined;
      throw lookupError('subelements', `the key ${key} should point to a dictionary, got ${JSON.stringify(value)}`);
    }
    const inner = split(value, rest, skipMissing);
    return inner && { parent: { ...item, [key]: inner.parent }, list: inner.list };
  }
  if (!Array.isArray(value)) throw lookupError('subelements', `the key ${key} should point to a list, got ${JSON.stringify(value)}`);
  const parent: Mapping = {};
  for (const k of keysOf(item)) if (k !== key) parent[k] = item[k];
  return { parent, list: value };
}

/** `subelements`: `(item, subitem)` for each item of a list of mappings and each entry of its list at a (dotted) key. */
export const subelementsLookup: LookupSpec = {
  description: '`(item, subitem)` pairs: each mapping of a list with each entry of its list at a dotted key; `skip_missing`.',
  options: {},
  run: (terms) => {
    if (terms.length < 2 || terms.length > 3) throw lookupError('subelements', `expects a list (or dict) of mappings, a key and optional flags, got ${terms.length} terms`);
    const [source, key, flags = {}] = terms;
    if ((!Array.isArray(source) && !isMapping(source)) || typeof key !== 'string') {
      throw lookupError('subelements', 'expects first a list or dict of mappings, then a string naming the subkey');
    }
    if (!isMapping(flags) || keysOf(flags).some((k) => k !== 'skip_missing')) throw lookupError('subelements', "the optional third term must be a dict of flags: {'skip_missing': true}");
    const skipMissing = flags['skip_missing'] === undefined ? false : boolOption('subelements', flags, 'skip_missing');
    if (isMapping(source) && source['skipped'] !== undefined && source['skipped'] !== false) return [];
    const items = isMapping(source) ? keysOf(source).map((k) => source[k]) : source;
    return items.flatMap((item) => {
      if (!isMapping(item)) throw lookupError('subelements', `expects a dictionary, got ${typeName(item)} ${JSON.stringify(item)}`);
      if (item['skipped'] !== undefined && item['skipped'] !== false) return [];
      const found = split(item, key.split('.'), skipMissing);
      return found ? found.list.map((sub) => pyTuple([found.parent, sub])) : [];
    });
  },
};
