import { arg, intArg, kwarg, stringArg } from '../../expr/params.js';
import { pyFindAll, pyRegexEscape, pySearch, pySub, regexFlags } from '../../expr/py-regex.js';
import { pyStr } from '../../expr/py-string.js';
import { ansible, type FilterSpec } from './spec.js';

/** A group argument of regex_search, as Ansible reads it: `\\g<name>` or `\\N`. */
function groupReference(arg: string): number | string {
  const named = /^\\g<(\S+)>/.exec(arg);
  if (named) return /^\d+$/.test(named[1]!) ? Number(named[1]) : named[1]!;
  const numbered = /^\\(\d+)/.exec(arg);
  if (numbered) return Number(numbered[1]);
  throw new TypeError(`Unknown argument '${arg}': give groups as '\\1' or '\\g<name>'`);
}

/** Regular-expression filters (Python `re` syntax). */
export const REGEX_FILTERS: Readonly<Record<string, FilterSpec>> = {
  regex_replace: ansible('Every match of `pattern` replaced by `replacement` (`\\1`, `\\g<name>`); `ignorecase`, `multiline`, `count`.', (v, a, k) =>
    pySub(
      pyStr(v),
      stringArg(a, k, 0, 'pattern', 'regex_replace', ''),
      stringArg(a, k, 1, 'replacement', 'regex_replace', ''),
      regexFlags(arg(a, k, 2, 'ignorecase', false), arg(a, k, 3, 'multiline', false)),
      intArg(a, k, 4, 'count', 'regex_replace', 0),
    ),
  ),
  regex_search: ansible('The first match of `regex` (none when there is none), or the listed groups (`\\1`, `\\g<name>`).', (v, a, k) => {
    const pattern = stringArg(a, k, 0, 'regex', 'regex_search');
    const groups = a.slice(1).map((g) => groupReference(pyStr(g)));
    const m = pySearch(pyStr(v), pattern, regexFlags(kwarg(k, 'ignorecase', false), kwarg(k, 'multiline', false)));
    if (!m) return null;
    if (groups.length === 0) return m[0];
    return groups.map((g) => (typeof g === 'number' ? m[g] : m.groups?.[g]) ?? null);
  }),
  regex_findall: ansible('Every match of `regex` (or of its groups), as a list.', (v, a, k) =>
    pyFindAll(pyStr(v), stringArg(a, k, 0, 'regex', 'regex_findall'), regexFlags(arg(a, k, 2, 'ignorecase', false), arg(a, k, 1, 'multiline', false))),
  ),
  regex_escape: ansible("The text with regex special characters escaped (`re_type` 'python', or 'posix_basic').", (v, a, k) => {
    const kind = pyStr(arg(a, k, 0, 're_type', 'python'));
    const text = pyStr(v);
    if (kind === 'python') return pyRegexEscape(text);
    if (kind === 'posix_basic') return text.replace(/[\].[^$*\\]/g, (c) => `\\${c}`);
    if (kind === 'posix_extended') throw new TypeError('Regex type (posix_extended) not yet implemented');
    throw new TypeError(`Invalid regex type (${kind})`);
  }),
};
