import { pyCompare, pyContains, pyEquals, pyMod } from '../operators.js';
import { arg, type Args, type Kwargs } from '../params.js';
import { isNumeric, truthy, typeName } from '../values.js';
import { toList } from '../../template/filters/shared.js';
import { alias, ansible, jinja, type TestFn, type TestSpec } from './spec.js';

const other = (args: Args, kwargs: Kwargs): unknown => arg(args, kwargs, 0, 'other');

const EQ = jinja('The value equals the argument.', (v, a, k) => pyEquals(v, other(a, k)));
const NE = jinja('The value differs from the argument.', (v, a, k) => !pyEquals(v, other(a, k)));
const LT = jinja('The value is less than the argument.', (v, a, k) => pyCompare(v, other(a, k), '<') < 0);
const LE = jinja('The value is less than or equal to the argument.', (v, a, k) => pyCompare(v, other(a, k), '<=') <= 0);
const GT = jinja('The value is greater than the argument.', (v, a, k) => pyCompare(v, other(a, k), '>') > 0);
const GE = jinja('The value is greater than or equal to the argument.', (v, a, k) => pyCompare(v, other(a, k), '>=') >= 0);

/** The remainder of a number by `divisor` (Python's %: TypeError for anything but numbers). */
function remainder(value: unknown, divisor: number, test: string): number {
  if (!isNumeric(value)) throw new TypeError(`the '${test}' test needs a number, got ${typeName(value)}`);
  return Number(pyMod(value, divisor));
}

/** Every item of `small` is in `big` (Python's set(small) <= set(big)). */
const subset: TestFn = (v, a, k) => {
  const big = toList(arg(a, k, 0, 'b'));
  return toList(v).every((x) => pyContains(big, x));
};

/** Every item of the argument is in the value. */
const superset: TestFn = (v, a, k) => {
  const small = toList(arg(a, k, 0, 'b'));
  const big = toList(v);
  return small.every((x) => pyContains(big, x));
};

const SUBSET = ansible('Every item of the value is in the argument list.', subset);
const SUPERSET = ansible('Every item of the argument list is in the value.', superset);
const NAN = ansible('The value is the float NaN (anything else is not).', (v) => isNumeric(v) && Number.isNaN(Number(v)));

/** Comparisons, membership and arithmetic properties. */
export const COMPARISON_TESTS: Readonly<Record<string, TestSpec>> = {
  eq: EQ,
  equalto: alias('eq', EQ),
  '==': alias('eq', EQ),
  ne: NE,
  '!=': alias('ne', NE),
  lt: LT,
  lessthan: alias('lt', LT),
  '<': alias('lt', LT),
  le: LE,
  '<=': alias('le', LE),
  gt: GT,
  greaterthan: alias('gt', GT),
  '>': alias('gt', GT),
  ge: GE,
  '>=': alias('ge', GE),
  in: jinja('The value is in the argument (an item of a list, a key of a dict, a substring of text).', (v, a, k) => pyContains(arg(a, k, 0, 'seq'), v)),
  contains: ansible('The value (a list, dict or text) contains the argument.', (v, a, k) => pyContains(v, arg(a, k, 0, 'seq'))),
  divisibleby: jinja('The value divides evenly by the argument.', (v, a, k) => {
    const n = arg(a, k, 0, 'num');
    if (!isNumeric(n)) throw new TypeError(`the 'divisibleby' test needs a number, got ${typeName(n)}`);
    return remainder(v, Number(n), 'divisibleby') === 0;
  }),
  even: jinja('The value is an even number.', (v) => remainder(v, 2, 'even') === 0),
  odd: jinja('The value is an odd number.', (v) => remainder(v, 2, 'odd') === 1),
  subset: SUBSET,
  issubset: alias('subset', SUBSET),
  superset: SUPERSET,
  issuperset: alias('superset', SUPERSET),
  nan: NAN,
  isnan: alias('nan', NAN),
  any: ansible('Any item of the value is true.', (v) => toList(v).some(truthy)),
  all: ansible('Every item of the value is true.', (v) => toList(v).every(truthy)),
};
