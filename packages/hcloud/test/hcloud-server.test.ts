import { beforeEach, describe, expect, it } from 'vitest';
import { hcloudServer, hcloudServerInfo } from '../src/index.js';
import { runModule } from './helpers/context.js';
import { TOKEN, useFake } from './helpers/setup.js';

const { fake, api } = useFake();
beforeEach(() => fake.clearLog());

describe('hcloud_server', () => {
  it('creates a server, waits for it, and reports it like the collection', async () => {
    const result = await runModule(hcloudServer, { ...api(), name: 'web-1', server_type: 'cx22', image: 'debian-12', location: 'nbg1', labels: { role: 'web' } });
    expect(result.failed).toBeUndefined();
    expect(result.changed).toBe(true);
    expect(result['hcloud_server']).toMatchObject({ name: 'web-1', status: 'running', server_type: 'cx22', image: 'debian-12', location: 'nbg1', labels: { role: 'web' }, delete_protection: false, rebuild_protection: false });
    expect(Object.keys(result['hcloud_server'] as object).sort()).toEqual(
      ['backup_window', 'created', 'datacenter', 'delete_protection', 'id', 'image', 'ipv4_address', 'ipv6', 'labels', 'location', 'name', 'placement_group', 'private_networks', 'private_networks_info', 'rebuild_protection', 'rescue_enabled', 'server_type', 'status'].sort(),
    );
    expect(result['root_password']).toBe('YItygq1v3GYjjMomLaKc');
    const create = fake.writes().find((r) => r.path === '/servers')!;
    expect(create.body).toMatchObject({ name: 'web-1', server_type: 'cx22', image: 'debian-12', location: 'nbg1', labels: { role: 'web' }, public_net: { enable_ipv4: true, enable_ipv6: true } });
  });

  it('is idempotent: a second run changes nothing and sends no write', async () => {
    const args = { ...api(), name: 'idem-1', server_type: 'cx22', image: 'debian-12', labels: { a: '1' } };
    expect((await runModule(hcloudServer, args)).changed).toBe(true);
    fake.clearLog();
    const second = await runModule(hcloudServer, args);
    expect(second.changed).toBe(false);
    expect(second.msg).toBe('server idem-1 is already present');
    expect(fake.writes()).toEqual([]);
  });

  it('renames with id + name, and changes labels', async () => {
    const server = fake.addServer({ name: 'old-name', labels: { x: 'y' } });
    const result = await runModule(hcloudServer, { ...api(), id: server['id'], name: 'new-name', labels: { x: 'z' } });
    expect(result.changed).toBe(true);
    expect(result['hcloud_server']).toMatchObject({ id: server['id'], name: 'new-name', labels: { x: 'z' } });
    expect(fake.writes().map((r) => [r.method, r.path, r.body])).toEqual([['PUT', `/servers/${server['id']}`, { name: 'new-name', labels: { x: 'z' } }]]);
    expect((await runModule(hcloudServer, { ...api(), id: server['id'], name: 'new-name', labels: { x: 'z' } })).changed).toBe(false);
  });

  it('stops, starts and restarts; each state is idempotent where it can be', async () => {
    const server = fake.addServer({ name: 'power-1' });
    const stopped = await runModule(hcloudServer, { ...api(), name: 'power-1', state: 'stopped' });
    expect(stopped).toMatchObject({ changed: true, hcloud_server: { status: 'off' } });
    expect((await runModule(hcloudServer, { ...api(), name: 'power-1', state: 'stopped' })).changed).toBe(false);
    const started = await runModule(hcloudServer, { ...api(), name: 'power-1', state: 'started' });
    expect(started).toMatchObject({ changed: true, hcloud_server: { status: 'running' } });
    expect((await runModule(hcloudServer, { ...api(), name: 'power-1', state: 'started' })).changed).toBe(false);
    fake.clearLog();
    const restarted = await runModule(hcloudServer, { ...api(), name: 'power-1', state: 'restarted' });
    expect(restarted).toMatchObject({ changed: true, hcloud_server: { status: 'running' } });
    expect(fake.writes().map((r) => r.path)).toEqual([`/servers/${server['id']}/actions/poweroff`, `/servers/${server['id']}/actions/poweron`]);
  });

  it('state=present powers a stopped server on; state=created leaves it off', async () => {
    fake.addServer({ name: 'off-1', status: 'off' });
    expect(await runModule(hcloudServer, { ...api(), name: 'off-1', state: 'created' })).toMatchObject({ changed: false, hcloud_server: { status: 'off' } });
    expect(await runModule(hcloudServer, { ...api(), name: 'off-1' })).toMatchObject({ changed: true, hcloud_server: { status: 'running' } });
  });

  it('rebuilds from an image and waits until the server runs again', async () => {
    const server = fake.addServer({ name: 'rebuild-1', image: 'ubuntu-24.04' });
    const result = await runModule(hcloudServer, { ...api(), name: 'rebuild-1', image: 'debian-12', state: 'rebuild' });
    expect(result).toMatchObject({ changed: true, hcloud_server: { status: 'running', image: 'debian-12' } });
    expect(fake.writes().map((r) => [r.path, r.body])).toEqual([[`/servers/${server['id']}/actions/rebuild`, { image: 'debian-12' }]]);
  });

  it('refuses to rebuild, stop or delete a protected host, before any write', async () => {
    fake.addServer({ name: 'install-01' });
    for (const state of ['rebuild', 'stopped', 'restarted', 'absent']) {
      const result = await runModule(hcloudServer, { ...api(), name: 'install-01', image: 'debian-12', state }, { protectedHosts: ['install-01'] });
      expect(result).toMatchObject({ failed: true, changed: false });
      expect(result.msg).toMatch(/refusing to .* install-01 is a protected host/);
    }
    expect(fake.writes()).toEqual([]);
    expect(hcloudServer.targets({ name: 'install-01', state: 'rebuild' })).toEqual(['install-01']);
    expect(hcloudServer.targets({ name: 'install-01', state: 'present' })).toEqual([]);
    expect(hcloudServer.targets({ name: 'install-01', server_type: 'cx32', force: true })).toEqual(['install-01']);
  });

  it('changes the server type only when forced, powering the server off and on again', async () => {
    const server = fake.addServer({ name: 'resize-1' });
    const warned = await runModule(hcloudServer, { ...api(), name: 'resize-1', server_type: 'cx32' });
    expect(warned.changed).toBe(false);
    expect(warned['warnings']).toEqual([expect.stringContaining('use force=true')]);
    const forced = await runModule(hcloudServer, { ...api(), name: 'resize-1', server_type: 'cx32', force: true, upgrade_disk: true });
    expect(forced).toMatchObject({ changed: true, hcloud_server: { server_type: 'cx32', status: 'running' } });
    expect(fake.writes().map((r) => r.path)).toEqual([`/servers/${server['id']}/actions/poweroff`, `/servers/${server['id']}/actions/change_type`, `/servers/${server['id']}/actions/poweron`]);
  });

  it('sets protection, attaches networks and applies firewalls', async () => {
    const network = fake.addNetwork({ name: 'private' });
    fake.addServer({ name: 'net-1' });
    const result = await runModule(hcloudServer, { ...api(), name: 'net-1', private_networks: ['private'], delete_protection: true, rebuild_protection: true });
    expect(result).toMatchObject({ changed: true, hcloud_server: { private_networks: ['private'], private_networks_info: [{ name: 'private', ip: '10.0.0.2' }], delete_protection: true, rebuild_protection: true } });
    expect((await runModule(hcloudServer, { ...api(), name: 'net-1', private_networks: [String(network['id'])], delete_protection: true, rebuild_protection: true })).changed).toBe(false);
  });

  it('deletes a server and is idempotent', async () => {
    fake.addServer({ name: 'gone-1' });
    expect(await runModule(hcloudServer, { ...api(), name: 'gone-1', state: 'absent' })).toMatchObject({ changed: true, hcloud_server: null });
    expect([...fake.servers.values()].some((s) => s['name'] === 'gone-1')).toBe(false);
    expect(await runModule(hcloudServer, { ...api(), name: 'gone-1', state: 'absent' })).toMatchObject({ changed: false, msg: 'server gone-1 is already absent' });
  });

  it('surfaces the API error: invalid_input with its fields, protected, not_found', async () => {
    const invalid = await runModule(hcloudServer, { ...api(), name: 'bad-1', server_type: 'cx999', image: 'debian-12' });
    expect(invalid).toMatchObject({ failed: true, changed: false, failure: { code: 'invalid_input' } });
    expect(invalid.msg).toContain('server_type: server type not found');
    const locked = fake.addServer({ name: 'locked-1', protection: { delete: true, rebuild: true } });
    const protectedResult = await runModule(hcloudServer, { ...api(), id: locked['id'], state: 'absent' });
    expect(protectedResult).toMatchObject({ failed: true, failure: { code: 'protected' }, msg: 'server deletion is protected (protected)' });
    const missing = await runModule(hcloudServer, { ...api(), id: 987654, state: 'started' });
    expect(missing).toMatchObject({ failed: true, msg: 'server with id 987654 not found' });
    const noArgs = await runModule(hcloudServer, { ...api(), name: 'needs-more' });
    expect(noArgs).toMatchObject({ failed: true, msg: 'missing required arguments to create a server: server_type, image' });
  });

  it('fails with the action error when the action fails', async () => {
    fake.addServer({ name: 'fail-1' });
    fake.failActions('rebuild_server', 'rebuild_failed', 'could not rebuild the server');
    const result = await runModule(hcloudServer, { ...api(), name: 'fail-1', image: 'debian-12', state: 'rebuild' });
    fake.failActions('rebuild_server', '', '');
    expect(result).toMatchObject({ failed: true, changed: true, failure: { code: 'action_failed' } });
    expect(result.msg).toContain('could not rebuild the server');
  });

  it('takes the token from HCLOUD_TOKEN in the task environment, and never shows it', async () => {
    fake.addServer({ name: 'env-1' });
    const result = await runModule(hcloudServer, { api_endpoint: fake.url, name: 'env-1', state: 'started' }, { environment: { HCLOUD_TOKEN: TOKEN } });
    expect(result.changed).toBe(false);
    const wrong = await runModule(hcloudServer, { api_endpoint: fake.url, api_token: `${TOKEN}x`, name: 'env-1' });
    expect(wrong).toMatchObject({ failed: true, failure: { code: 'unauthorized' } });
    expect(JSON.stringify([result, wrong])).not.toContain(TOKEN);
    expect([...result.logs, ...wrong.logs].join('\n')).not.toContain(TOKEN);
    expect(result.logs.length).toBeGreaterThan(0);
  });
});

describe('hcloud_server_info', () => {
  it('lists by name, id and label selector', async () => {
    const a = fake.addServer({ name: 'info-a', labels: { tier: 'db' } });
    fake.addServer({ name: 'info-b', labels: { tier: 'db' } });
    const byName = await runModule(hcloudServerInfo, { ...api(), name: 'info-a' });
    expect(byName).toMatchObject({ changed: false, hcloud_server_info: [{ id: a['id'], name: 'info-a' }] });
    expect(await runModule(hcloudServerInfo, { ...api(), id: a['id'] })).toMatchObject({ hcloud_server_info: [{ name: 'info-a' }] });
    const selected = await runModule(hcloudServerInfo, { ...api(), label_selector: 'tier=db' });
    expect((selected['hcloud_server_info'] as { name: string }[]).map((s) => s.name)).toEqual(['info-a', 'info-b']);
    expect(await runModule(hcloudServerInfo, { ...api(), name: 'nobody' })).toMatchObject({ hcloud_server_info: [] });
  });
});
