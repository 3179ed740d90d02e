import { pyContains } from '../../expr/operators.js';
import { arg, intArg, kwarg } from '../../expr/params.js';
import { pyTuple, type PyTuple } from '../../expr/py-tuple.js';
import { toList, toNumber, uniqueBy } from './shared.js';
import { ansible, type FilterSpec } from './spec.js';

/** More combinations than this is a mistake in a playbook, not a plan (Python would build them all). */
const MAX_COMBINATIONS = 1_000_000;

function checkSize(count: number, what: string): void {
  if (count > MAX_COMBINATIONS) throw new RangeError(`${what} would give ${count} tuples, more than the ${MAX_COMBINATIONS} allowed`);
}

/** itertools.product(*lists, repeat): every tuple taking one item of each list, the last list varying fastest. */
function product(lists: ReadonlyArray<readonly unknown[]>, repeat: number): PyTuple[] {
  const pools = Array.from({ length: repeat }, () => lists).flat();
  checkSize(pools.reduce((n, p) => n * p.length, 1), 'product');
  let out: unknown[][] = [[]];
  for (const pool of pools) out = out.flatMap((prefix) => pool.map((item) => [...prefix, item]));
  return out.map(pyTuple);
}

/** itertools.permutations(items, r): ordered arrangements of `r` distinct positions, in index order. */
function permutations(items: readonly unknown[], r: number): PyTuple[] {
  if (r > items.length) return [];
  let count = 1;
  for (let i = 0; i < r; i++) count *= items.length - i;
  checkSize(count, 'permutations');
  const out: PyTuple[] = [];
  const used = new Array<boolean>(items.length).fill(false);
  const chosen: unknown[] = [];
  const walk = (): void => {
    if (chosen.length === r) {
      out.push(pyTuple(chosen));
      return;
    }
    for (let i = 0; i < items.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      chosen.push(items[i]);
      walk();
      chosen.pop();
      used[i] = false;
    }
  };
  walk();
  return out;
}

/** itertools.combinations(items, r): subsets of `r` positions, in index order. */
function combinations(items: readonly unknown[], r: number): PyTuple[] {
  if (r < 0) throw new RangeError('r must be non-negative');
  const out: PyTuple[] = [];
  const chosen: unknown[] = [];
  const walk = (from: number): void => {
    if (chosen.length === r) {
      out.push(pyTuple(chosen));
      checkSize(out.length, 'combinations');
      return;
    }
    for (let i = from; i <= items.length - (r - chosen.length); i++) {
      chosen.push(items[i]);
      walk(i + 1);
      chosen.pop();
    }
  };
  walk(0);
  return out;
}

/** Set operations on lists (order kept, duplicates removed) and combinatorics (itertools). */
export const SET_FILTERS: Readonly<Record<string, FilterSpec>> = {
  difference: ansible('The items of the value not in the other list, without duplicates.', (v, a, k) => {
    const other = toList(arg(a, k, 0, 'b', []));
    return uniqueBy(toList(v).filter((x) => !pyContains(other, x)));
  }),
  intersect: ansible('The items of the value also in the other list, without duplicates.', (v, a, k) => {
    const other = toList(arg(a, k, 0, 'b', []));
    return uniqueBy(toList(v).filter((x) => pyContains(other, x)));
  }),
  union: ansible('The items of both lists, without duplicates.', (v, a, k) => uniqueBy([...toList(v), ...toList(arg(a, k, 0, 'b', []))])),
  symmetric_difference: ansible('The items in exactly one of the two lists, without duplicates.', (v, a, k) => {
    const x = toList(v);
    const y = toList(arg(a, k, 0, 'b', []));
    const both = uniqueBy(x.filter((i) => pyContains(y, i)));
    return uniqueBy([...x, ...y]).filter((i) => !pyContains(both, i));
  }),
  product: ansible('Every tuple of one item of the value and of each argument list (itertools.product; `repeat`).', (v, a, k) =>
    product([v, ...a].map(toList), Math.trunc(toNumber(kwarg(k, 'repeat', 1), 'repeat'))),
  ),
  permutations: ansible('Every ordered tuple of `r` items (all of them by default) (itertools.permutations).', (v, a, k) => {
    const items = toList(v);
    const r = arg(a, k, 0, 'r', null);
    return permutations(items, r === null ? items.length : intArg(a, k, 0, 'r', 'permutations'));
  }),
  combinations: ansible('Every tuple of `r` items in their order (itertools.combinations).', (v, a, k) =>
    combinations(toList(v), intArg(a, k, 0, 'r', 'combinations')),
  ),
};
