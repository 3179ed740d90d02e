import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SSH_BANNER, SSH_ENDPOINTS_PATH, sshAddressMap, sshAddressMapFrom } from '../src/index.js';
import { fleetSeed, startSim, TOKEN, waitAction, waitFor, type SimHarness } from './helpers/sim-client.js';

let h: SimHarness;
afterEach(async () => {
  await h?.close();
});

/** Connect and read the first line, or the connection error code. */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let data = '';
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\n')) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('SSH ports', () => {
  it('answers with an SSH banner on a loopback port for every running server', async () => {
    h = await startSim({ seed: fleetSeed(), sshPorts: true });
    await h.sim.settled();
    const ep = h.sim.sshEndpoint('web-01');
    expect(ep).toMatchObject({ host: '127.0.0.1', listening: true });
    expect(await probe(ep!.host, ep!.port)).toBe(SSH_BANNER);
    expect(SSH_BANNER).toBe('SSH-2.0-OpenSSH_9.6 kbrun-sim\r\n');
    const ports = new Set(Object.values(h.sim.state().ssh).map((e) => e.port));
    expect(ports.size).toBe(5);
  });

  it('closes the port while the server rebuilds and reopens it (same port) once it is running again', async () => {
    h = await startSim({ seed: fleetSeed(), sshPorts: true, timeScale: 0.002 });
    await h.sim.settled();
    const before = h.sim.sshEndpoint('db-01')!;
    const id = (await h.api('GET', '/servers?name=db-01')).body.servers[0].id;
    const res = await h.api('POST', `/servers/${id}/actions/rebuild`, { image: 'debian-12' });
    await h.sim.settled();
    expect(h.sim.sshEndpoint('db-01')).toMatchObject({ port: before.port, listening: false });
    expect(await probe(before.host, before.port)).toBe('ECONNREFUSED');
    await waitAction(h, res.body.action.id);
    await waitFor(() => h.sim.sshEndpoint('db-01')?.listening, 2000, 'the SSH port to reopen');
    const after = h.sim.sshEndpoint('db-01')!;
    expect(after.port).toBe(before.port);
    expect(await probe(after.host, after.port)).toBe(SSH_BANNER);
    expect(h.sim.state().ssh['db-01']).toEqual({ host: '127.0.0.1', port: before.port, listening: true });
  });

  it('opens the port of a created server only once it is running, closes it when off, forgets it when deleted', async () => {
    h = await startSim({ sshPorts: true, timeScale: 0.001, actionDurations: { stop_server: 50 } });
    const res = await h.api('POST', '/servers', { name: 'fresh', server_type: 'cx22', image: 'ubuntu-24.04' });
    expect(h.sim.sshEndpoint('fresh')).toBeUndefined();
    await waitAction(h, res.body.next_actions[0].id);
    const ep = await waitFor(() => (h.sim.sshEndpoint('fresh')?.listening ? h.sim.sshEndpoint('fresh') : undefined), 2000, 'SSH port');
    expect(await probe(ep.host, ep.port)).toBe(SSH_BANNER);
    const off = await h.api('POST', `/servers/${res.body.server.id}/actions/poweroff`);
    await h.sim.settled();
    expect(await probe(ep.host, ep.port)).toBe('ECONNREFUSED');
    await waitAction(h, off.body.action.id);
    const del = await h.api('DELETE', `/servers/${res.body.server.id}`);
    await waitAction(h, del.body.action.id);
    await h.sim.settled();
    expect(h.sim.sshEndpoint('fresh')).toBeUndefined();
    expect(h.sim.state().ssh).toEqual({});
  });

  it('opens nothing by default', async () => {
    h = await startSim({ seed: fleetSeed() });
    await h.sim.settled();
    expect(h.sim.sshEndpoint('web-01')).toBeUndefined();
    expect(h.sim.state().ssh).toEqual({});
  });

  it('reports a caller-provided endpoint with sshPortFor (listening follows the server status)', async () => {
    const seen: string[] = [];
    h = await startSim({
      seed: fleetSeed(),
      timeScale: 0.01,
      sshPortFor: (s) => {
        seen.push(`${s.name}:${s.private_ipv4}`);
        return { host: '127.0.0.1', port: 2200 + (s.id % 100) };
      },
    });
    expect(seen).toContain('web-01:10.0.0.21');
    const ep = h.sim.sshEndpoint('web-01');
    expect(ep).toMatchObject({ host: '127.0.0.1', listening: true });
    const id = (await h.api('GET', '/servers?name=web-01')).body.servers[0].id;
    await h.api('POST', `/servers/${id}/actions/poweroff`);
    expect(h.sim.sshEndpoint('web-01')?.listening).toBe(false);
  });

  it('publishes the endpoints by public IPv4 outside /v1: token required, not rate limited, not in the request log', async () => {
    h = await startSim({ seed: fleetSeed(), sshPorts: true, tokens: [TOKEN], rateLimit: { limit: 1, refillPerSecond: 0 } });
    await h.sim.settled();
    const ip = (await h.api('GET', '/servers?name=web-01')).body.servers[0].public_net.ipv4.ip as string;
    const get = (token?: string) => fetch(new URL(SSH_ENDPOINTS_PATH, h.url), { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    expect((await get()).status).toBe(401);
    expect((await get('another-token-0000')).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await get(TOKEN)).status).toBe(200);
    const { ssh_endpoints } = (await (await get(TOKEN)).json()) as { ssh_endpoints: Record<string, unknown> };
    expect(Object.keys(ssh_endpoints)).toHaveLength(5);
    expect(ssh_endpoints[ip]).toEqual(h.sim.sshEndpoint('web-01'));
    expect(h.sim.requests().map((r) => r.path)).toEqual(['/v1/servers']);
    const map = sshAddressMap(h.sim);
    expect(await map(ip, 22)).toEqual({ host: '127.0.0.1', port: h.sim.sshEndpoint('web-01')!.port });
    expect(await map(ip, 80)).toBeUndefined();
    expect(await map('203.0.113.250', 22)).toBeUndefined();
  });

  it('an address map reads the endpoints once for many lookups, and again for an address it does not know', async () => {
    let loads = 0;
    const map = sshAddressMapFrom(async () => {
      loads++;
      return { '203.0.113.1': { host: '127.0.0.1', port: 2222, listening: true } };
    });
    expect(await Promise.all([map('203.0.113.1', 22), map('203.0.113.1', 22)])).toEqual([{ host: '127.0.0.1', port: 2222 }, { host: '127.0.0.1', port: 2222 }]);
    expect(await map('203.0.113.1', 22)).toEqual({ host: '127.0.0.1', port: 2222 });
    expect(loads).toBe(1);
    expect(await map('203.0.113.9', 22)).toBeUndefined();
    expect(loads).toBe(2);
    expect(await map('203.0.113.9', 2222)).toBeUndefined();
    expect(loads).toBe(2);
  });
});
