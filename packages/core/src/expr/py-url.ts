/** The five parts of a URL, as Python's urllib.parse.urlsplit gives them. */
export interface SplitUrl {
  readonly scheme: string;
  readonly netloc: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;
}

/** The attributes urlsplit derives from the network location. */
export interface NetlocParts {
  readonly username: string | null;
  readonly password: string | null;
  readonly hostname: string | null;
  readonly port: number | null;
}

const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/** Python's urlsplit: scheme (lower-cased), netloc after `//`, path, query after `?`, fragment after `#`; raises on unbalanced IPv6 brackets. */
export function urlSplit(input: string): SplitUrl {
  let url = input.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  let netloc = '';
  let query = '';
  let fragment = '';
  const colon = url.indexOf(':');
  if (colon > 0 && SCHEME_CHARS.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  if (url.startsWith('//')) {
    const end = url.slice(2).search(/[/?#]/);
    netloc = end < 0 ? url.slice(2) : url.slice(2, end + 2);
    url = end < 0 ? '' : url.slice(end + 2);
    if (netloc.includes('[') !== netloc.includes(']')) throw new TypeError('Invalid IPv6 URL');
  }
  const hash = url.indexOf('#');
  if (hash >= 0) [url, fragment] = [url.slice(0, hash), url.slice(hash + 1)];
  const question = url.indexOf('?');
  if (question >= 0) [url, query] = [url.slice(0, question), url.slice(question + 1)];
  return { scheme, netloc, path: url, query, fragment };
}

/** username, password, hostname (lower-cased) and port of a netloc, as urlsplit's attributes; raises on a bad port. */
export function netlocParts(netloc: string): NetlocParts {
  const at = netloc.lastIndexOf('@');
  const userinfo = at < 0 ? null : netloc.slice(0, at);
  const hostinfo = netloc.slice(at + 1);
  let username: string | null = null;
  let password: string | null = null;
  if (userinfo !== null) {
    const sep = userinfo.indexOf(':');
    username = sep < 0 ? userinfo : userinfo.slice(0, sep);
    password = sep < 0 ? null : userinfo.slice(sep + 1);
  }
  let host: string;
  let portText: string;
  if (hostinfo.includes('[')) {
    const close = hostinfo.indexOf(']');
    host = hostinfo.slice(hostinfo.indexOf('[') + 1, close);
    const after = hostinfo.slice(close + 1);
    portText = after.startsWith(':') ? after.slice(1) : '';
  } else {
    const sep = hostinfo.indexOf(':');
    host = sep < 0 ? hostinfo : hostinfo.slice(0, sep);
    portText = sep < 0 ? '' : hostinfo.slice(sep + 1);
  }
  let port: number | null = null;
  if (portText !== '') {
    if (!/^[0-9]+$/.test(portText)) throw new TypeError(`Port could not be cast to integer value as '${portText}'`);
    port = Number(portText);
    if (port > 65535) throw new TypeError('Port out of range 0-65535');
  }
  return { username, password, hostname: host === '' ? null : host.toLowerCase(), port };
}

/** Python's urllib.parse.quote: UTF-8 bytes percent-encoded except letters, digits, `_.-~` and the `safe` characters. */
export function urlQuote(text: string, safe: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(c) || (byte < 0x80 && safe.includes(c)) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Python's urllib.parse.unquote_plus: `+` is a space, `%XX` sequences are UTF-8 bytes (bad ones become U+FFFD). */
export function urlUnquotePlus(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}
