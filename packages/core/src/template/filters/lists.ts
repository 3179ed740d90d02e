import { pyAdd, pyCompare, pyEquals } from '../../expr/operators.js';
import { arg, intArg, kwarg, NO_KWARGS, type Args } from '../../expr/params.js';
import { pyLen, pyStr } from '../../expr/py-string.js';
import { pyTuple } from '../../expr/py-tuple.js';
import { testSpec } from '../../expr/tests.js';
import { isMapping, keysOf, truthy, typeName } from '../../expr/values.js';
import { findFilter } from '../filters.js';
import { attributeGetter, fold, sortedCopy, sortKey, toList, toNumber, uniqueBy } from './shared.js';
import { jinja, ansible, alias, type FilterSpec } from './spec.js';

/** The test select/reject apply (truthiness without a name), and whether it accepts an undefined value. */
function testFor(name: unknown): { test: (value: unknown, args: Args) => boolean; tolerant: boolean } {
  if (name === undefined || name === null) return { test: (v) => truthy(v), tolerant: false };
  if (typeof name !== 'string') throw new TypeError(`the test name must be a string, got ${typeName(name)}`);
  const spec = testSpec(name);
  if (!spec) throw new TypeError(`unknown test '${name}'`);
  return { test: (v, a) => spec.fn(v, a, NO_KWARGS), tolerant: spec.tolerant === true };
}

/** select/reject (by the item) and selectattr/rejectattr (by one attribute of it). */
function selectItems(value: unknown, args: Args, keep: boolean, attribute: boolean): unknown[] {
  const items = toList(value);
  let rest = args;
  let read: (item: unknown) => unknown = (x) => x;
  if (attribute) {
    if (args[0] === undefined) throw new TypeError('an attribute name is required');
    read = attributeGetter(args[0]);
    rest = args.slice(1);
  }
  const { test, tolerant } = testFor(rest[0]);
  const testArgs = rest.slice(1);
  return items.filter((item) => {
    const value = read(item);
    if (value === undefined && attribute && !tolerant) throw new TypeError(`'${typeName(item)} object' has no attribute '${pyStr(args[0])}'`);
    return test(value, testArgs) === keep;
  });
}

/** The smallest (or largest) item by Jinja's key; undefined for an empty list. */
function extreme(items: readonly unknown[], key: (item: unknown) => unknown, sign: 1 | -1): unknown {
  let best: unknown;
  let bestKey: unknown;
  for (const item of items) {
    const ik = key(item);
    if (best === undefined || pyCompare(ik, bestKey) * sign < 0) [best, bestKey] = [item, ik];
  }
  return best;
}

function flattenInto(out: unknown[], items: readonly unknown[], levels: number, skipNulls: boolean): void {
  for (const item of items) {
    if (skipNulls && (item === null || item === 'None' || item === 'null')) continue;
    if (Array.isArray(item) && levels !== 0) flattenInto(out, item, levels - 1, skipNulls);
    else out.push(item);
  }
}

/** Jinja's slice: `count` columns as even as possible, the first ones one longer; `fill` pads the short ones. */
function sliceInto(items: readonly unknown[], count: number, fill: unknown): unknown[][] {
  if (count <= 0) throw new RangeError('slice: the number of slices must be positive');
  const per = Math.floor(items.length / count);
  const extra = items.length % count;
  const out: unknown[][] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const start = offset + i * per;
    if (i < extra) offset++;
    const column = items.slice(start, offset + (i + 1) * per);
    if (fill !== null && i >= extra) column.push(fill);
    out.push(column);
  }
  return out;
}

/** Jinja's batch: rows of `size` items, the last padded with `fill` when given. */
function batch(items: readonly unknown[], size: number, fill: unknown): unknown[][] {
  if (size <= 0) throw new RangeError('batch: the line count must be positive');
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  const last = out[out.length - 1];
  if (last && fill !== null) while (last.length < size) last.push(fill);
  return out;
}

/** Jinja's groupby: (grouper, items) pairs sorted by the attribute; case-insensitive unless asked, with the first item's own key shown. */
function groupBy(items: readonly unknown[], attribute: unknown, fallback: unknown, caseSensitive: boolean): unknown[] {
  const read = attributeGetter(attribute);
  const raw = (x: unknown): unknown => read(x) ?? fallback;
  const key = (x: unknown): unknown => fold(raw(x), caseSensitive);
  const groups: Array<[unknown, unknown[]]> = [];
  for (const item of sortedCopy(items, key, false)) {
    const g = key(item);
    const last = groups[groups.length - 1];
    if (last && pyEquals(key(last[1][0]), g)) last[1].push(item);
    else groups.push([raw(item), [item]]);
  }
  return groups.map(pyTuple);
}

const LENGTH = jinja('The number of items (characters of a string, keys of a dict).', (v) => {
  if (v === undefined) return 0;
  if (typeof v === 'string') return pyLen(v);
  if (Array.isArray(v)) return v.length;
  if (isMapping(v)) return keysOf(v).length;
  throw new TypeError(`object of type '${typeName(v)}' has no len()`);
});

/** List filters: picking, ordering, reducing, mapping and selecting items. */
export const LIST_FILTERS: Readonly<Record<string, FilterSpec>> = {
  length: LENGTH,
  count: alias('length', LENGTH),
  first: jinja('The first item (first character, first key); undefined when empty.', (v) => toList(v)[0]),
  last: jinja('The last item (last character, last key); undefined when empty.', (v) => {
    const items = toList(v);
    return items[items.length - 1];
  }),
  list: jinja('The items as a list (characters of a string, keys of a dict).', (v) => [...toList(v)]),
  reverse: jinja('The items in reverse order (a string reversed).', (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...toList(v)].reverse())),
  sort: jinja('The items sorted; `reverse`, `case_sensitive` (false), `attribute` (comma-separated for several keys).', (v, a, k) =>
    sortedCopy(toList(v), sortKey(a, k, 2, 1), truthy(arg(a, k, 0, 'reverse', false))),
  ),
  unique: ansible('The items without duplicates, first kept; `case_sensitive` (false), `attribute`.', (v, a, k) => uniqueBy(toList(v), sortKey(a, k, 1, 0))),
  min: jinja('The smallest item; `case_sensitive`, `attribute`.', (v, a, k) => extreme(toList(v), sortKey(a, k, 1, 0), 1)),
  max: jinja('The largest item; `case_sensitive`, `attribute`.', (v, a, k) => extreme(toList(v), sortKey(a, k, 1, 0), -1)),
  sum: jinja('The sum of the items (of their `attribute`), from `start` (0).', (v, a, k) => {
    const attribute = arg(a, k, 0, 'attribute', null);
    const read = attribute === null ? (x: unknown) => x : attributeGetter(attribute);
    let total = arg(a, k, 1, 'start', 0);
    for (const item of toList(v)) total = pyAdd(total, read(item));
    return total;
  }),
  flatten: ansible('Nested lists flattened (`levels` deep, all by default); none items dropped unless `skip_nulls=false`.', (v, a, k) => {
    const levels = arg(a, k, 0, 'levels', null);
    const out: unknown[] = [];
    flattenInto(out, toList(v), levels === null ? -1 : toNumber(levels, 'levels'), truthy(arg(a, k, 1, 'skip_nulls', true)));
    return out;
  }),
  batch: jinja('The items in rows of `linecount`, the last row padded with `fill_with` when given.', (v, a, k) =>
    batch(toList(v), intArg(a, k, 0, 'linecount', 'batch'), arg(a, k, 1, 'fill_with', null)),
  ),
  slice: jinja('The items in `slices` columns, the short ones padded with `fill_with` when given.', (v, a, k) =>
    sliceInto(toList(v), intArg(a, k, 0, 'slices', 'slice'), arg(a, k, 1, 'fill_with', null)),
  ),
  join: jinja('The items (or their `attribute`) as text joined by `d` ("").', (v, a, k) => {
    const sep = pyStr(arg(a, k, 0, 'd', ''));
    const attribute = arg(a, k, 1, 'attribute', null);
    const read = attribute === null ? (x: unknown) => x : attributeGetter(attribute);
    return toList(v)
      .map((x) => pyStr(read(x)))
      .join(sep);
  }),
  map: jinja("Each item through a filter (`map('upper')`), or its `attribute` (with `default`).", (v, a, k) => {
    const items = toList(v);
    const attribute = kwarg(k, 'attribute', undefined);
    if (attribute !== undefined) {
      const read = attributeGetter(attribute);
      const fallback = kwarg(k, 'default', undefined);
      return items.map((x) => read(x) ?? fallback);
    }
    if (a.length === 0) return [...items];
    const name = a[0];
    if (typeof name !== 'string') throw new TypeError(`map needs a filter name or attribute='...', got ${typeName(name)}`);
    const filter = findFilter(name);
    if (!filter) throw new TypeError(`map: unknown filter '${name}'`);
    const rest = a.slice(1);
    return items.map((x) => filter(x, rest, k));
  }),
  select: jinja('The items that pass a test (`select(\'even\')`), or that are true.', (v, a) => selectItems(v, a, true, false)),
  reject: jinja('The items that fail a test, or that are false.', (v, a) => selectItems(v, a, false, false)),
  selectattr: jinja('The items whose `attribute` passes a test (or is true).', (v, a) => selectItems(v, a, true, true)),
  rejectattr: jinja('The items whose `attribute` fails a test (or is false).', (v, a) => selectItems(v, a, false, true)),
  groupby: jinja('(value, items) pairs grouping the items by `attribute`, sorted; `default`, `case_sensitive`.', (v, a, k) =>
    groupBy(toList(v), arg(a, k, 0, 'attribute'), arg(a, k, 1, 'default', undefined), truthy(arg(a, k, 2, 'case_sensitive', false))),
  ),
  zip: ansible('Tuples of the items at the same position in the value and each argument (as long as the shortest).', (v, a) => {
    const lists = [v, ...a].map(toList);
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => pyTuple(lists.map((l) => l[i])));
  }),
  zip_longest: ansible('Like zip, as long as the longest, missing items being `fillvalue` (none).', (v, a, k) => {
    const lists = [v, ...a].map(toList);
    const fill = kwarg(k, 'fillvalue', null);
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => pyTuple(lists.map((l) => (i < l.length ? l[i] : fill))));
  }),
};
