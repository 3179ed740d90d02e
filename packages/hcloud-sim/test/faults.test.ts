import { afterEach, describe, expect, it } from 'vitest';
import { fleetSeed, startSim, waitAction, type SimHarness } from './helpers/sim-client.js';

let h: SimHarness;
afterEach(async () => {
  await h?.close();
});

async function serverId(name: string): Promise<number> {
  return (await h.api('GET', `/servers?name=${name}`)).body.servers[0].id;
}

describe('faults', () => {
  it('fails the Nth matching request (method + path regex) with the given status and the real code', async () => {
    h = await startSim({ seed: fleetSeed(), faults: { failRequests: [{ nth: 3, method: 'GET', path: /^\/v1\/servers$/, status: 500 }] } });
    const statuses: number[] = [];
    for (let i = 0; i < 2; i += 1) statuses.push((await h.api('GET', '/servers')).status);
    statuses.push((await h.api('GET', '/volumes')).status);
    const third = await h.api('GET', '/servers');
    statuses.push(third.status, (await h.api('GET', '/servers')).status);
    expect(statuses).toEqual([200, 200, 200, 500, 200]);
    expect(third.body.error.code).toBe('server_error');
    expect(h.sim.requests().filter((r) => r.fault === 'fail')).toEqual([
      { method: 'GET', path: '/v1/servers', query: {}, status: 500, code: 'server_error', fault: 'fail' },
    ]);
  });

  it('fails several consecutive requests (times) and takes a custom code', async () => {
    h = await startSim({ seed: fleetSeed() });
    h.sim.setFault({ failRequests: [{ nth: 1, times: 2, status: 423, code: 'locked', method: 'POST' }] });
    const id = await serverId('web-01');
    const a = await h.api('POST', `/servers/${id}/actions/poweroff`);
    const b = await h.api('POST', `/servers/${id}/actions/poweroff`);
    const c = await h.api('POST', `/servers/${id}/actions/poweroff`);
    expect([a.status, b.status, c.status]).toEqual([423, 423, 201]);
    expect(a.body.error.code).toBe('locked');
  });

  it('answers a storm of 503 for the next K requests, then recovers', async () => {
    h = await startSim();
    h.sim.setFault({ errorStorm: { status: 503, count: 3 } });
    const statuses: number[] = [];
    let body: any;
    for (let i = 0; i < 5; i += 1) {
      const res = await h.api('GET', '/locations');
      statuses.push(res.status);
      if (res.status === 503) body = res.body;
    }
    expect(statuses).toEqual([503, 503, 503, 200, 200]);
    expect(body.error.code).toBe('unavailable');
  });

  it('answers 429 during a window of simulated time', async () => {
    h = await startSim({ timeScale: 0.001 });
    h.sim.setFault({ errorStorm: { status: 429, forSeconds: 300 } });
    const during = await h.api('GET', '/locations');
    expect(during.status).toBe(429);
    expect(during.body.error.code).toBe('rate_limit_exceeded');
    expect(during.headers.get('ratelimit-remaining')).toBe('0');
    await new Promise((r) => setTimeout(r, 400));
    expect((await h.api('GET', '/locations')).status).toBe(200);
  });

  it('drops connections without an answer for the next K requests', async () => {
    h = await startSim();
    h.sim.setFault({ dropConnections: { count: 2, path: 'locations' } });
    await expect(h.api('GET', '/locations')).rejects.toThrow();
    expect((await h.api('GET', '/servers')).status).toBe(200);
    await expect(h.api('GET', '/locations')).rejects.toThrow();
    expect((await h.api('GET', '/locations')).status).toBe(200);
    const dropped = h.sim.requests().filter((r) => r.fault === 'drop');
    expect(dropped).toHaveLength(2);
    expect(dropped[0]).toMatchObject({ path: '/v1/locations', status: 0 });
  });

  it('drops the Nth matching request (failRequests with drop)', async () => {
    h = await startSim({ seed: fleetSeed(), faults: { failRequests: [{ nth: 2, method: 'GET', path: 'servers', drop: true }] } });
    expect((await h.api('GET', '/servers')).status).toBe(200);
    await expect(h.api('GET', '/servers')).rejects.toThrow();
    expect((await h.api('GET', '/servers')).status).toBe(200);
  });

  it('keeps a server rebuilding forever: the action never finishes and the server stays locked', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001, faults: { stuckActions: [{ server: 'web-01' }] } });
    const id = await serverId('web-01');
    const other = await serverId('web-02');
    const stuck = await h.api('POST', `/servers/${id}/actions/rebuild`, { image: 'ubuntu-24.04' });
    const fine = await h.api('POST', `/servers/${other}/actions/rebuild`, { image: 'ubuntu-24.04' });
    await waitAction(h, fine.body.action.id);
    await new Promise((r) => setTimeout(r, 150));
    const action = (await h.api('GET', `/actions/${stuck.body.action.id}`)).body.action;
    expect(action.status).toBe('running');
    expect(action.progress).toBeLessThanOrEqual(90);
    expect((await h.api('GET', `/servers/${id}`)).body.server.status).toBe('rebuilding');
    expect((await h.api('POST', `/servers/${id}/actions/poweroff`)).body.error.code).toBe('locked');
    expect(h.sim.state().servers.find((s: any) => s.id === id)).toMatchObject({ status: 'rebuilding' });
  });

  it('ends a rebuild with an error when asked: action error action_failed, server off', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001 });
    const id = await serverId('db-02');
    h.sim.setFault({ stuckActions: [{ server: id, outcome: 'error', message: 'disk image corrupt' }] });
    const res = await h.api('POST', `/servers/${id}/actions/rebuild`, { image: 'debian-12' });
    const done = await waitAction(h, res.body.action.id);
    expect(done).toMatchObject({ status: 'error', error: { code: 'action_failed', message: 'disk image corrupt' } });
    const server = (await h.api('GET', `/servers/${id}`)).body.server;
    expect(server.status).toBe('off');
    expect(server.image.name).toBe('ubuntu-24.04');
    h.sim.clearFaults();
    const retry = await h.api('POST', `/servers/${id}/actions/rebuild`, { image: 'debian-12' });
    expect((await waitAction(h, retry.body.action.id)).status).toBe('success');
  });

  it('slows actions down by a factor (all, or some commands)', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001 });
    h.sim.setFault({ slowActions: { factor: 20, commands: ['rebuild_server'] } });
    const id = await serverId('web-02');
    const started = Date.now();
    const off = await h.api('POST', `/servers/${id}/actions/poweroff`);
    await waitAction(h, off.body.action.id);
    const on = await h.api('POST', `/servers/${id}/actions/poweron`);
    await waitAction(h, on.body.action.id);
    expect(Date.now() - started).toBeLessThan(600);
    const res = await h.api('POST', `/servers/${id}/actions/rebuild`, { image: 'debian-12' });
    await new Promise((r) => setTimeout(r, 200));
    expect((await h.api('GET', `/actions/${res.body.action.id}`)).body.action.status).toBe('running');
    const done = await waitAction(h, res.body.action.id, 5000);
    expect(Date.parse(done.finished) - Date.parse(done.started)).toBeGreaterThanOrEqual(1_199_000);
  });
});
