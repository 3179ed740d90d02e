import { findFilter } from '../../template/filters.js';
import { findTest } from '../tests.js';
import { callableOf } from '../callables.js';
import { arg, type Args, type Kwargs } from '../params.js';
import { isFloat, isPyFloat } from '../py-float.js';
import { pyStr } from '../py-string.js';
import { isMapping, truthy } from '../values.js';
import { ansible, jinja, type TestSpec } from './spec.js';

/** Ansible's boolean() for `truthy(convert_bool=true)`: yes/no words and 1/0 as booleans, anything else unchanged. */
function convertBool(value: unknown): unknown {
  const text = typeof value === 'string' ? value.toLowerCase().trim() : value;
  if (['y', 'yes', 'on', '1', 'true', 't'].includes(text as string) || text === 1 || (isPyFloat(text) && Number(text) === 1)) return true;
  if (['n', 'no', 'off', '0', 'false', 'f'].includes(text as string) || text === 0 || (isPyFloat(text) && Number(text) === 0)) return false;
  return value;
}

function isTruthy(value: unknown, args: Args, kwargs: Kwargs): boolean {
  return truthy(truthy(arg(args, kwargs, 0, 'convert_bool', false)) ? convertBool(value) : value);
}

const isSequence = (v: unknown): boolean => typeof v === 'string' || Array.isArray(v) || isMapping(v);

/** Tests on the kind of a value. */
export const TYPE_TESTS: Readonly<Record<string, TestSpec>> = {
  defined: jinja('The value is defined.', (v) => v !== undefined, true),
  undefined: jinja('The value is undefined.', (v) => v === undefined, true),
  none: jinja('The value is none (null).', (v) => v === null),
  string: jinja('The value is text.', (v) => typeof v === 'string'),
  number: jinja('The value is a number (an int, a float, or a boolean as in Python).', (v) => typeof v === 'number' || typeof v === 'boolean' || isPyFloat(v)),
  integer: jinja('The value is an int (not a boolean, not a float).', (v) => typeof v === 'number' && Number.isInteger(v)),
  float: jinja('The value is a float.', (v) => isFloat(v)),
  boolean: jinja('The value is true or false.', (v) => typeof v === 'boolean'),
  true: jinja('The value is the boolean true.', (v) => v === true),
  false: jinja('The value is the boolean false.', (v) => v === false),
  mapping: jinja('The value is a dict.', (v) => isMapping(v)),
  sequence: jinja('The value has a length and items: text, a list or a dict.', isSequence),
  iterable: jinja('The value can be looped over: text, a list or a dict.', isSequence),
  sameas: jinja('The value is the very same value as the argument (identity; equal numbers, text and constants are the same).', (v, a, k) => v === arg(a, k, 0, 'other')),
  lower: jinja('The text has cased letters, all lower-case.', (v) => {
    const s = pyStr(v);
    return /\p{Ll}/u.test(s) && !/[\p{Lu}\p{Lt}]/u.test(s);
  }),
  upper: jinja('The text has cased letters, all upper-case.', (v) => {
    const s = pyStr(v);
    return /\p{Lu}/u.test(s) && !/[\p{Ll}\p{Lt}]/u.test(s);
  }),
  filter: jinja('The value names a filter kbrun runs.', (v) => typeof v === 'string' && findFilter(v) !== undefined),
  test: jinja('The value names a test kbrun runs.', (v) => typeof v === 'string' && findTest(v) !== undefined),
  callable: jinja("The value can be called: a template's macro or `caller`; data never is.", (v) => callableOf(v) !== undefined),
  escaped: jinja('The value is marked HTML-safe. Always false in kbrun: its strings carry no such mark (`escape` gives plain text).', () => false),
  truthy: ansible('The value is true in Python terms; with `convert_bool=true`, yes/no/on/off words count as booleans.', isTruthy),
  falsy: ansible('The value is false in Python terms (see truthy).', (v, a, k) => !isTruthy(v, a, k)),
  vault_encrypted: ansible(
    'The value is a vault-encrypted value object. Always false in kbrun: !vault values are decrypted as they load, and vault text in a string is text (as in Ansible).',
    () => false,
  ),
};
