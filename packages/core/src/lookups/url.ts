import { KbrunError, type ErrorCode } from '../errors/kbrun-error.js';
import { isMapping, keysOf, typeName } from '../expr/values.js';
import { boolOption, lookupError, stringOption, stringTerm } from './lookup-options.js';
import type { LookupOptions, LookupSpec } from './lookup-types.js';
import { fetchSync } from './url-request.js';

const DEFAULTS = {
  validate_certs: true,
  split_lines: true,
  use_proxy: true,
  username: null,
  password: null,
  headers: {},
  force: false,
  timeout: 10,
  http_agent: 'ansible-httpget',
  force_basic_auth: false,
  follow_redirects: 'urllib2',
  use_gssapi: false,
  use_netrc: true,
  unix_socket: null,
  ca_path: null,
  unredirected_headers: null,
  ciphers: null,
};
/** Options kbrun does not implement: refused unless left at their default. */
const REFUSED = ['use_gssapi', 'unix_socket', 'ca_path', 'unredirected_headers', 'ciphers'] as const;

function headersOf(options: LookupOptions): Record<string, string> {
  const given = options['headers'];
  if (!isMapping(given)) throw lookupError('url', `headers must be a mapping, got ${typeName(given)}`);
  const headers: Record<string, string> = { 'user-agent': stringOption('url', options, 'http_agent') };
  for (const key of keysOf(given)) headers[key.toLowerCase()] = String(given[key]);
  if (options['username'] !== null && options['username'] !== undefined) {
    const credentials = `${stringOption('url', options, 'username')}:${options['password'] === null ? '' : stringOption('url', options, 'password')}`;
    headers['authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  if (boolOption('url', options, 'force')) headers['cache-control'] = 'no-cache';
  return headers;
}

/** `url`: the body of HTTP(S) GETs made from the controller through the guarded dialer (one item per line by default). */
export const urlLookup: LookupSpec = {
  description: 'Body of HTTP(S) GETs from the controller through the guarded dialer (loopback only under KBRUN_LOOPBACK_ONLY); lines by default; no proxy or .netrc; `use_gssapi`, `unix_socket`, `ca_path`, `ciphers`, `unredirected_headers` are refused.',
  options: DEFAULTS,
  run: (terms, options) => {
    for (const key of REFUSED) if (options[key] !== DEFAULTS[key]) throw lookupError('url', `option ${key} is not supported by kbrun`);
    const follow = stringOption('url', options, 'follow_redirects');
    if (!['urllib2', 'all', 'safe', 'yes', 'none', 'no'].includes(follow)) throw lookupError('url', `follow_redirects must be urllib2, all, safe or none, got '${follow}'`);
    const timeout = Number(options['timeout']);
    if (!(timeout > 0)) throw lookupError('url', `timeout must be a positive number of seconds, got ${JSON.stringify(options['timeout'])}`);
    const headers = headersOf(options);
    return terms.flatMap((term) => {
      const url = stringTerm('url', term);
      if (!/^https?:\/\//i.test(url)) throw lookupError('url', `only http:// and https:// URLs can be fetched, got '${url}'`);
      const reply = fetchSync({ url, headers, timeoutMs: timeout * 1000, validateCerts: boolOption('url', options, 'validate_certs'), followRedirects: !['none', 'no'].includes(follow) });
      if (!reply.ok) {
        if (reply.code) throw new KbrunError(reply.code as ErrorCode, `lookup 'url': ${url}: ${reply.message}`, { hint: reply.hint });
        throw lookupError('url', `failed to fetch ${url}: ${reply.message}`);
      }
      if (reply.status >= 300) throw lookupError('url', `received HTTP error for ${url}: HTTP Error ${reply.status}`);
      if (!boolOption('url', options, 'split_lines')) return [reply.body];
      return reply.body.split(/\r\n|\n|\r/).filter((line, i, all) => i < all.length - 1 || line !== '');
    });
  },
};
