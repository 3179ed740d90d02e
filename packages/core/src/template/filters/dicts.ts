import { pyContains } from '../../expr/operators.js';
import { arg, kwarg, stringArg } from '../../expr/params.js';
import { pyRepr, pyStr } from '../../expr/py-string.js';
import { pyTuple } from '../../expr/py-tuple.js';
import { getMember, hasOwn, isMapping, keysOf, readOwn, setOwn, truthy, typeName, type Mapping } from '../../expr/values.js';
import { fold, sortedCopy, toList, toMapping } from './shared.js';
import { ansible, jinja, kbrun, type FilterSpec } from './spec.js';

const LIST_MERGE_MODES = ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'];

function mergeLists(x: readonly unknown[], y: readonly unknown[], mode: string): unknown[] {
  switch (mode) {
    case 'keep':
      return [...x];
    case 'append':
      return [...x, ...y];
    case 'prepend':
      return [...y, ...x];
    case 'append_rp':
      return [...x.filter((i) => !pyContains(y, i)), ...y];
    case 'prepend_rp':
      return [...y, ...x.filter((i) => !pyContains(y, i))];
    default:
      return [...y];
  }
}

/** Ansible's merge_hash: keys of `y` override `x`; dicts merge when recursive; lists follow `listMerge`. */
function mergeDicts(x: Mapping, y: Mapping, recursive: boolean, listMerge: string): Mapping {
  const out: Mapping = {};
  for (const k of keysOf(x)) setOwn(out, k, readOwn(x, k));
  for (const k of keysOf(y)) {
    const yv = readOwn(y, k);
    const xv = hasOwn(out, k) ? out[k] : undefined;
    if (recursive && isMapping(xv) && isMapping(yv)) setOwn(out, k, mergeDicts(xv, yv, true, listMerge));
    else if (Array.isArray(xv) && Array.isArray(yv)) setOwn(out, k, mergeLists(xv, yv, listMerge));
    else setOwn(out, k, yv);
  }
  return out;
}

/** A key read from a dict item, as Python's `item[key]` (a number is also tried as a list index). */
function member(value: unknown, key: unknown): unknown {
  return typeof key === 'string' || typeof key === 'number' ? getMember(value, key) : undefined;
}

/** Ansible's subelements: (item, sub-item) tuples for each item of the list at the dotted `path` of each element. */
function subelements(value: unknown, path: unknown, skipMissing: boolean): unknown[] {
  const elements = Array.isArray(value) ? value : isMapping(value) ? keysOf(value).map((key) => readOwn(value, key)) : undefined;
  if (!elements) throw new TypeError('obj must be a list of dicts or a nested dict');
  const steps = Array.isArray(path) ? path : typeof path === 'string' ? path.split('.') : undefined;
  if (!steps) throw new TypeError('subelements must be a list or a string');
  const out: unknown[] = [];
  for (const element of elements) {
    let values: unknown = element;
    for (const step of steps) {
      if (!isMapping(values) && !Array.isArray(values)) throw new TypeError(`the key ${pyStr(step)} should point to a dictionary, got '${pyStr(values)}'`);
      const next = member(values, step);
      if (next === undefined) {
        if (skipMissing) {
          values = [];
          break;
        }
        throw new TypeError(`could not find ${pyRepr(step)} key in iterated item ${pyRepr(values)}`);
      }
      values = next;
    }
    if (!Array.isArray(values)) throw new TypeError(`the key ${pyRepr(steps[steps.length - 1])} should point to a list, got ${pyRepr(values)}`);
    for (const item of values) out.push(pyTuple([element, item]));
  }
  return out;
}

/** Ansible's rekey_on_member: a dict of the items keyed by their `key` member; duplicates are an error or overwrite. */
function rekeyOnMember(value: unknown, key: unknown, duplicates: string): Mapping {
  if (duplicates !== 'error' && duplicates !== 'overwrite') throw new TypeError(`duplicates parameter to rekey_on_member has unknown value: ${duplicates}`);
  const items = isMapping(value) ? keysOf(value).map((k) => readOwn(value, k)) : Array.isArray(value) ? value : undefined;
  if (!items) throw new TypeError('Type is not a valid list, set, or dict');
  const out: Mapping = {};
  for (const item of items) {
    if (!isMapping(item)) throw new TypeError('List item is not a valid dict');
    const newKey = member(item, key);
    if (newKey === undefined) throw new TypeError(`Key ${pyStr(key)} was not found`);
    const name = pyStr(newKey);
    if (hasOwn(out, name) && duplicates === 'error') throw new TypeError(`Key ${name} is not unique, cannot correctly turn into dict`);
    setOwn(out, name, item);
  }
  return out;
}

/** Dict filters: merging, converting between dicts and lists, reading members. */
export const DICT_FILTERS: Readonly<Record<string, FilterSpec>> = {
  combine: ansible('Dicts merged left to right (later keys win); `recursive`, `list_merge` (replace, keep, append, prepend, append_rp, prepend_rp).', (v, a, k) => {
    const terms = [v, ...a];
    let recursive = truthy(kwarg(k, 'recursive', false));
    if (typeof terms[terms.length - 1] === 'boolean') recursive = terms.pop() as boolean; // positional form for helpers
    const listMerge = pyStr(kwarg(k, 'list_merge', 'replace'));
    if (!LIST_MERGE_MODES.includes(listMerge)) throw new TypeError(`combine: list_merge must be one of ${LIST_MERGE_MODES.join(', ')}`);
    let out: Mapping = {};
    for (const term of terms.flatMap((t) => (Array.isArray(t) ? t : [t]))) out = mergeDicts(out, toMapping(term, 'combine'), recursive, listMerge);
    return out;
  }),
  dict2items: ansible('A list of `{key, value}` dicts from a dict (`key_name`, `value_name` rename them).', (v, a, k) => {
    const d = toMapping(v, 'dict2items');
    const keyName = pyStr(arg(a, k, 0, 'key_name', 'key'));
    const valueName = pyStr(arg(a, k, 1, 'value_name', 'value'));
    return keysOf(d).map((key) => {
      const item: Mapping = {};
      setOwn(item, keyName, key);
      setOwn(item, valueName, readOwn(d, key));
      return item;
    });
  }),
  items2dict: ansible('A dict from a list of `{key, value}` dicts (`key_name`, `value_name`).', (v, a, k) => {
    const keyName = pyStr(arg(a, k, 0, 'key_name', 'key'));
    const valueName = pyStr(arg(a, k, 1, 'value_name', 'value'));
    const out: Mapping = {};
    for (const item of toList(v)) {
      const m = toMapping(item, 'items2dict');
      if (!hasOwn(m, keyName) || !hasOwn(m, valueName)) {
        throw new TypeError(`items2dict requires each dictionary in the list to contain the keys '${keyName}' and '${valueName}', got ${pyRepr(v)} instead.`);
      }
      setOwn(out, pyStr(readOwn(m, keyName)), readOwn(m, valueName));
    }
    return out;
  }),
  dict: kbrun('A dict from a list of [key, value] pairs (or a copy of a dict), like the dict() function.', (v) => {
    const out: Mapping = {};
    if (isMapping(v)) {
      for (const key of keysOf(v)) setOwn(out, key, readOwn(v, key));
      return out;
    }
    for (const pair of toList(v)) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`dict expects a list of [key, value] pairs, got an item of type ${typeName(pair)}`);
      setOwn(out, pyStr(pair[0]), pair[1]);
    }
    return out;
  }),
  dictsort: jinja('(key, value) pairs of a dict sorted `by` key or value; `case_sensitive`, `reverse`.', (v, a, k) => {
    const d = toMapping(v, 'dictsort');
    const caseSensitive = truthy(arg(a, k, 0, 'case_sensitive', false));
    const by = pyStr(arg(a, k, 1, 'by', 'key'));
    if (by !== 'key' && by !== 'value') throw new TypeError("You can only sort by either 'key' or 'value'");
    const pairs = keysOf(d).map((key) => pyTuple([key, readOwn(d, key)]));
    const at = by === 'key' ? 0 : 1;
    return sortedCopy(pairs, (p) => fold((p as unknown[])[at], caseSensitive), truthy(arg(a, k, 2, 'reverse', false)));
  }),
  items: jinja('(key, value) pairs of a dict; nothing for an undefined value.', (v) => {
    if (v === undefined) return [];
    const d = toMapping(v, 'items');
    return keysOf(d).map((key) => pyTuple([key, readOwn(d, key)]));
  }, true),
  attr: jinja('The member `name` of the value (own keys of a dict only).', (v, a, k) => {
    const name = arg(a, k, 0, 'name');
    if (typeof name !== 'string' && typeof name !== 'number') throw new TypeError(`attr needs a name, got ${typeName(name)}`);
    return getMember(v, name);
  }),
  extract: ansible('The item of `container` at the value as key (then at each of `morekeys`).', (v, a, k) => {
    const container = arg(a, k, 0, 'container');
    const more = arg(a, k, 1, 'morekeys', null);
    let out = member(container, v);
    for (const key of more === null ? [] : Array.isArray(more) ? more : [more]) {
      if (out === undefined) break;
      out = member(out, key);
    }
    return out;
  }),
  subelements: ansible('(item, sub-item) pairs for each item of the list found at a dotted path of each element; `skip_missing`.', (v, a, k) =>
    subelements(v, arg(a, k, 0, 'subelements'), truthy(arg(a, k, 1, 'skip_missing', false))),
  ),
  rekey_on_member: ansible('A dict of the items keyed by their member `key`; `duplicates` is error (default) or overwrite.', (v, a, k) =>
    rekeyOnMember(v, arg(a, k, 0, 'key'), stringArg(a, k, 1, 'duplicates', 'rekey_on_member', 'error')),
  ),
};
