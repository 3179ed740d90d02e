import { afterEach, describe, expect, it } from 'vitest';
import { fleetSeed, startSim, waitAction, waitFor, type SimHarness } from './helpers/sim-client.js';

let h: SimHarness;
afterEach(async () => {
  await h?.close();
});

/** Every page of a list, following `meta.pagination.next_page` like a client does. */
async function allPages(path: string): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let page: number | null = 1;
  let pages = 0;
  while (page !== null) {
    const sep = path.includes('?') ? '&' : '?';
    const { status, body } = await h.api('GET', `${path}${sep}page=${page}&per_page=50`);
    expect(status).toBe(200);
    items.push(...body.servers);
    pages += 1;
    page = body.meta.pagination.next_page;
  }
  return { items, pages };
}

describe('GET /servers', () => {
  it('paginates more than 50 servers and the client can follow next_page to the end', async () => {
    h = await startSim({ seed: fleetSeed(70) });
    const { items, pages } = await allPages('/servers');
    expect(pages).toBe(2);
    expect(items).toHaveLength(75);
    expect(new Set(items.map((s) => s.id)).size).toBe(75);

    const first = await h.api('GET', '/servers');
    expect(first.body.servers).toHaveLength(25);
    expect(first.body.meta.pagination).toEqual({
      page: 1,
      per_page: 25,
      previous_page: null,
      next_page: 2,
      last_page: 3,
      total_entries: 75,
    });
    expect(first.headers.get('link')).toContain('rel="next"');
    const last = await h.api('GET', '/servers?page=2&per_page=50');
    expect(last.body.meta.pagination).toMatchObject({ page: 2, per_page: 50, previous_page: 1, next_page: null, last_page: 2 });
    const capped = await h.api('GET', '/servers?per_page=500');
    expect(capped.body.meta.pagination.per_page).toBe(50);
    const beyond = await h.api('GET', '/servers?page=9&per_page=50');
    expect(beyond.body.servers).toEqual([]);
    const bad = await h.api('GET', '/servers?page=0');
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_input');
  });

  it('returns servers in the real shape', async () => {
    h = await startSim({ seed: fleetSeed() });
    const { body } = await h.api('GET', '/servers?name=web-01');
    expect(body.servers).toHaveLength(1);
    const s = body.servers[0];
    expect(s).toMatchObject({
      name: 'web-01',
      status: 'running',
      public_net: { ipv4: { ip: '203.0.113.21', blocked: false }, floating_ips: [], firewalls: [] },
      private_net: [{ ip: '10.0.0.21', alias_ips: [] }],
      server_type: { name: 'cx22', cores: 2, memory: 4, disk: 40, cpu_type: 'shared', architecture: 'x86' },
      datacenter: { name: 'nbg1-dc3', location: { name: 'nbg1', network_zone: 'eu-central' } },
      location: { name: 'nbg1' },
      image: { name: 'ubuntu-24.04', type: 'system', os_flavor: 'ubuntu' },
      protection: { delete: false, rebuild: false },
      labels: { env: 'prod', role: 'web', logical_name: 'web-a' },
      placement_group: null,
      rescue_enabled: false,
      locked: false,
    });
    expect(typeof s.public_net.ipv4.id).toBe('number');
    expect(s.public_net.ipv6.ip).toMatch(/::\/64$/);
    expect(s.private_net[0].mac_address).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(s.server_type.prices.length).toBeGreaterThan(0);
    expect(s.volumes).toHaveLength(1);
    expect(s.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });

  it('filters by label selector: k=v, k==v, k!=v, k, !k, in, notin, and combinations', async () => {
    h = await startSim({ seed: fleetSeed(3) });
    const names = async (selector: string): Promise<string[]> => {
      const { status, body } = await h.api('GET', `/servers?label_selector=${encodeURIComponent(selector)}`);
      expect(status).toBe(200);
      return body.servers.map((s: any) => s.name).sort();
    };
    expect(await names('role=web')).toEqual(['web-01', 'web-02']);
    expect(await names('role==postgres')).toEqual(['db-01', 'db-02']);
    expect(await names('role!=filler')).toEqual(['db-01', 'db-02', 'install-01', 'web-01', 'web-02']);
    expect(await names('subrole')).toEqual(['db-01', 'db-02']);
    expect(await names('!env')).toEqual(['extra-001', 'extra-002', 'extra-003']);
    expect(await names('role in (web,bastion)')).toEqual(['install-01', 'web-01', 'web-02']);
    expect(await names('role notin (web, filler)')).toEqual(['db-01', 'db-02', 'install-01']);
    expect(await names('env=prod,role=web')).toEqual(['web-01']);
    expect(await names('role in (postgres),subrole!=primary')).toEqual(['db-02']);
    const bad = await h.api('GET', `/servers?label_selector=${encodeURIComponent('role in (web')}`);
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'invalid_input', details: { fields: [{ name: 'label_selector' }] } });
  });

  it('filters by name and status, sorts by name and id', async () => {
    h = await startSim({ seed: { servers: [{ name: 'b' }, { name: 'c', status: 'off' }, { name: 'a' }] } });
    expect((await h.api('GET', '/servers?name=c')).body.servers.map((s: any) => s.name)).toEqual(['c']);
    expect((await h.api('GET', '/servers?name=zzz')).body.servers).toEqual([]);
    expect((await h.api('GET', '/servers?status=off')).body.servers.map((s: any) => s.name)).toEqual(['c']);
    expect((await h.api('GET', '/servers?status=running&status=off')).body.servers).toHaveLength(3);
    expect((await h.api('GET', '/servers?sort=name')).body.servers.map((s: any) => s.name)).toEqual(['a', 'b', 'c']);
    expect((await h.api('GET', '/servers?sort=name:desc')).body.servers.map((s: any) => s.name)).toEqual(['c', 'b', 'a']);
    expect((await h.api('GET', '/servers?sort=id:desc')).body.servers.map((s: any) => s.name)).toEqual(['a', 'c', 'b']);
    expect((await h.api('GET', '/servers?sort=bogus')).status).toBe(422);
    expect((await h.api('GET', '/servers?status=sleeping')).status).toBe(422);
  });
});

describe('GET /servers/{id}', () => {
  it('answers the server, or 404 not_found with the real error body', async () => {
    h = await startSim({ seed: fleetSeed() });
    const list = await h.api('GET', '/servers?name=db-01');
    const id = list.body.servers[0].id;
    const one = await h.api('GET', `/servers/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.server.name).toBe('db-01');
    const missing = await h.api('GET', '/servers/999999');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect(missing.body).toEqual({ error: { code: 'not_found', message: "server with ID '999999' not found", details: null } });
    expect((await h.api('GET', '/servers/abc')).status).toBe(404);
    expect((await h.api('GET', '/nothing-here')).body.error.code).toBe('not_found');
    const wrongMethod = await h.api('PATCH', `/servers/${id}`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('method_not_allowed');
  });
});

describe('POST /servers', () => {
  it('creates a server: 201 with server, action, next_actions and root_password; initializing → starting → running', async () => {
    h = await startSim({ timeScale: 0.001 });
    const res = await h.api('POST', '/servers', {
      name: 'new-1',
      server_type: 'cx32',
      image: 'debian-12',
      location: 'hel1',
      labels: { env: 'test' },
    });
    expect(res.status).toBe(201);
    expect(res.body.server).toMatchObject({ name: 'new-1', status: 'initializing', server_type: { name: 'cx32' }, location: { name: 'hel1' } });
    expect(res.body.action).toMatchObject({ command: 'create_server', status: 'running', finished: null, error: null });
    expect(res.body.action.progress).toBeLessThan(100);
    expect(res.body.action.resources).toEqual([{ id: res.body.server.id, type: 'server' }]);
    expect(res.body.next_actions.map((a: any) => a.command)).toEqual(['start_server']);
    expect(typeof res.body.root_password).toBe('string');
    const done = await waitAction(h, res.body.next_actions[0].id);
    expect(done.status).toBe('success');
    expect((await h.api('GET', `/servers/${res.body.server.id}`)).body.server.status).toBe('running');
    const create = await waitAction(h, res.body.action.id);
    expect(create).toMatchObject({ status: 'success', progress: 100 });
    expect(create.finished).not.toBeNull();
  });

  it('answers root_password null when SSH keys are given, and status off without start_after_create', async () => {
    h = await startSim({ timeScale: 0.001, seed: { ssh_keys: [{ name: 'me', public_key: (await import('./helpers/sim-client.js')).ED25519_KEY }] } });
    const res = await h.api('POST', '/servers', { name: 'quiet', server_type: 'cx22', image: 'ubuntu-24.04', ssh_keys: ['me'], start_after_create: false });
    expect(res.status).toBe(201);
    expect(res.body.root_password).toBeNull();
    expect(res.body.next_actions).toEqual([]);
    await waitAction(h, res.body.action.id);
    expect((await h.api('GET', `/servers/${res.body.server.id}`)).body.server.status).toBe('off');
  });

  it('refuses bad input with the real error codes', async () => {
    h = await startSim({ seed: fleetSeed() });
    const dup = await h.api('POST', '/servers', { name: 'web-01', server_type: 'cx22', image: 'ubuntu-24.04' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'uniqueness_error', details: { fields: [{ name: 'name' }] } });
    const image = await h.api('POST', '/servers', { name: 'x', server_type: 'cx22', image: 'windows-95' });
    expect(image.status).toBe(422);
    expect(image.body.error).toEqual({ code: 'invalid_input', message: 'image not found', details: {} });
    const missing = await h.api('POST', '/servers', { name: 'x', image: 'ubuntu-24.04' });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.fields[0].name).toBe('server_type');
    const badName = await h.api('POST', '/servers', { name: 'not a hostname', server_type: 'cx22', image: 'ubuntu-24.04' });
    expect(badName.body.error.code).toBe('invalid_input');
    const badLabel = await h.api('POST', '/servers', { name: 'x', server_type: 'cx22', image: 'ubuntu-24.04', labels: { 'hetzner.cloud/x': 'y' } });
    expect(badLabel.body.error.code).toBe('invalid_input');
    const unavailable = await h.api('POST', '/servers', { name: 'x', server_type: 'cx22', image: 'ubuntu-24.04', location: 'ash' });
    expect(unavailable.status).toBe(412);
    expect(unavailable.body.error.code).toBe('resource_unavailable');
    const json = await fetch(`${h.url}/servers`, {
      method: 'POST',
      headers: { Authorization: 'Bearer abcdefgh', 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    expect(json.status).toBe(400);
    expect((await json.json()).error.code).toBe('json_error');
  });
});

describe('PUT /servers/{id}', () => {
  it('renames and relabels; refuses a name in use', async () => {
    h = await startSim({ seed: fleetSeed() });
    const id = (await h.api('GET', '/servers?name=web-02')).body.servers[0].id;
    const res = await h.api('PUT', `/servers/${id}`, { name: 'web-02-new', labels: { only: 'this' } });
    expect(res.status).toBe(200);
    expect(res.body.server).toMatchObject({ id, name: 'web-02-new', labels: { only: 'this' } });
    expect((await h.api('GET', '/servers?name=web-02')).body.servers).toEqual([]);
    const clash = await h.api('PUT', `/servers/${id}`, { name: 'web-01' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('uniqueness_error');
    expect((await h.api('PUT', '/servers/42', { name: 'x' })).status).toBe(404);
  });
});

describe('rebuild', () => {
  it('goes rebuilding → running over simulated time, with action progress and success (timeScale 0.001)', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001 });
    const id = (await h.api('GET', '/servers?name=db-01')).body.servers[0].id;
    const res = await h.api('POST', `/servers/${id}/actions/rebuild`, { image: 'debian-12' });
    expect(res.status).toBe(201);
    expect(res.body.action).toMatchObject({ command: 'rebuild_server', status: 'running', resources: [{ id, type: 'server' }] });
    expect(Object.keys(res.body)).toEqual(['action', 'root_password']);
    expect((await h.api('GET', `/servers/${id}`)).body.server.status).toBe('rebuilding');
    const progress: number[] = [];
    const final = await waitFor(async () => {
      const a = (await h.api('GET', `/actions/${res.body.action.id}`)).body.action;
      progress.push(a.progress);
      return a.status === 'running' ? undefined : a;
    });
    expect(final).toMatchObject({ status: 'success', progress: 100, error: null });
    expect(progress.every((p, i) => i === 0 || p >= (progress[i - 1] ?? 0))).toBe(true);
    expect(Date.parse(final.finished) - Date.parse(final.started)).toBeGreaterThanOrEqual(59_000);
    const server = (await h.api('GET', `/servers/${id}`)).body.server;
    expect(server.status).toBe('running');
    expect(server.image.name).toBe('debian-12');
    const history = await h.api('GET', `/servers/${id}/actions`);
    expect(history.body.actions.map((a: any) => a.command)).toEqual(['rebuild_server']);
  });

  it('answers locked (423) to other mutating calls while the rebuild runs', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.01 });
    const id = (await h.api('GET', '/servers?name=db-02')).body.servers[0].id;
    const rebuild = await h.api('POST', `/servers/${id}/actions/rebuild`, { image: 'ubuntu-22.04' });
    for (const [method, path, body] of [
      ['POST', `/servers/${id}/actions/poweroff`, undefined],
      ['POST', `/servers/${id}/actions/rebuild`, { image: 'debian-12' }],
      ['POST', `/servers/${id}/actions/reboot`, undefined],
      ['DELETE', `/servers/${id}`, undefined],
    ] as const) {
      const res = await h.api(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(423);
      expect(res.body.error.code).toBe('locked');
    }
    const vol = (await h.api('GET', '/volumes?name=vol-db-02-data')).body.volumes[0];
    const detach = await h.api('POST', `/volumes/${vol.id}/actions/detach`);
    expect(detach.status).toBe(423);
    expect((await h.api('GET', `/servers/${id}`)).status).toBe(200);
    await waitAction(h, rebuild.body.action.id, 10_000);
    expect((await h.api('POST', `/servers/${id}/actions/poweroff`)).status).toBe(201);
  });

  it('is refused with protected (423) when rebuild protection is on; change_protection keeps delete and rebuild equal', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001 });
    const id = (await h.api('GET', '/servers?name=install-01')).body.servers[0].id;
    const prot = await h.api('POST', `/servers/${id}/actions/change_protection`, { delete: true, rebuild: true });
    expect(prot.status).toBe(201);
    expect(prot.body.action.command).toBe('change_protection');
    expect((await h.api('GET', `/servers/${id}`)).body.server.protection).toEqual({ delete: true, rebuild: true });
    const rebuild = await h.api('POST', `/servers/${id}/actions/rebuild`, { image: 'ubuntu-24.04' });
    expect(rebuild.status).toBe(423);
    expect(rebuild.body.error.code).toBe('protected');
    const del = await h.api('DELETE', `/servers/${id}`);
    expect(del.status).toBe(423);
    expect(del.body.error.code).toBe('protected');
    const mismatch = await h.api('POST', `/servers/${id}/actions/change_protection`, { delete: false, rebuild: true });
    expect(mismatch.status).toBe(422);
    const off = await h.api('POST', `/servers/${id}/actions/change_protection`, { delete: false });
    expect(off.status).toBe(201);
    expect((await h.api('GET', `/servers/${id}`)).body.server.protection).toEqual({ delete: false, rebuild: false });
  });

  it('refuses an unknown image', async () => {
    h = await startSim({ seed: fleetSeed() });
    const id = (await h.api('GET', '/servers?name=web-01')).body.servers[0].id;
    const res = await h.api('POST', `/servers/${id}/actions/rebuild`, { image: 'nope' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe('image not found');
  });
});

describe('power actions and delete', () => {
  it('poweroff → stopping → off, poweron → starting → running, shutdown, reboot, reset', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.01 });
    const id = (await h.api('GET', '/servers?name=web-02')).body.servers[0].id;
    const status = async (): Promise<string> => (await h.api('GET', `/servers/${id}`)).body.server.status;
    const off = await h.api('POST', `/servers/${id}/actions/poweroff`);
    expect(off.body.action.command).toBe('stop_server');
    expect(await status()).toBe('stopping');
    await waitAction(h, off.body.action.id);
    expect(await status()).toBe('off');
    const on = await h.api('POST', `/servers/${id}/actions/poweron`);
    expect(on.body.action.command).toBe('start_server');
    expect(await status()).toBe('starting');
    await waitAction(h, on.body.action.id);
    expect(await status()).toBe('running');
    for (const [action, command] of [
      ['reboot', 'reboot_server'],
      ['reset', 'reset_server'],
      ['shutdown', 'shutdown_server'],
    ]) {
      const res = await h.api('POST', `/servers/${id}/actions/${action}`);
      expect(res.status).toBe(201);
      expect(res.body.action.command).toBe(command);
      await waitAction(h, res.body.action.id);
    }
    expect(await status()).toBe('off');
    expect((await h.api('POST', `/servers/${id}/actions/teleport`)).status).toBe(404);
    const unsupported = await h.api('POST', `/servers/${id}/actions/enable_rescue`);
    expect(unsupported.body.error.code).toBe('unsupported_error');
  });

  it('DELETE answers 200 with a delete_server action; the server goes deleting, then disappears and its volumes are detached', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001, actionDurations: { delete_server: 200 } });
    const id = (await h.api('GET', '/servers?name=web-01')).body.servers[0].id;
    const del = await h.api('DELETE', `/servers/${id}`);
    expect(del.status).toBe(200);
    expect(Object.keys(del.body)).toEqual(['action']);
    expect(del.body.action.command).toBe('delete_server');
    expect((await h.api('GET', `/servers/${id}`)).body.server.status).toBe('deleting');
    await waitAction(h, del.body.action.id);
    expect((await h.api('GET', `/servers/${id}`)).status).toBe(404);
    const vol = (await h.api('GET', '/volumes?name=vol-web-01-uploads')).body.volumes[0];
    expect(vol.server).toBeNull();
  });
});
