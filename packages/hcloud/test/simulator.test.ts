// The modules and the client against @kbrun/hcloud-sim, the independent simulator of the API (real dynamics, time scaled 100×).
import { createSimulator, type Simulator } from '@kbrun/hcloud-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeHcloudClients, HcloudClient, hcloudServer, hcloudServerInfo, hcloudVolume, hcloudVolumeAttachment, hcloudVolumeInfo, hcloudModules, type Action } from '../src/index.js';
import { runModule, type ContextOptions } from './helpers/context.js';

const TOKEN = 'hc-sim-test-token-6d1f0e2a8c4b9f37';
const SCALE = 0.01;
const run = (module: Parameters<typeof runModule>[0], args: Record<string, unknown>, options: ContextOptions = {}) => runModule(module, { api_token: TOKEN, api_endpoint: sim.url, ...args }, { scale: SCALE, ...options });
const writes = () => sim.requests().filter((r) => r.method !== 'GET');

let sim: Simulator;

beforeAll(async () => {
  sim = createSimulator({
    timeScale: SCALE,
    tokens: [TOKEN],
    seed: {
      servers: [
        { name: 'app-01', labels: { role: 'app' } },
        { name: 'app-02', labels: { role: 'app' } },
        { name: 'db-01', labels: { role: 'db' }, status: 'off' },
        { name: 'install-01', labels: { role: 'bastion' } },
        ...Array.from({ length: 50 }, (_, i) => ({ name: `bulk-${i}`, labels: { role: 'bulk' } })),
      ],
      volumes: [
        { name: 'vol-app-01', size: 10, server: 'app-01' },
        { name: 'vol-free', size: 10, location: 'nbg1' },
        { name: 'vol-bastion', size: 10, server: 'install-01' },
      ],
    },
  });
  await sim.listen(0);
});
afterAll(async () => {
  await closeHcloudClients();
  await sim.close();
});

describe('hcloud_server against the simulator', () => {
  it('every state, idempotent where the state can be', async () => {
    const created = await run(hcloudServer, { name: 'sim-new', server_type: 'cx22', image: 'debian-12', location: 'hel1', labels: { role: 'new' } });
    expect(created).toMatchObject({ changed: true, hcloud_server: { name: 'sim-new', status: 'running', location: 'hel1', image: 'debian-12' } });
    expect((await run(hcloudServer, { name: 'sim-new', server_type: 'cx22', image: 'debian-12', labels: { role: 'new' } })).changed).toBe(false);
    expect(await run(hcloudServer, { name: 'sim-new', state: 'stopped' })).toMatchObject({ changed: true, hcloud_server: { status: 'off' } });
    expect((await run(hcloudServer, { name: 'sim-new', state: 'stopped' })).changed).toBe(false);
    expect(await run(hcloudServer, { name: 'sim-new', state: 'started' })).toMatchObject({ changed: true, hcloud_server: { status: 'running' } });
    expect((await run(hcloudServer, { name: 'sim-new', state: 'started' })).changed).toBe(false);
    expect(await run(hcloudServer, { name: 'sim-new', state: 'restarted' })).toMatchObject({ changed: true, hcloud_server: { status: 'running' } });
    expect(await run(hcloudServer, { name: 'sim-new', state: 'rebuild', image: 'ubuntu-24.04' })).toMatchObject({ changed: true, hcloud_server: { status: 'running', image: 'ubuntu-24.04' } });
    const id = (created['hcloud_server'] as { id: number }).id;
    expect(await run(hcloudServer, { id, name: 'sim-renamed' })).toMatchObject({ changed: true, hcloud_server: { id, name: 'sim-renamed' } });
    expect(await run(hcloudServer, { name: 'sim-renamed', state: 'absent' })).toMatchObject({ changed: true, hcloud_server: null });
    expect((await run(hcloudServer, { name: 'sim-renamed', state: 'absent' })).changed).toBe(false);
  });

  it('surfaces the API errors', async () => {
    expect(await run(hcloudServer, { id: 999999, state: 'started' })).toMatchObject({ failed: true, msg: 'server with id 999999 not found' });
    const invalid = await run(hcloudServer, { name: 'sim-bad', server_type: 'cx999', image: 'debian-12' });
    expect(invalid).toMatchObject({ failed: true, changed: false, failure: { code: 'invalid_input' } });
    const wrong = await runModule(hcloudServerInfo, { api_token: `${TOKEN}-wrong`, api_endpoint: sim.url }, { scale: SCALE });
    expect(wrong).toMatchObject({ failed: true, failure: { code: 'unauthorized' } });
    expect(JSON.stringify([invalid, wrong])).not.toContain(TOKEN);
  });

  it('an action that ends in error fails the task with its message', async () => {
    sim.setFault({ stuckActions: [{ server: 'bulk-48', command: 'rebuild_server', outcome: 'error', message: 'disk image corrupted' }] });
    const result = await run(hcloudServer, { name: 'bulk-48', state: 'rebuild', image: 'debian-12' });
    sim.clearFaults();
    expect(result).toMatchObject({ failed: true, changed: true, failure: { code: 'action_failed' } });
    expect(result.msg).toContain('disk image corrupted');
  });

  it('a stuck action times out with the command and the resource named', async () => {
    // bulk-49 stays locked by its hanging rebuild for the rest of the file.
    sim.setFault({ stuckActions: [{ server: 'bulk-49', command: 'rebuild_server', outcome: 'hang' }] });
    const scaled = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => (signal?.aborted ? reject(signal.reason) : setTimeout(resolve, ms * SCALE)));
    const client = new HcloudClient({ token: TOKEN, endpoint: sim.url, sleep: scaled });
    const server = (await client.list<{ id: number }>('/servers', 'servers', { query: { name: 'bulk-49' } }))[0]!;
    const { action } = await client.request<{ action: Action }>('POST', `/servers/${server.id}/actions/rebuild`, { body: { image: 'debian-12' } });
    const error = await client.waitForActions([action], { timeoutMs: 20_000, label: 'server bulk-49' }).catch((e: Error) => e);
    sim.clearFaults();
    await client.close();
    expect(error).toMatchObject({ code: 'action_timeout' });
    expect(error.message).toMatch(new RegExp(`waiting for action ${action.id} \\(rebuild_server on server ${server.id}, server bulk-49\\)`));
  });
});

describe('volumes against the simulator', () => {
  it('create, attach, grow, detach, delete; info', async () => {
    expect(await run(hcloudVolume, { name: 'sim-vol', size: 10, server: 'app-02', format: 'xfs', automount: false })).toMatchObject({ changed: true, hcloud_volume: { name: 'sim-vol', server: 'app-02', size: 10 } });
    expect(await run(hcloudVolume, { name: 'sim-vol', size: 20 })).toMatchObject({ changed: true, hcloud_volume: { size: 20 } });
    expect((await run(hcloudVolume, { name: 'sim-vol', size: 20, server: 'app-02' })).changed).toBe(false);
    expect(await run(hcloudVolumeAttachment, { volume: 'sim-vol', state: 'absent' })).toMatchObject({ changed: true, hcloud_volume_attachment: { server: null } });
    expect(await run(hcloudVolumeAttachment, { volume: 'sim-vol', server: 'app-01' })).toMatchObject({ changed: true, hcloud_volume_attachment: { server: 'app-01' } });
    expect(await run(hcloudVolumeInfo, { name: 'sim-vol' })).toMatchObject({ hcloud_volume_info: [{ name: 'sim-vol', server: 'app-01', size: 20 }] });
    expect(await run(hcloudVolume, { name: 'sim-vol', state: 'absent' })).toMatchObject({ changed: true, hcloud_volume: null });
    expect((await run(hcloudVolume, { name: 'sim-vol', state: 'absent' })).changed).toBe(false);
  });

  it('refuses to detach from a protected host, and never writes', async () => {
    const before = writes().length;
    const result = await run(hcloudVolume, { name: 'vol-bastion', state: 'absent' }, { protectedHosts: ['install-01'] });
    expect(result).toMatchObject({ failed: true, changed: false });
    expect(writes().length).toBe(before);
  });
});

describe('check mode against the simulator', () => {
  it.each<[string, Record<string, unknown>]>([
    ['hcloud_server', { name: 'app-01', state: 'rebuild', image: 'debian-12' }],
    ['hcloud_server', { name: 'app-01', state: 'absent' }],
    ['hcloud_server', { name: 'db-01', state: 'started' }],
    ['hcloud_server', { name: 'chk-new', server_type: 'cx22', image: 'debian-12' }],
    ['hcloud_volume', { name: 'vol-app-01', state: 'absent' }],
    ['hcloud_volume', { name: 'vol-free', server: 'app-01', size: 40 }],
    ['hcloud_volume_attachment', { volume: 'vol-app-01', state: 'absent' }],
    ['hcloud_network', { name: 'chk-net', ip_range: '10.20.0.0/16' }],
    ['hcloud_firewall', { name: 'chk-fw', rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0'] }] }],
    ['hcloud_load_balancer', { name: 'chk-lb', load_balancer_type: 'lb11', location: 'nbg1' }],
  ])('%s %j sends only GET and reports the change', async (name, args) => {
    const before = sim.requests().length;
    const result = await run(hcloudModules[name]!, args, { check: true });
    const sent = sim.requests().slice(before);
    expect(result.failed, String(result.msg)).toBeUndefined();
    expect(result).toMatchObject({ changed: true, msg: expect.stringMatching(/^would: /) });
    // It read the cloud: a GET, or this run's read of a moment ago (the previous case read the same resources).
    expect(result.logs.some((line) => line.startsWith('GET /'))).toBe(true);
    expect(sent.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('faults and rate limits against the simulator', () => {
  beforeEach(() => sim.clearFaults());

  it('retries 503 storms and dropped connections on reads, 429 and 503 on writes', async () => {
    sim.setFault({ errorStorm: { status: 503, count: 3, method: 'GET' }, dropConnections: { count: 2, method: 'GET' } });
    expect(await run(hcloudServerInfo, { label_selector: 'role=app' })).toMatchObject({ changed: false, hcloud_server_info: [{ name: 'app-01' }, { name: 'app-02' }] });
    sim.setFault({ failRequests: [{ method: 'POST', status: 429, times: 2 }, { method: 'PUT', status: 503 }] });
    const result = await run(hcloudServer, { name: 'app-01', labels: { role: 'app', touched: 'yes' }, state: 'started' });
    expect(result).toMatchObject({ changed: true, hcloud_server: { labels: { touched: 'yes' } } });
  });

  it('50 concurrent tasks under a 20-request bucket: paced, batched, never a surfaced 429', async () => {
    const limited = createSimulator({ timeScale: SCALE, tokens: [TOKEN], rateLimit: { limit: 20, refillPerSecond: 40 }, seed: { servers: Array.from({ length: 50 }, (_, i) => ({ name: `rl-${i}`, status: i % 2 ? 'running' : 'off' })) } });
    const { url } = await limited.listen(0);
    try {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => runModule(hcloudServer, { api_token: TOKEN, api_endpoint: url, name: `rl-${i}`, state: 'started', labels: { wave: '1' } }, { scale: SCALE })));
      for (const result of results) {
        expect(result.failed, String(result.msg)).toBeUndefined();
        expect(result.changed).toBe(true);
      }
      const log = limited.requests();
      expect(log.filter((r) => r.status === 429).length).toBeLessThanOrEqual(2);
      const polls = log.filter((r) => r.path === '/v1/actions');
      expect(polls.length).toBeLessThan(25);
      expect(Math.max(...polls.map((r) => [r.query['id'] ?? []].flat().length))).toBeGreaterThan(5);
    } finally {
      await limited.close();
    }
  }, 60_000);

  it('many rebuilds at once are polled together, a few ids per GET /actions', async () => {
    const before = sim.requests().length;
    const names = Array.from({ length: 12 }, (_, i) => `bulk-${i}`);
    const results = await Promise.all(names.map((name) => run(hcloudServer, { name, state: 'rebuild', image: 'debian-12' })));
    for (const result of results) expect(result).toMatchObject({ changed: true, hcloud_server: { status: 'running' } });
    const polls = sim.requests().slice(before).filter((r) => r.path === '/v1/actions');
    expect(polls.length).toBeLessThan(30);
    expect(polls.some((r) => [r.query['id'] ?? []].flat().length >= 6)).toBe(true);
  });
});
