import { arg } from '../../expr/params.js';
import { pyStr } from '../../expr/py-string.js';
import { netlocParts, urlQuote, urlSplit, urlUnquotePlus } from '../../expr/py-url.js';
import { isMapping, keysOf, readOwn, setOwn, type Mapping } from '../../expr/values.js';
import { toList } from './shared.js';
import { ansible, jinja, type FilterSpec } from './spec.js';

/** The parts urlsplit gives, in the order Ansible lists them. */
const URL_PARTS = ['fragment', 'hostname', 'netloc', 'password', 'path', 'port', 'query', 'scheme', 'username'] as const;

/** Jinja's urlencode: a string quoted for a URL path, or a dict (or list of pairs) as a query string. */
function urlencode(value: unknown): string {
  if (typeof value === 'string' || (!Array.isArray(value) && !isMapping(value))) return urlQuote(pyStr(value), '/');
  const pairs = isMapping(value) ? keysOf(value).map((k) => [k, readOwn(value, k)]) : toList(value).map((p) => toList(p));
  const part = (x: unknown): string => urlQuote(pyStr(x), '').replace(/%20/g, '+');
  return pairs.map(([k, v]) => `${part(k)}=${part(v)}`).join('&');
}

/** URL filters: splitting, quoting and unquoting. */
export const URL_FILTERS: Readonly<Record<string, FilterSpec>> = {
  urlsplit: ansible('The parts of a URL as a dict (fragment, hostname, netloc, password, path, port, query, scheme, username), or the one named by `query`.', (v, a, k) => {
    const split = urlSplit(pyStr(v));
    const parts = { ...split, ...netlocParts(split.netloc) };
    const query = pyStr(arg(a, k, 0, 'query', ''));
    if (query) {
      if (!(URL_PARTS as readonly string[]).includes(query)) throw new TypeError(`urlsplit: unknown URL component: ${query}`);
      return parts[query as (typeof URL_PARTS)[number]];
    }
    const out: Mapping = {};
    for (const name of URL_PARTS) setOwn(out, name, parts[name]);
    return out;
  }),
  urlencode: jinja('Text quoted for a URL (`/` kept), or a dict or list of pairs as a query string (`a=1&b=x+y`).', (v) => urlencode(v)),
  urldecode: ansible('URL-quoted text decoded (`+` is a space).', (v) => urlUnquotePlus(pyStr(v))),
};
