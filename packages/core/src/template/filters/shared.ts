import { pyCompare, pyEquals } from '../../expr/operators.js';
import { arg, type Args, type Kwargs } from '../../expr/params.js';
import { isPyFloat } from '../../expr/py-float.js';
import { getMember, isMapping, keysOf, truthy, typeName, type Mapping } from '../../expr/values.js';

/** The items of a list, the characters of a string, or the keys of a dict; undefined iterates as empty. */
export function toList(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return keysOf(value);
  if (value === undefined) return [];
  throw new TypeError(`expected a list, got ${typeName(value)}`);
}

/** The value as a dict, or a TypeError naming the filter. */
export function toMapping(value: unknown, what: string): Mapping {
  if (!isMapping(value)) throw new TypeError(`${what} expects a dict, got ${typeName(value)}`);
  return value;
}

/** A number (booleans count as 0/1, a boxed whole float as its value), or a TypeError naming the filter. */
export function toNumber(value: unknown, what: string): number {
  if (typeof value === 'number' || typeof value === 'boolean' || isPyFloat(value)) return Number(value);
  throw new TypeError(`${what} needs a number, got ${typeName(value)}`);
}

/** A reader for `attribute='a.b.0'` paths (dots separate keys, digits index lists). */
export function attributeGetter(attribute: unknown): (item: unknown) => unknown {
  if (typeof attribute === 'number') return (item) => getMember(item, attribute);
  if (typeof attribute !== 'string') throw new TypeError(`attribute must be a string, got ${typeName(attribute)}`);
  const steps = attribute.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return (item) => {
    let v = item;
    for (const s of steps) {
      if (v === undefined) return undefined;
      v = typeof s === 'number' && isMapping(v) ? getMember(v, String(s)) : getMember(v, s);
    }
    return v;
  };
}

/** Case folding for the case-insensitive sorts and comparisons Jinja does by default. */
export function fold(value: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && typeof value === 'string' ? value.toLowerCase() : value;
}

/** Removes duplicates (Python equality), keeping the first of each; `key` maps items before comparing. */
export function uniqueBy(items: readonly unknown[], key: (item: unknown) => unknown = (x) => x): unknown[] {
  const out: unknown[] = [];
  const seenStrings = new Set<string>();
  const seenNumbers = new Set<number>();
  const seenOther: unknown[] = [];
  for (const item of items) {
    const k = key(item);
    if (typeof k === 'string') {
      if (seenStrings.has(k)) continue;
      seenStrings.add(k);
    } else if (typeof k === 'number' || typeof k === 'boolean' || isPyFloat(k)) {
      if (seenNumbers.has(Number(k))) continue;
      seenNumbers.add(Number(k));
    } else {
      if (seenOther.some((o) => pyEquals(o, k))) continue;
      seenOther.push(k);
    }
    out.push(item);
  }
  return out;
}

/** A stable sorted copy by `key` (Python's ordering; mixed types raise as in Python). */
export function sortedCopy(items: readonly unknown[], key: (item: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => (reverse ? pyCompare(b.key, a.key) : pyCompare(a.key, b.key)));
  return keyed.map((k) => k.item);
}

/** The sort key of Jinja's `case_sensitive` and `attribute` options (comma-separated attributes sort by each in turn). */
export function sortKey(args: Args, kwargs: Kwargs, attributeIndex: number, caseIndex: number): (item: unknown) => unknown {
  const caseSensitive = truthy(arg(args, kwargs, caseIndex, 'case_sensitive', false));
  const attribute = arg(args, kwargs, attributeIndex, 'attribute', null);
  if (attribute === null) return (item) => fold(item, caseSensitive);
  const getters = (typeof attribute === 'string' ? attribute.split(',') : [attribute]).map((a) =>
    attributeGetter(typeof a === 'string' ? a.trim() : a),
  );
  if (getters.length === 1) return (item) => fold(getters[0]!(item), caseSensitive);
  return (item) => getters.map((g) => fold(g(item), caseSensitive));
}
