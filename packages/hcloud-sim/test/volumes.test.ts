import { afterEach, describe, expect, it } from 'vitest';
import { fleetSeed, startSim, waitAction, type SimHarness } from './helpers/sim-client.js';

let h: SimHarness;
afterEach(async () => {
  await h?.close();
});

async function volumeByName(name: string): Promise<any> {
  return (await h.api('GET', `/volumes?name=${name}`)).body.volumes[0];
}

async function serverId(name: string): Promise<number> {
  return (await h.api('GET', `/servers?name=${name}`)).body.servers[0].id;
}

describe('volumes', () => {
  it('lists volumes in the real shape, with name, label and status filters', async () => {
    h = await startSim({ seed: fleetSeed() });
    const { body } = await h.api('GET', '/volumes');
    expect(body.volumes).toHaveLength(4);
    expect(body.meta.pagination.total_entries).toBe(4);
    const v = await volumeByName('vol-db-01-data');
    expect(v).toMatchObject({
      name: 'vol-db-01-data',
      size: 100,
      location: { name: 'hel1', network_zone: 'eu-central' },
      protection: { delete: false },
      labels: {},
      status: 'available',
      format: null,
      server: await serverId('db-01'),
    });
    expect(v.linux_device).toBe(`/dev/disk/by-id/scsi-0HC_Volume_${v.id}`);
    expect((await volumeByName('vol-spare')).server).toBeNull();
    expect((await h.api('GET', '/volumes?status=creating')).body.volumes).toEqual([]);
    expect((await h.api('GET', `/volumes/${v.id}`)).body.volume.name).toBe('vol-db-01-data');
    expect((await h.api('GET', '/volumes/1')).body.error).toMatchObject({ code: 'not_found' });
  });

  it('creates a volume in a location: 201, status creating → available', async () => {
    h = await startSim({ timeScale: 0.001 });
    const res = await h.api('POST', '/volumes', { name: 'data-1', size: 42, location: 'fsn1', format: 'xfs', labels: { app: 'pg' } });
    expect(res.status).toBe(201);
    expect(res.body.volume).toMatchObject({ name: 'data-1', size: 42, status: 'creating', server: null, format: 'xfs', labels: { app: 'pg' } });
    expect(res.body.action.command).toBe('create_volume');
    expect(res.body.next_actions).toEqual([]);
    await waitAction(h, res.body.action.id);
    expect((await volumeByName('data-1')).status).toBe('available');
  });

  it('creates a volume on a server: next_actions holds attach_volume, and the volume ends attached', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001 });
    const sid = await serverId('web-02');
    const res = await h.api('POST', '/volumes', { name: 'logs', size: 10, server: sid, automount: false });
    expect(res.status).toBe(201);
    expect(res.body.volume.location.name).toBe('nbg1');
    expect(res.body.next_actions.map((a: any) => a.command)).toEqual(['attach_volume']);
    expect(res.body.next_actions[0].resources).toEqual([
      { id: res.body.volume.id, type: 'volume' },
      { id: sid, type: 'server' },
    ]);
    await waitAction(h, res.body.next_actions[0].id);
    expect((await volumeByName('logs')).server).toBe(sid);
    expect((await h.api('GET', `/servers/${sid}`)).body.server.volumes).toContain(res.body.volume.id);
  });

  it('refuses bad volume input', async () => {
    h = await startSim({ seed: fleetSeed() });
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'x', size: 5, location: 'nbg1' }, 422, 'invalid_input'],
      [{ name: 'x', size: 20000, location: 'nbg1' }, 422, 'invalid_input'],
      [{ name: 'x', size: 10 }, 422, 'invalid_input'],
      [{ name: 'x', size: 10, location: 'mars' }, 422, 'invalid_input'],
      [{ name: 'x', size: 10, location: 'nbg1', format: 'ntfs' }, 422, 'invalid_input'],
      [{ name: '-bad-', size: 10, location: 'nbg1' }, 422, 'invalid_input'],
      [{ name: 'vol-spare', size: 10, location: 'nbg1' }, 409, 'uniqueness_error'],
      [{ name: 'x', size: 10, server: 999 }, 422, 'invalid_input'],
    ];
    for (const [body, status, code] of cases) {
      const res = await h.api('POST', '/volumes', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBe(code);
    }
  });

  it('refuses to delete an attached volume; detach then delete works (204, no body)', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001, actionDurations: { detach_volume: 200 } });
    const v = await volumeByName('vol-web-01-uploads');
    const refused = await h.api('DELETE', `/volumes/${v.id}`);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: { code: 'service_error', message: `volume with ID '${v.id}' is still attached to a server`, details: null },
    });
    const detach = await h.api('POST', `/volumes/${v.id}/actions/detach`);
    expect(detach.status).toBe(201);
    expect(detach.body.action).toMatchObject({ command: 'detach_volume', status: 'running' });
    expect((await h.api('DELETE', `/volumes/${v.id}`)).status).toBe(423);
    await waitAction(h, detach.body.action.id);
    expect((await h.api('GET', `/volumes/${v.id}`)).body.volume.server).toBeNull();
    const deleted = await h.api('DELETE', `/volumes/${v.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await h.api('GET', `/volumes/${v.id}`)).status).toBe(404);
    const again = await h.api('POST', `/volumes/${(await volumeByName('vol-spare')).id}/actions/detach`);
    expect(again.status).toBe(422);
  });

  it('attaches a volume: same location only, not twice, locks both volume and server', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.01, actionDurations: { attach_volume: 20 } });
    const spare = await volumeByName('vol-spare');
    const web02 = await serverId('web-02');
    const db01 = await serverId('db-01');
    const wrongLocation = await h.api('POST', `/volumes/${spare.id}/actions/attach`, { server: db01 });
    expect(wrongLocation.status).toBe(422);
    expect(wrongLocation.body.error.code).toBe('invalid_input');
    const attach = await h.api('POST', `/volumes/${spare.id}/actions/attach`, { server: web02, automount: true });
    expect(attach.status).toBe(201);
    expect(attach.body.action.command).toBe('attach_volume');
    expect((await h.api('POST', `/servers/${web02}/actions/reboot`)).body.error.code).toBe('locked');
    await waitAction(h, attach.body.action.id);
    expect((await h.api('GET', `/volumes/${spare.id}`)).body.volume.server).toBe(web02);
    const twice = await h.api('POST', `/volumes/${spare.id}/actions/attach`, { server: web02 });
    expect(twice.status).toBe(422);
    expect(twice.body.error.code).toBe('volume_already_attached');
    expect((await h.api('POST', `/volumes/${spare.id}/actions/attach`, { server: 1 })).body.error.code).toBe('invalid_input');
  });

  it('resizes only upwards; protection refuses delete; PUT renames', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001 });
    const spare = await volumeByName('vol-spare');
    const shrink = await h.api('POST', `/volumes/${spare.id}/actions/resize`, { size: 10 });
    expect(shrink.status).toBe(422);
    expect(shrink.body.error.details.fields[0].name).toBe('size');
    const grow = await h.api('POST', `/volumes/${spare.id}/actions/resize`, { size: 30 });
    expect(grow.body.action.command).toBe('resize_volume');
    await waitAction(h, grow.body.action.id);
    expect((await h.api('GET', `/volumes/${spare.id}`)).body.volume.size).toBe(30);
    const prot = await h.api('POST', `/volumes/${spare.id}/actions/change_protection`, { delete: true });
    expect(prot.status).toBe(201);
    const del = await h.api('DELETE', `/volumes/${spare.id}`);
    expect(del.status).toBe(423);
    expect(del.body.error.code).toBe('protected');
    const put = await h.api('PUT', `/volumes/${spare.id}`, { name: 'spare-2', labels: { k: 'v' } });
    expect(put.body.volume).toMatchObject({ name: 'spare-2', labels: { k: 'v' } });
    expect((await h.api('PUT', `/volumes/${spare.id}`, { name: 'vol-db-01-data' })).status).toBe(409);
  });
});

describe('actions', () => {
  it('GET /actions?id=…&id=… returns several actions at once; GET /actions/{id}; resource action lists', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001 });
    const a = await h.api('POST', `/servers/${await serverId('web-01')}/actions/poweroff`);
    const b = await h.api('POST', `/servers/${await serverId('web-02')}/actions/reboot`);
    const c = await h.api('POST', `/volumes/${(await volumeByName('vol-spare')).id}/actions/resize`, { size: 11 });
    const ids = [a, b, c].map((r) => r.body.action.id);
    const many = await h.api('GET', `/actions?id=${ids[0]}&id=${ids[1]}&id=${ids[2]}&id=987654`);
    expect(many.status).toBe(200);
    expect(many.body.actions.map((x: any) => x.id)).toEqual(ids);
    expect(many.body.meta.pagination.total_entries).toBe(3);
    for (const action of many.body.actions) {
      expect(Object.keys(action).sort()).toEqual(['command', 'error', 'finished', 'id', 'progress', 'resources', 'started', 'status']);
    }
    const one = await h.api('GET', `/actions/${ids[2]}`);
    expect(one.body.action).toMatchObject({ id: ids[2], command: 'resize_volume' });
    expect((await h.api('GET', '/actions/987654')).status).toBe(404);
    expect((await h.api('GET', '/actions')).status).toBe(422);
    const byVolume = await h.api('GET', `/volumes/actions?id=${ids[2]}`);
    expect(byVolume.body.actions.map((x: any) => x.id)).toEqual([ids[2]]);
    const serverActions = await h.api('GET', `/servers/${await serverId('web-01')}/actions`);
    expect(serverActions.body.actions.map((x: any) => x.command)).toEqual(['stop_server']);
    const nested = await h.api('GET', `/servers/${await serverId('web-01')}/actions/${ids[0]}`);
    expect(nested.body.action.id).toBe(ids[0]);
    expect((await h.api('GET', `/servers/${await serverId('web-01')}/actions/${ids[1]}`)).status).toBe(404);
    await waitAction(h, ids[0]);
    const running = await h.api('GET', `/servers/actions?status=running`);
    expect(running.body.actions.every((x: any) => x.status === 'running')).toBe(true);
    const sorted = await h.api('GET', `/actions?id=${ids[0]}&id=${ids[1]}&sort=id:desc`);
    expect(sorted.body.actions.map((x: any) => x.id)).toEqual([ids[1], ids[0]]);
  });
});
