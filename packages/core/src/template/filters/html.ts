import { arg } from '../../expr/params.js';
import { pyStr } from '../../expr/py-string.js';
import { keysOf, readOwn, truthy } from '../../expr/values.js';
import { toMapping } from './shared.js';
import { alias, jinja, type FilterSpec } from './spec.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** MarkupSafe's escape: `& < > " '` as HTML entities. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** HTML character references decoded: numeric ones, and the named ones of the XML set plus `&nbsp;`. */
function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    }
    return Object.hasOwn(NAMED_ENTITIES, ref) ? NAMED_ENTITIES[ref]! : whole;
  });
}

/** The host part urlize accepts after `http(s)://` or `www.`: optional subdomains and a top-level domain (or an IDNA one). */
const NAMED_HOST = String.raw`(?:https?://|www\.)(?:[\w%-]+\.)*(?:[a-z]{2,63}|xn--[\w%]{2,59})`;
/** A bare domain urlize accepts without a scheme: only under the classic top-level domains. */
const BARE_DOMAIN = String.raw`(?:[\w%-]{2,63}\.)+(?:com|net|int|edu|gov|org|info|mil)`;
/** An IP address host, after a scheme only. */
const IP_HOST = String.raw`https?://(?:\d{1,3}(?:\.\d{1,3}){3}|\[(?:[\da-f]{0,4}:){2}(?:[\da-f]{0,4}:?){1,6}\])`;
const HTTP_URL = new RegExp(String.raw`^(?:${NAMED_HOST}|${BARE_DOMAIN}|${IP_HOST})(?::\d{1,5})?(?:[/?#]\S*)?$`, 'iu');
const EMAIL = /^\S+@\w[\w.-]*\.\w+$/u;

/** Moves closing brackets from `tail` back into `middle` while `middle` has unmatched openers. */
function balance(middle: string, tail: string): [string, string] {
  for (const [open, close] of [['(', ')'], ['<', '>'], ['&lt;', '&gt;']] as const) {
    const opens = middle.split(open).length - 1;
    if (opens <= middle.split(close).length - 1) continue;
    for (let n = Math.min(opens, tail.split(close).length - 1); n > 0; n--) {
      const end = tail.indexOf(close) + close.length;
      middle += tail.slice(0, end);
      tail = tail.slice(end);
    }
  }
  return [middle, tail];
}

/** Jinja's urlize: URLs (http, https, www.), `mailto:` and e-mail addresses in the escaped text made into links. */
function urlize(text: string, trimLimit: number | null, rel: string | null, target: string | null): string {
  const trim = (x: string): string => (trimLimit !== null && x.length > trimLimit ? `${x.slice(0, trimLimit)}...` : x);
  const relAttr = rel ? ` rel="${escapeHtml(rel)}"` : '';
  const targetAttr = target ? ` target="${escapeHtml(target)}"` : '';
  return escapeHtml(text)
    .split(/(\s+)/)
    .map((word) => {
      const lead = /^(?:[(<]|&lt;)+/.exec(word)?.[0] ?? '';
      let middle = word.slice(lead.length);
      let tail = '';
      const trail = /(?:[)>.,\n]|&gt;)+$/.exec(middle);
      if (trail) {
        tail = trail[0];
        middle = middle.slice(0, trail.index);
      }
      [middle, tail] = balance(middle, tail);
      if (HTTP_URL.test(middle)) {
        const href = middle.startsWith('https://') || middle.startsWith('http://') ? middle : `https://${middle}`;
        middle = `<a href="${href}"${relAttr}${targetAttr}>${trim(middle)}</a>`;
      } else if (middle.startsWith('mailto:') && EMAIL.test(middle.slice(7))) middle = `<a href="${middle}">${middle.slice(7)}</a>`;
      else if (middle.includes('@') && !middle.startsWith('www.') && !middle.includes(':') && EMAIL.test(middle)) middle = `<a href="mailto:${middle}">${middle}</a>`;
      return lead + middle + tail;
    })
    .join('');
}

const ESCAPE = jinja("The text with `& < > \" '` as HTML entities.", (v) => escapeHtml(pyStr(v)));

/** HTML filters: escaping, tags, links and attributes. */
export const HTML_FILTERS: Readonly<Record<string, FilterSpec>> = {
  escape: ESCAPE,
  e: alias('escape', ESCAPE),
  forceescape: jinja('HTML-escaped text, even if already escaped.', (v) => escapeHtml(pyStr(v))),
  striptags: jinja('The text without SGML/XML tags and comments, whitespace runs as one space, entities decoded.', (v) =>
    unescapeHtml(
      pyStr(v)
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/<[\s\S]*?>/g, '')
        .split(/\s+/)
        .filter(Boolean)
        .join(' '),
    ),
  ),
  urlize: jinja('URLs and e-mail addresses in the text as HTML links (`rel="noopener"`); `trim_url_limit`, `nofollow`, `target`, `rel`.', (v, a, k) => {
    const limit = arg(a, k, 0, 'trim_url_limit', null);
    const rel = new Set(pyStr(arg(a, k, 3, 'rel', '')).split(/\s+/).filter(Boolean));
    if (truthy(arg(a, k, 1, 'nofollow', false))) rel.add('nofollow');
    rel.add('noopener');
    const target = arg(a, k, 2, 'target', null);
    return urlize(pyStr(v), limit === null ? null : Number(limit), [...rel].sort().join(' '), target === null ? null : pyStr(target));
  }),
  xmlattr: jinja('A dict as XML/HTML attributes (`key="value"`, escaped; none values left out), with a leading space unless `autospace=false`.', (v, a, k) => {
    const d = toMapping(v, 'xmlattr');
    const items: string[] = [];
    for (const key of keysOf(d)) {
      const value = readOwn(d, key);
      if (value === null || value === undefined) continue;
      items.push(`${escapeHtml(key)}="${escapeHtml(pyStr(value))}"`);
    }
    const text = items.join(' ');
    return truthy(arg(a, k, 0, 'autospace', true)) && text ? ` ${text}` : text;
  }),
};
