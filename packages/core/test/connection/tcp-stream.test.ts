// TCP streams from a connection's point of view: the local connection's openTcp (the controller's guarded dialer),
// its typed failures, and HTTP(S) over any connection's streams (connectionDispatcher, startTls).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackTarget } from '../../../../test/helpers/loopback-target.js';
import { commandMissing, requires } from '../../../../test/helpers/prerequisite.js';
import { LocalConnection } from '../../src/connection/local-connection.js';
import { TcpConnectError } from '../../src/connection/tcp-stream.js';
import { KbrunError } from '../../src/errors/kbrun-error.js';
import { enableLoopbackOnly } from '../../src/net/loopback-guard.js';
import { connectionDispatcher, startTls } from '../../src/net/stream-dispatcher.js';

const opensslMissing = commandMissing('openssl', ['version'], 'apt-get install openssl');
const servers: Array<Server | HttpServer | HttpsServer> = [];
const dir = mkdtempSync(join(tmpdir(), 'kbrun-tcp-stream-'));
let http: number;
let https: number;
let cert: string;

beforeAll(async () => {
  enableLoopbackOnly();
  const web = createHttpServer((req, res) => res.end(`plain ${req.url}`));
  servers.push(web);
  http = await listen(web);
  if (opensslMissing) return;
  // A self-signed certificate for localhost and 127.0.0.1, made for this run.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const secure = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => res.end(`secure ${req.url}`));
  servers.push(secure);
  https = await listen(secure);
});

afterAll(async () => {
  for (const server of servers) {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
  rmSync(dir, { recursive: true, force: true });
});

async function listen(server: Server | HttpServer | HttpsServer): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((done) => server.close(done));
  return port;
}

describe('LocalConnection.openTcp (the controller view)', () => {
  it('opens a stream through the guarded dialer', async () => {
    const stream = await new LocalConnection().openTcp('127.0.0.1', http);
    stream.end('GET /x HTTP/1.0\r\n\r\n');
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*plain \/x$/);
  });

  it('reports a closed port as a TcpConnectError from the controller', async () => {
    const port = await closedPort();
    const error = await new LocalConnection().openTcp('127.0.0.1', port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TcpConnectError);
    expect(error).toMatchObject({ reason: 'refused', host: '127.0.0.1', port, code: 'E_TCP_CONNECT' });
    expect((error as Error).message).toBe(`connection refused by 127.0.0.1:${port} from the controller`);
  });

  it('keeps the loopback guard refusal as it is (E_NET_GUARD), before any packet', async () => {
    const error = await new LocalConnection().openTcp('192.0.2.10', 5432).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KbrunError);
    expect((error as KbrunError).code).toBe('E_NET_GUARD');
  });
});

describe('connectionDispatcher (HTTP over the connection\'s streams)', () => {
  it('asks the connection for every stream, with the URL\'s host and port', async () => {
    const { connection, asked } = loopbackTarget();
    const dispatcher = connectionDispatcher(connection);
    try {
      const response = await request(`http://127.0.0.1:${http}/health`, { dispatcher });
      expect(await response.body.text()).toBe('plain /health');
      expect(asked).toEqual([`127.0.0.1:${http}`]);
    } finally {
      await dispatcher.destroy();
    }
  });

  requires(opensslMissing)('speaks TLS over the stream: the certificate is checked unless rejectUnauthorized is false', async () => {
    const { connection, asked } = loopbackTarget();
    const strict = connectionDispatcher(connection);
    const lenient = connectionDispatcher(connection, { rejectUnauthorized: false });
    try {
      const refused = await request(`https://127.0.0.1:${https}/`, { dispatcher: strict }).catch((e: unknown) => e);
      expect(String((refused as Error).message)).toMatch(/self[- ]signed/i);
      const response = await request(`https://127.0.0.1:${https}/ok`, { dispatcher: lenient });
      expect(await response.body.text()).toBe('secure /ok');
      expect(asked).toEqual([`127.0.0.1:${https}`, `127.0.0.1:${https}`]);
    } finally {
      await strict.destroy();
      await lenient.destroy();
    }
  });

  requires(opensslMissing)('startTls verifies the name against a given CA', async () => {
    const socket = await new LocalConnection().openTcp('127.0.0.1', https);
    const secure = await startTls(socket, { servername: 'localhost', ca: cert });
    expect(secure.authorized).toBe(true);
    secure.destroy();
    const other = await new LocalConnection().openTcp('127.0.0.1', https);
    await expect(startTls(other, { servername: 'db.example', ca: cert })).rejects.toThrow(/db\.example/);
  });
});
