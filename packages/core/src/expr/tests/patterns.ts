import { arg, type Args, type Kwargs } from '../params.js';
import { pySearch, regexFlags } from '../py-regex.js';
import { pyStr } from '../py-string.js';
import { typeName } from '../values.js';
import { ansible, type TestSpec } from './spec.js';

/** re.match, re.search or re.fullmatch of the pattern on the value's text. */
function regexTest(value: unknown, args: Args, kwargs: Kwargs, mode: string): boolean {
  if (mode !== 'search' && mode !== 'match' && mode !== 'fullmatch') throw new TypeError(`the 'regex' test got an unknown match_type '${mode}': use search, match or fullmatch`);
  const pattern = arg(args, kwargs, 0, 'pattern', '');
  if (typeof pattern !== 'string') throw new TypeError(`the '${mode}' test needs a pattern string, got ${typeName(pattern)}`);
  const text = pyStr(value);
  const flags = regexFlags(arg(args, kwargs, 1, 'ignorecase', false), arg(args, kwargs, 2, 'multiline', false));
  const m = pySearch(text, pattern, flags, mode !== 'search');
  return m !== null && (mode !== 'fullmatch' || m[0].length === text.length);
}

/** Regular-expression tests (Python `re` syntax). */
export const PATTERN_TESTS: Readonly<Record<string, TestSpec>> = {
  match: ansible('The pattern matches at the start of the text; `ignorecase`, `multiline`.', (v, a, k) => regexTest(v, a, k, 'match')),
  search: ansible('The pattern matches somewhere in the text; `ignorecase`, `multiline`.', (v, a, k) => regexTest(v, a, k, 'search')),
  regex: ansible("The pattern matches the text by `match_type` ('search', 'match' or 'fullmatch').", (v, a, k) => regexTest(v, a, k, pyStr(arg(a, k, 3, 'match_type', 'search')))),
};
