import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError, enableLoopbackOnly, TcpConnectError } from '@kbrun/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackTarget } from '../../../test/helpers/loopback-target.js';
import { commandMissing, requires } from '../../../test/helpers/prerequisite.js';
import { uri } from '../src/index.js';
import { makeContext, prepareArgs, runModule } from './helpers/target.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
// Another origin (address and port) that redirects from `base` lead to; it challenges every request for credentials.
let elsewhere: Server;
let elsewhereBase: string;
const seenElsewhere: Seen[] = [];

function handle(request: IncomingMessage, response: ServerResponse, body: string): void {
  seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
  const send = (status: number, text: string, headers: Record<string, string | string[]> = {}) => {
    response.writeHead(status, { 'content-length': String(Buffer.byteLength(text)), ...headers });
    response.end(text);
  };
  switch (request.url) {
    case '/json':
      return send(200, JSON.stringify({ ok: true, items: [1, 2] }), { 'content-type': 'application/json', 'x-request-id': 'abc-123', 'set-cookie': ['sid=s3cr3t; Path=/', 'theme=dark'] });
    case '/echo':
      return send(201, JSON.stringify({ method: request.method, body, type: request.headers['content-type'] ?? null }), { 'content-type': 'application/json; charset=utf-8' });
    case '/missing':
      return send(404, 'no such thing', { 'content-type': 'text/plain' });
    case '/moved':
      return send(302, '', { location: '/json' });
    case '/see-other':
      return send(303, '', { location: '/echo' });
    case '/away':
      return send(302, '', { location: `${elsewhereBase}/secret` });
    case '/away-with-userinfo':
      return send(302, '', { location: `${elsewhereBase.replace('//', '//eve:stolen-pw@')}/secret` });
    case '/private':
      if (request.headers.authorization !== `Basic ${Buffer.from('ada:pw').toString('base64')}`) {
        return send(401, 'who?', { 'www-authenticate': 'Basic realm="test"' });
      }
      return send(200, 'welcome');
    default:
      return send(200, 'plain text');
  }
}

beforeAll(async () => {
  enableLoopbackOnly();
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  elsewhere = createServer((request, response) => {
    seenElsewhere.push({ method: request.method!, url: request.url!, headers: request.headers, body: '' });
    response.writeHead(401, { 'www-authenticate': 'Basic realm="elsewhere"', 'content-length': '4' });
    response.end('who?');
  });
  await new Promise<void>((done) => elsewhere.listen(0, '127.0.0.2', done));
  elsewhereBase = `http://127.0.0.2:${(elsewhere.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const each of [server, elsewhere]) {
    each.closeAllConnections();
    await new Promise((done) => each.close(done));
  }
});

describe('uri', () => {
  it('GETs JSON: status, msg, json, headers as keys, cookies', async () => {
    const result = await runModule(uri, { url: `${base}/json` });
    expect(result).toMatchObject({
      changed: false,
      status: 200,
      url: `${base}/json`,
      msg: `OK (${JSON.stringify({ ok: true, items: [1, 2] }).length} bytes)`,
      json: { ok: true, items: [1, 2] },
      content_type: 'application/json',
      x_request_id: 'abc-123',
      redirected: false,
      cookies: { sid: 's3cr3t', theme: 'dark' },
      cookies_string: 'sid=s3cr3t; theme=dark',
    });
    expect(result.failed).toBeUndefined();
    expect(result['content']).toBeUndefined();
    expect(typeof result['elapsed']).toBe('number');
  });

  it('returns the body with return_content', async () => {
    expect((await runModule(uri, { url: `${base}/text`, return_content: true }))['content']).toBe('plain text');
  });

  it('sends a JSON body with the right content type and accepts listed status codes', async () => {
    const result = await runModule(uri, { url: `${base}/echo`, method: 'post', body: { name: 'x', n: [1] }, body_format: 'json', status_code: [200, 201] });
    expect(result).toMatchObject({ status: 201, json: { method: 'POST', body: '{"name":"x","n":[1]}', type: 'application/json' } });
  });

  it('sends form bodies and custom headers', async () => {
    const result = await runModule(uri, {
      url: `${base}/echo`,
      method: 'PUT',
      body: { a: '1 2', b: 'ü' },
      body_format: 'form-urlencoded',
      headers: { 'X-Trace': 42 },
      status_code: '201',
    });
    expect(result['json']).toMatchObject({ body: 'a=1+2&b=%C3%BC', type: 'application/x-www-form-urlencoded' });
    expect(seen.at(-1)!.headers['x-trace']).toBe('42');
  });

  it('fails on an unexpected status with Ansible\'s message and the content', async () => {
    const result = await runModule(uri, { url: `${base}/missing` });
    expect(result).toMatchObject({ failed: true, status: 404, msg: 'Status code was 404 and not [200]: HTTP Error 404: Not Found', content: 'no such thing' });
    const created = await runModule(uri, { url: `${base}/echo`, method: 'POST', body: 'x' });
    expect(created.msg).toMatch(/^Status code was 201 and not \[200\]: OK \(\d+ bytes\)$/);
  });

  it('follows redirects safely by default and not at all with none', async () => {
    expect(await runModule(uri, { url: `${base}/moved` })).toMatchObject({ status: 200, redirected: true, url: `${base}/json` });
    const stopped = await runModule(uri, { url: `${base}/moved`, follow_redirects: 'none', status_code: 302 });
    expect(stopped).toMatchObject({ status: 302, redirected: false, location: `${base}/json` });
    // safe: a POST is not redirected; all: a 303 continues with GET.
    expect((await runModule(uri, { url: `${base}/see-other`, method: 'POST', body: 'x', status_code: 303 }))['status']).toBe(303);
    const all = await runModule(uri, { url: `${base}/see-other`, method: 'POST', body: 'x', follow_redirects: 'all', status_code: 201 });
    expect(all['json']).toMatchObject({ method: 'GET', body: '' });
  });

  it('answers a basic-auth challenge, or sends credentials at once with force_basic_auth', async () => {
    const before = seen.length;
    expect((await runModule(uri, { url: `${base}/private`, url_username: 'ada', url_password: 'pw', return_content: true }))['content']).toBe('welcome');
    expect(seen.length - before).toBe(2);
    await runModule(uri, { url: `${base}/private`, url_username: 'ada', url_password: 'pw', force_basic_auth: true });
    expect(seen.length - before).toBe(3);
    expect((await runModule(uri, { url: `${base}/private`, url_username: 'ada', url_password: 'wrong' }))['status']).toBe(401);
  });

  it('never sends credentials to another origin a redirect leads to, not even after its 401', async () => {
    const credentials = `Basic ${Buffer.from('ada:pw').toString('base64')}`;
    const variants: Record<string, unknown>[] = [
      { url: `${base}/away`, url_username: 'ada', url_password: 'pw' },
      { url: `${base}/away`, url_username: 'ada', url_password: 'pw', force_basic_auth: true },
      { url: `${base}/away`, headers: { Authorization: credentials, Cookie: 'sid=1' } },
      { url: base.replace('//', '//ada:pw@') + '/away' },
    ];
    const sentToNamed: unknown[] = [];
    for (const args of variants) {
      const before = seenElsewhere.length;
      const result = await runModule(uri, { ...args, status_code: 401 });
      expect(result).toMatchObject({ status: 401, redirected: true, url: `${elsewhereBase}/secret` });
      expect(seenElsewhere.length - before).toBe(1);
      expect(seenElsewhere.at(-1)!.headers.authorization).toBeUndefined();
      expect(seenElsewhere.at(-1)!.headers.cookie).toBeUndefined();
      sentToNamed.push(seen.at(-1)!.headers.authorization);
    }
    // Forced or explicit credentials still go to the origin the task named.
    expect(sentToNamed).toEqual([undefined, credentials, credentials, undefined]);
  });

  it('takes user:password@ out of the URL: used as credentials, never logged or returned', async () => {
    const { ctx, logs } = makeContext();
    const result = await uri.run(prepareArgs(uri, { url: base.replace('//', '//ada:pw@') + '/private', return_content: true }), ctx);
    expect(result).toMatchObject({ status: 200, content: 'welcome', url: `${base}/private` });
    expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('ada:pw').toString('base64')}`);

    const away = makeContext();
    const redirected = await uri.run(prepareArgs(uri, { url: base.replace('//', '//ada:pw@') + '/away-with-userinfo', status_code: 401 }), away.ctx);
    expect(seenElsewhere.at(-1)!.headers.authorization).toBeUndefined();
    const unparsable = await runModule(uri, { url: 'http://ada:pw@[::1' });
    const shown = JSON.stringify([result, logs, redirected, away.logs, unparsable]);
    expect(logs).toEqual([`GET ${base}/private`, `GET ${base}/private`]);
    expect(shown).not.toMatch(/ada:pw|eve:stolen-pw|stolen-pw|:pw@/);
    expect(unparsable).toMatchObject({ failed: true, status: -1 });
  });

  it('reports a refused connection as status -1', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const result = await runModule(uri, { url: `http://127.0.0.1:${port}/` });
    expect(result).toMatchObject({ failed: true, status: -1 });
    expect(result.msg).toMatch(/^Status code was -1 and not \[200\]: Request failed: .*ECONNREFUSED/);
  });

  it('refuses a non-loopback address in loopback-only mode without connecting', async () => {
    const result = await runModule(uri, { url: 'http://10.1.2.3/' });
    expect(result).toMatchObject({ failed: true, status: -1 });
    expect(result.msg).toContain('Status code was -1 and not [200]: Request failed: refusing to connect to address 10.1.2.3: loopback-only mode');
    expect(Number(result['elapsed'])).toBe(0);
  });

  it('is skipped in check mode by the engine (no check support)', () => {
    expect(uri.check).toBe('none');
  });
});

const opensslMissing = commandMissing('openssl', ['version'], 'apt-get install openssl');

describe('uri from the target\'s network', () => {
  it('makes the request over a stream the connection opens, to the address as the target names it', async () => {
    const { connection, asked } = loopbackTarget({ port: Number(new URL(base).port) });
    const test = makeContext();
    test.ctx.connection = connection;
    // 10.0.0.20 would be refused by the controller's loopback guard: here the target opens it.
    const result = await uri.run(prepareArgs(uri, { url: 'http://10.0.0.20:8008/json' }), test.ctx);
    expect(result).toMatchObject({ status: 200, json: { ok: true, items: [1, 2] } });
    expect(asked).toEqual(['10.0.0.20:8008']);
  });

  it('reports a port the target cannot reach as status -1 with the reason, and an unreachable target to the engine', async () => {
    const refused = loopbackTarget({ fail: () => new TcpConnectError('refused', '127.0.0.1', 8008, 'on the target web') });
    const test = makeContext();
    test.ctx.connection = refused.connection;
    const result = await uri.run(prepareArgs(uri, { url: 'http://127.0.0.1:8008/' }), test.ctx);
    expect(result).toMatchObject({ failed: true, status: -1, msg: 'Status code was -1 and not [200]: Request failed: connection refused by 127.0.0.1:8008 on the target web' });
    const gone = loopbackTarget({ fail: () => new ConnectionError('ssh to web: connect to 127.0.0.90 port 22: connection refused') });
    test.ctx.connection = gone.connection;
    await expect(uri.run(prepareArgs(uri, { url: 'http://127.0.0.1:8008/' }), test.ctx)).rejects.toBeInstanceOf(ConnectionError);
  });

  requires(opensslMissing)('checks certificates over the stream unless validate_certs is false', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kbrun-uri-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const secure = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_request, response) => response.end('secure'));
      await new Promise<void>((done) => secure.listen(0, '127.0.0.1', done));
      try {
        const { connection } = loopbackTarget({ port: (secure.address() as AddressInfo).port });
        const test = makeContext();
        test.ctx.connection = connection;
        const strict = await uri.run(prepareArgs(uri, { url: 'https://127.0.0.1:8443/' }), test.ctx);
        expect(strict).toMatchObject({ failed: true, status: -1 });
        expect(String(strict.msg)).toMatch(/self[- ]signed/i);
        const lenient = await uri.run(prepareArgs(uri, { url: 'https://127.0.0.1:8443/', validate_certs: false, return_content: true }), test.ctx);
        expect(lenient).toMatchObject({ status: 200, content: 'secure' });
      } finally {
        secure.closeAllConnections();
        await new Promise((done) => secure.close(done));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
