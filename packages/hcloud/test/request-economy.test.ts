// How many requests the modules send for a sequence, and that reusing reads never hides this run's own changes.
import { beforeEach, describe, expect, it } from 'vitest';
import { hcloudNetwork, hcloudServer, hcloudServerInfo, hcloudVolume, hcloudVolumeAttachment, hcloudVolumeInfo } from '../src/index.js';
import { runModule } from './helpers/context.js';
import { useFake } from './helpers/setup.js';

const { fake, api } = useFake();
beforeEach(() => fake.clearLog());

/** Requests by `METHOD /path` with IDs as {id}, polls left out. */
function requestKinds(): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const r of fake.requests) {
    if (r.path === '/actions') continue;
    const kind = `${r.method} ${r.path.replace(/\/\d+/g, '/{id}')}${r.query.has('name') ? '?name' : ''}`;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

/** Two servers on a private network, each with a volume. */
function fleet(prefix: string) {
  const network = fake.addNetwork({ name: `${prefix}-net` });
  const names = [`${prefix}-1`, `${prefix}-2`];
  for (const [i, name] of names.entries()) {
    const server = fake.addServer({ name, private_net: [{ network: network['id'], ip: `10.0.0.${i + 2}`, alias_ips: [] }] });
    fake.addVolume({ name: `vol-${name}`, server: server['id'] });
  }
  fake.clearLog();
  return { network, names };
}

describe('requests of the reset sequence (reset_batch.yml, two servers in parallel)', () => {
  it('reads each thing once where nothing changed it, and reads again after every change', async () => {
    const { names } = fleet('eco');
    const infos = await Promise.all(names.map((name) => runModule(hcloudServerInfo, { ...api(), name })));
    expect(infos.map((r) => r['hcloud_server_info'])).toMatchObject([[{ private_networks: ['eco-net'] }], [{ private_networks: ['eco-net'] }]]);
    await runModule(hcloudVolumeInfo, { ...api() });
    const results = await Promise.all(
      names.map(async (name) => {
        const detached = await runModule(hcloudVolumeAttachment, { ...api(), volume: `vol-${name}`, state: 'absent' });
        const seen = await runModule(hcloudVolumeInfo, { ...api(), name: `vol-${name}` });
        const deleted = await runModule(hcloudVolume, { ...api(), name: `vol-${name}`, state: 'absent' });
        const rebuilt = await runModule(hcloudServer, { ...api(), name, state: 'rebuild', image: 'ubuntu-24.04' });
        const status = await runModule(hcloudServerInfo, { ...api(), name });
        return { detached, seen, deleted, rebuilt, status };
      }),
    );
    for (const [i, { detached, seen, deleted, rebuilt, status }] of results.entries()) {
      expect(detached).toMatchObject({ changed: true, msg: `done: detach volume vol-${names[i]} from server ${names[i]}` });
      expect(seen['hcloud_volume_info']).toMatchObject([{ server: null }]);
      // The deletion saw the detached volume: it did not detach again.
      expect(deleted).toMatchObject({ changed: true, msg: `done: delete volume vol-${names[i]}` });
      expect(rebuilt).toMatchObject({ changed: true, hcloud_server: { image: 'ubuntu-24.04', status: 'running', private_networks: ['eco-net'] } });
      expect(status['hcloud_server_info']).toMatchObject([{ status: 'running', image: 'ubuntu-24.04' }]);
      // What was reused is said in the task's log.
      expect(detached.logs.filter((l) => l.includes('unchanged by this run since'))).toHaveLength(2);
    }
    expect(requestKinds()).toEqual({
      'GET /servers?name': 6, // info, rebuild lookup (the detach changed the server), info after the rebuild
      'GET /networks': 1, // network names, once for the whole sequence
      'GET /volumes': 1, // the list; the attachment and the deletion reuse it and the by-name read
      'GET /servers': 1, // the list's server names
      'GET /volumes?name': 2, // reading after the detach
      'GET /servers/{id}': 2, // the server after its rebuild, never reused
      'POST /volumes/{id}/actions/detach': 2,
      'DELETE /volumes/{id}': 2,
      'POST /servers/{id}/actions/rebuild': 2,
    });
  });

  it('the same sequence in check mode sends only GETs and reports every change it would make', async () => {
    const { names } = fleet('chk');
    await runModule(hcloudVolumeInfo, { ...api() }, { check: true });
    for (const name of names) {
      expect(await runModule(hcloudVolumeAttachment, { ...api(), volume: `vol-${name}`, state: 'absent' }, { check: true })).toMatchObject({ changed: true, msg: `would: detach volume vol-${name} from server ${name}` });
      expect(await runModule(hcloudVolume, { ...api(), name: `vol-${name}`, state: 'absent' }, { check: true })).toMatchObject({ changed: true, msg: `would: detach volume vol-${name} from server ${name}; delete volume vol-${name}` });
      expect(await runModule(hcloudServer, { ...api(), name, state: 'rebuild', image: 'ubuntu-24.04' }, { check: true })).toMatchObject({ changed: true, msg: `would: rebuild server ${name} from ubuntu-24.04` });
    }
    expect(fake.writes()).toEqual([]);
  });
});

describe('reads reused by a module', () => {
  it("answer its lookup for a second at most: another client's change is seen after that", async () => {
    const server = fake.addServer({ name: 'ext-1' });
    expect(await runModule(hcloudServer, { ...api(), name: 'ext-1', state: 'started' })).toMatchObject({ changed: false });
    server['status'] = 'off';
    const soon = await runModule(hcloudServer, { ...api(), name: 'ext-1', state: 'started' });
    expect(soon).toMatchObject({ changed: false });
    expect(soon.logs.some((l) => /^GET \/servers \(name ext-1\): the read of \d+ ms ago/.test(l))).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await runModule(hcloudServer, { ...api(), name: 'ext-1', state: 'started' })).toMatchObject({ changed: true, msg: 'done: power on server ext-1' });
  });

  it('never answer an info module: it reads what it reports', async () => {
    fake.addServer({ name: 'info-1' });
    await runModule(hcloudServerInfo, { ...api(), name: 'info-1' });
    await runModule(hcloudServerInfo, { ...api(), name: 'info-1' });
    expect(requestKinds()['GET /servers?name']).toBe(2);
  });
});

describe('network names', () => {
  it('are listed again after this run changes a network', async () => {
    const { network, names } = fleet('ren');
    await runModule(hcloudServerInfo, { ...api(), name: names[0] });
    await runModule(hcloudNetwork, { ...api(), id: network['id'], name: 'ren-renamed' });
    const after = await runModule(hcloudServerInfo, { ...api(), name: names[1] });
    expect(after['hcloud_server_info']).toMatchObject([{ private_networks: ['ren-renamed'], private_networks_info: [{ name: 'ren-renamed', ip: '10.0.0.3' }] }]);
  });
});
