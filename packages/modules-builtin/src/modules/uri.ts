import { STATUS_CODES } from 'node:http';
import { connectionDispatcher, ConnectionError, defineModule, type ModuleResult } from '@kbrun/core';
import { request } from 'undici';
import { pythonRepr } from '../lib/python-repr.js';
import { credentialsOf, hideCredentialsIn, withoutCredentials } from '../lib/url-credentials.js';

/** Arguments of `uri`. */
export interface UriArgs {
  url: string;
  method?: string;
  body?: unknown;
  body_format?: 'raw' | 'json' | 'form-urlencoded';
  headers?: Record<string, string | number | boolean>;
  status_code?: number | string | (number | string)[];
  return_content?: boolean;
  timeout?: number;
  follow_redirects?: 'none' | 'safe' | 'all' | 'urllib2' | 'no' | 'yes';
  url_username?: string;
  url_password?: string;
  force_basic_auth?: boolean;
  validate_certs?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
// Headers that carry credentials: sent only to the origin the task named, never to one a redirect leads to.
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * `uri`: makes an HTTP(S) request like ansible.builtin.uri, from the target's network (its connections are streams the
 * connection opens from the target; with connection: local or delegate_to: localhost, the controller's guarded dialer).
 */
export const uri = defineModule<UriArgs>({
  name: 'uri',
  description:
    "Makes an HTTP or HTTPS request from the target's network, as Ansible's module running on the target does (over SSH the target's sshd opens the connection, so http://127.0.0.1/ is the target itself; with connection: local or delegate_to: localhost, the controller through the guarded dialer), and checks its status; the response body is returned with return_content and parsed into `json` when it is JSON.",
  check: 'none',
  schema: {
    type: 'object',
    properties: {
      url: { type: 'string', description: 'The URL (http or https); `user:password@` in it is used as url_username/url_password.' },
      method: { type: 'string', default: 'GET', description: 'The HTTP method.' },
      body: { description: 'The request body: text, or a mapping/list encoded as body_format says.' },
      body_format: { type: 'string', enum: ['raw', 'json', 'form-urlencoded'], default: 'raw', description: 'How a non-text body is encoded (also sets Content-Type).' },
      headers: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }, description: 'Request headers.' },
      status_code: {
        anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'array', items: { anyOf: [{ type: 'integer' }, { type: 'string' }] } }],
        default: [200],
        description: 'The status code(s) that mean success.',
      },
      return_content: { type: 'boolean', default: false, description: 'Return the body as `content` (it is always returned on failure).' },
      timeout: { type: 'number', minimum: 0, default: 30, description: 'Seconds the whole request may take.' },
      follow_redirects: {
        type: 'string',
        enum: ['none', 'safe', 'all', 'urllib2', 'no', 'yes'],
        default: 'safe',
        description: 'none: never; safe: only for GET and HEAD; all: always (a 303, or a 301/302 after POST, continues with GET).',
      },
      url_username: {
        type: 'string',
        description: "User for HTTP basic authentication (sent after a 401 challenge, or at once with force_basic_auth), only ever to the URL's own origin, never to one it redirects to.",
      },
      url_password: { type: 'string', description: 'Password for HTTP basic authentication.' },
      force_basic_auth: { type: 'boolean', default: false, description: 'Send basic authentication with the first request.' },
      validate_certs: { type: 'boolean', default: true, description: "false accepts any server certificate for https (self-signed, another name); by default it must be valid for the URL's host." },
    },
    required: ['url'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    const started = performance.now();
    const expected = (Array.isArray(args.status_code) ? args.status_code : [args.status_code ?? 200]).map(Number);
    const elapsed = () => Math.floor((performance.now() - started) / 1000);
    const requestFailed = (reason: string, url: string): ModuleResult => ({
      failed: true,
      changed: false,
      status: -1,
      url,
      elapsed: elapsed(),
      redirected: false,
      msg: `Status code was -1 and not ${pythonRepr(expected)}: Request failed: ${reason}`,
    });
    let named: URL;
    try {
      named = new URL(args.url);
    } catch {
      return requestFailed(`<urlopen error unknown url type: ${hideCredentialsIn(args.url)}>`, hideCredentialsIn(args.url));
    }
    let url = withoutCredentials(named);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return requestFailed(`<urlopen error unknown url type: ${url.protocol.slice(0, -1)}>`, url.href);

    let method = (args.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(args.headers ?? {})) headers[name.toLowerCase()] = String(value);
    let body = encodeBody(args.body, args.body_format ?? 'raw', headers);
    const fromUrl = credentialsOf(named);
    const username = args.url_username ?? fromUrl?.username;
    const password = args.url_username === undefined ? fromUrl?.password : args.url_password;
    const basicAuth = username === undefined ? undefined : `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    // Basic credentials go to the named origin only: at once with force_basic_auth, otherwise after its 401.
    const origin = url.origin;
    let challenged = false;
    const headersFor = (target: URL): Record<string, string> => {
      const sent = { ...headers };
      if (target.origin !== origin) for (const name of CREDENTIAL_HEADERS) delete sent[name];
      else if (basicAuth && (args.force_basic_auth || challenged)) sent['authorization'] = basicAuth;
      return sent;
    };
    const follow = args.follow_redirects ?? 'safe';
    const timeoutMs = (args.timeout ?? 30) * 1000;
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
    // One dispatcher per call: its connections are the target's streams (over SSH, channels), closed when it ends.
    const dispatcher = connectionDispatcher(ctx.connection, { connectTimeoutMs: timeoutMs, rejectUnauthorized: args.validate_certs ?? true, signal });
    try {
      return await exchange();
    } finally {
      await dispatcher.destroy().catch(() => undefined);
    }

    async function exchange(): Promise<ModuleResult> {
      let redirected = false;
      for (let hop = 0; ; hop++) {
        let response;
        let data: Buffer;
        try {
          ctx.log(`${method} ${url.href}`);
          response = await request(url, { method: method as 'GET', headers: headersFor(url), body, dispatcher, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
          data = Buffer.from(await response.body.arrayBuffer());
        } catch (error) {
          // The run was cancelled, or the target itself is unreachable (not a failed request): the engine reports it.
          if (ctx.signal.aborted || error instanceof ConnectionError) throw error;
          const reason = signal.aborted ? `timed out after ${args.timeout ?? 30} seconds` : describeError(error);
          return requestFailed(reason, url.href);
        }
        const status = response.statusCode;
        if (status === 401 && basicAuth && url.origin === origin && !challenged && !args.force_basic_auth) {
          challenged = true;
          continue;
        }
        const location = firstHeader(response.headers['location']);
        if (REDIRECTS.has(status) && location && hop < MAX_REDIRECTS && mayFollow(follow, method)) {
          const next = withoutCredentials(new URL(location, url));
          if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
            if (method !== 'HEAD') method = 'GET';
            body = undefined;
            delete headers['content-type'];
            delete headers['content-length'];
          }
          url = next;
          redirected = true;
          continue;
        }
        return buildResult(response.headers, status, url, data, { expected, redirected, elapsed: elapsed(), returnContent: args.return_content ?? false });
      }
    }
  },
});

function encodeBody(body: unknown, format: 'raw' | 'json' | 'form-urlencoded', headers: Record<string, string>): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (format === 'json') {
    headers['content-type'] ??= 'application/json';
    return typeof body === 'string' ? body : JSON.stringify(body);
  }
  if (format === 'form-urlencoded') {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    if (typeof body === 'string') return body;
    const pairs = Array.isArray(body) ? (body as [unknown, unknown][]) : Object.entries(body as Record<string, unknown>);
    return new URLSearchParams(pairs.map(([k, v]): [string, string] => [String(k), String(v)])).toString();
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  return JSON.stringify(body);
}

function mayFollow(follow: NonNullable<UriArgs['follow_redirects']>, method: string): boolean {
  if (follow === 'none' || follow === 'no') return false;
  if (follow === 'safe') return method === 'GET' || method === 'HEAD';
  return true;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && error.cause.message !== error.message ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

interface ResultOptions {
  expected: number[];
  redirected: boolean;
  elapsed: number;
  returnContent: boolean;
}

// Ansible's result: every response header (lower case, '-' → '_'), then status, url, msg, content, json, cookies.
function buildResult(responseHeaders: Record<string, string | string[] | undefined>, status: number, url: URL, data: Buffer, options: ResultOptions): ModuleResult {
  const result: ModuleResult = {};
  for (const [name, value] of Object.entries(responseHeaders)) {
    if (value === undefined) continue;
    result[name.toLowerCase().replace(/-/g, '_')] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (typeof result['location'] === 'string') result['location'] = withoutCredentials(new URL(result['location'], url)).href;
  const cookies: Record<string, string> = {};
  const setCookie = responseHeaders['set-cookie'];
  for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const pair = /^\s*([^=;\s]+)=([^;]*)/.exec(line);
    if (pair) cookies[pair[1]!] = pair[2]!;
  }
  const contentType = firstHeader(responseHeaders['content-type']) ?? '';
  const text = decode(data, contentType);
  const ok = options.expected.includes(status);
  const length = firstHeader(responseHeaders['content-length']);
  const info = status < 300 ? `OK (${length ?? 'unknown'} bytes)` : `HTTP Error ${status}: ${STATUS_CODES[status] ?? 'Unknown'}`;
  Object.assign(result, {
    changed: false,
    status,
    url: url.href,
    redirected: options.redirected,
    elapsed: options.elapsed,
    cookies,
    cookies_string: Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
    msg: ok ? info : `Status code was ${status} and not ${pythonRepr(options.expected)}: ${info}`,
  });
  if (/[/+]json\b|^text\/json/i.test(contentType) && text.trim() !== '') {
    try {
      result['json'] = JSON.parse(text);
    } catch {
      // Not valid JSON after all: only `content` carries it.
    }
  }
  if (options.returnContent || !ok) result['content'] = text;
  if (!ok) result.failed = true;
  return result;
}

function decode(data: Buffer, contentType: string): string {
  const charset = /charset="?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(data);
  } catch {
    return data.toString('utf8');
  }
}
