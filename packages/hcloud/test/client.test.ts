import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processSecrets } from '@kbrun/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HcloudClient, HcloudError, resolveEndpoint, resolveToken, type Server } from '../src/index.js';
import { FakeHcloud } from './helpers/fake-hcloud.js';

const TOKEN = 'hc-client-test-token-7f3a9c2e5b1d4f60';
const fast = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    setTimeout(resolve, ms / 100);
  });

let fake: FakeHcloud;
let client: HcloudClient;

beforeAll(async () => {
  fake = new FakeHcloud({ token: TOKEN });
  await fake.start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  client = new HcloudClient({ token: TOKEN, endpoint: fake.url, sleep: fast });
  fake.clearLog();
});
afterEach(() => client.close());

describe('token and endpoint', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kbrun-hcloud-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('prefers the given token, then HCLOUD_TOKEN, then HETZNER_API_TOKEN', () => {
    expect(resolveToken({ token: 'given-token', env: { HCLOUD_TOKEN: 'a-token', HETZNER_API_TOKEN: 'b-token' } })).toBe('given-token');
    expect(resolveToken({ env: { HCLOUD_TOKEN: 'a-token', HETZNER_API_TOKEN: 'b-token' } })).toBe('a-token');
    expect(resolveToken({ env: { HETZNER_API_TOKEN: 'b-token' } })).toBe('b-token');
  });

  it('reads a credentials file of mode 600 and refuses one readable by others, like ssh', async () => {
    const file = join(dir, 'hcloud-token');
    await writeFile(file, 'file-token-abcdef\n');
    await chmod(file, 0o600);
    expect(resolveToken({ env: {}, file })).toBe('file-token-abcdef');
    await chmod(file, 0o644);
    const error = (() => {
      try {
        resolveToken({ env: {}, file });
      } catch (e) {
        return e as HcloudError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(HcloudError);
    expect(error!.code).toBe('insecure_token_file');
    expect(error!.message).toContain('permissions 0644');
    expect(error!.message).toContain('chmod 600');
    expect(error!.message).not.toContain('file-token-abcdef');
  });

  it('says where to put a token when there is none', () => {
    expect(() => resolveToken({ env: {}, file: join(dir, 'missing') })).toThrow(/HCLOUD_TOKEN/);
  });

  it('takes HCLOUD_ENDPOINT and drops a trailing slash', () => {
    expect(resolveEndpoint(undefined, {})).toBe('https://api.hetzner.cloud/v1');
    expect(resolveEndpoint(undefined, { HCLOUD_ENDPOINT: 'http://127.0.0.1:9/v1/' })).toBe('http://127.0.0.1:9/v1');
    expect(resolveEndpoint('http://127.0.0.2/v1', { HCLOUD_ENDPOINT: 'http://127.0.0.1:9/v1' })).toBe('http://127.0.0.2/v1');
  });

  it('adds the token to the process redactor', () => {
    expect(processSecrets().redactor.redactText(`Bearer ${TOKEN}`)).toBe('Bearer ********');
  });
});

describe('requests', () => {
  it('sends the token as a bearer header and parses JSON', async () => {
    fake.addServer({ name: 'req-1' });
    const answer = await client.request<{ servers: Server[] }>('GET', '/servers', { query: { name: 'req-1' } });
    expect(answer.servers.map((s) => s.name)).toEqual(['req-1']);
    expect(fake.requests[0]!.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('follows pagination to the end with per_page=50', async () => {
    for (let i = 0; i < 120; i++) fake.addServer({ name: `page-${i}`, labels: { batch: 'pages' } });
    const servers = await client.list<Server>('/servers', 'servers', { query: { label_selector: 'batch=pages' } });
    expect(servers).toHaveLength(120);
    expect(new Set(servers.map((s) => s.name)).size).toBe(120);
    const pages = fake.requests.filter((r) => r.path === '/servers');
    expect(pages.map((r) => [r.query.get('page'), r.query.get('per_page')])).toEqual([
      ['1', '50'],
      ['2', '50'],
      ['3', '50'],
    ]);
  });

  it('maps error bodies to HcloudError with the API code, status and message', async () => {
    const notFound = await client.request('GET', '/servers/424242').catch((e: unknown) => e as HcloudError);
    expect(notFound).toBeInstanceOf(HcloudError);
    expect(notFound).toMatchObject({ code: 'not_found', status: 404, apiMessage: 'server not found', request: 'GET /servers/424242' });
    expect(notFound.message).toBe('server not found (not_found)');

    const invalid = await client.request('POST', '/servers', { body: { name: 'x' } }).catch((e: unknown) => e as HcloudError);
    expect(invalid).toMatchObject({ code: 'invalid_input', status: 400 });
    expect(invalid.fields.map((f) => f.name)).toEqual(['server_type', 'image']);
    expect(invalid.message).toContain('server_type: Missing data for required field.');

    fake.addServer({ name: 'taken' });
    const unique = await client.request('POST', '/servers', { body: { name: 'taken', server_type: 'cx22', image: 'debian-12' } }).catch((e: unknown) => e as HcloudError);
    expect(unique).toMatchObject({ code: 'uniqueness_error', status: 409 });
  });

  it('refuses every non-GET request when read-only, before sending anything', async () => {
    client.readOnly = true;
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const error = await client.request(method, '/servers/1').catch((e: unknown) => e as HcloudError);
      expect(error).toMatchObject({ code: 'check_mode' });
      expect(error.message).toContain('check mode cannot change the cloud');
    }
    await client.request('GET', '/servers');
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('refuses a write for one read-only call while the client stays writable', async () => {
    await expect(client.request('POST', '/ssh_keys', { readOnly: true, body: {} })).rejects.toMatchObject({ code: 'check_mode' });
    expect(fake.writes()).toHaveLength(0);
  });
});

describe('retries', () => {
  it('retries an idempotent GET on 5xx and on a dropped connection', async () => {
    fake.fail(2, { method: 'GET', path: /^\/locations$/, status: 502, code: 'bad_gateway', message: 'bad gateway' });
    fake.fail(1, { method: 'GET', path: /^\/locations$/, status: 0, code: '', message: '', drop: true });
    const answer = await client.request<{ locations: unknown[] }>('GET', '/locations');
    expect(answer.locations).toHaveLength(3);
    expect(client.stats.retries).toBe(3);
  });

  it('retries a POST on 429, locked and 503, where nothing was applied', async () => {
    fake.fail(1, { method: 'POST', status: 429, code: 'rate_limit_exceeded', message: 'limit reached' });
    fake.fail(1, { method: 'POST', status: 423, code: 'locked', message: 'server is locked' });
    fake.fail(1, { method: 'POST', status: 503, code: 'service_error', message: 'unavailable' });
    const answer = await client.request<{ ssh_key: { name: string } }>('POST', '/ssh_keys', { body: { name: 'retried', public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk0bXlrZXk= t@x' } });
    expect(answer.ssh_key.name).toBe('retried');
    expect(fake.writes().map((r) => r.status)).toEqual([429, 423, 503, 201]);
  });

  it('does not retry a POST on 500 or a dropped connection (it may have been applied)', async () => {
    fake.fail(1, { method: 'POST', status: 500, code: 'server_error', message: 'boom' });
    await expect(client.request('POST', '/networks', { body: { name: 'n', ip_range: '10.0.0.0/16' } })).rejects.toMatchObject({ code: 'server_error', status: 500 });
    fake.fail(1, { method: 'POST', status: 0, code: '', message: '', drop: true });
    await expect(client.request('POST', '/networks', { body: { name: 'n', ip_range: '10.0.0.0/16' } })).rejects.toMatchObject({ code: 'network_error' });
    expect(fake.writes()).toHaveLength(2);
  });

  it('retries a POST whose connection was refused (never sent)', async () => {
    const down = new HcloudClient({ token: TOKEN, endpoint: 'http://127.0.0.1:1/v1', sleep: fast, backoff: { rate: { attempts: 2, baseMs: 1, capMs: 1 }, busy: { attempts: 2, baseMs: 1, capMs: 1 }, transient: { attempts: 3, baseMs: 1, capMs: 1 } } });
    const error = await down.request('POST', '/servers', { body: {} }).catch((e: unknown) => e as HcloudError);
    await down.close();
    expect(error).toMatchObject({ code: 'network_error' });
    expect(down.stats.requests).toBe(3);
  });
});

describe('the loopback guard', () => {
  it('every connection goes through the guarded dialer: the real API is refused in loopback-only mode, and not retried', async () => {
    expect(process.env['KBRUN_LOOPBACK_ONLY']).toBe('1');
    const real = new HcloudClient({ token: TOKEN, sleep: fast });
    const error = await real.request('GET', '/servers').catch((e: unknown) => e as Error & { code?: string });
    await real.close();
    expect(error).toMatchObject({ code: 'E_NET_GUARD' });
    expect(error.message).toMatch(/refusing to connect to host name 'api\.hetzner\.cloud'/);
    expect(real.stats).toMatchObject({ requests: 1, retries: 0 });
  });
});

describe('the token never leaks', () => {
  it('is absent from API errors, network errors and their serialisations', async () => {
    const wrong = new HcloudClient({ token: `${TOKEN}-wrong`, endpoint: fake.url, sleep: fast });
    const unauthorized = await wrong.request('GET', '/servers').catch((e: unknown) => e as HcloudError);
    await wrong.close();
    expect(unauthorized).toMatchObject({ code: 'unauthorized', status: 401 });
    const down = new HcloudClient({ token: TOKEN, endpoint: 'http://127.0.0.1:1/v1', sleep: fast });
    const network = await down.request('GET', '/servers').catch((e: unknown) => e as HcloudError);
    await down.close();
    for (const error of [unauthorized, network]) {
      const text = [error.message, error.stack, JSON.stringify(error), JSON.stringify(error.toFailure()), String(error.cause ?? '')].join('\n');
      expect(text).not.toContain(TOKEN);
    }
    const inspected = (await import('node:util')).inspect(client, { depth: 5 });
    expect(inspected).not.toContain(TOKEN);
  });
});
