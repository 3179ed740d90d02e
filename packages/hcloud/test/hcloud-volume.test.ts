import { beforeEach, describe, expect, it } from 'vitest';
import { hcloudVolume, hcloudVolumeAttachment, hcloudVolumeInfo } from '../src/index.js';
import { runModule } from './helpers/context.js';
import { useFake } from './helpers/setup.js';

const { fake, api } = useFake();
beforeEach(() => fake.clearLog());

describe('hcloud_volume', () => {
  it('creates a volume in a location, formatted, and reports it like the collection', async () => {
    const result = await runModule(hcloudVolume, { ...api(), name: 'vol-data', size: 20, location: 'hel1', format: 'ext4', labels: { app: 'pg' } });
    expect(result.changed).toBe(true);
    expect(result['hcloud_volume']).toMatchObject({ name: 'vol-data', size: 20, location: 'hel1', labels: { app: 'pg' }, server: null, delete_protection: false });
    expect(Object.keys(result['hcloud_volume'] as object).sort()).toEqual(['delete_protection', 'id', 'labels', 'linux_device', 'location', 'name', 'server', 'size']);
    expect(fake.writes()[0]!.body).toEqual({ name: 'vol-data', size: 20, automount: false, format: 'ext4', labels: { app: 'pg' }, location: 'hel1' });
    fake.clearLog();
    expect((await runModule(hcloudVolume, { ...api(), name: 'vol-data', size: 20, location: 'hel1', format: 'ext4', labels: { app: 'pg' } })).changed).toBe(false);
    expect(fake.writes()).toEqual([]);
  });

  it('creates a volume attached to a server (waits for create and attach)', async () => {
    fake.addServer({ name: 'db-1', location: 'fsn1' });
    const result = await runModule(hcloudVolume, { ...api(), name: 'vol-db', size: 10, server: 'db-1', automount: true });
    expect(result).toMatchObject({ changed: true, hcloud_volume: { server: 'db-1', location: 'fsn1' } });
  });

  it('grows a volume, warns instead of shrinking', async () => {
    fake.addVolume({ name: 'vol-grow', size: 10 });
    expect(await runModule(hcloudVolume, { ...api(), name: 'vol-grow', size: 30 })).toMatchObject({ changed: true, hcloud_volume: { size: 30 } });
    const shrink = await runModule(hcloudVolume, { ...api(), name: 'vol-grow', size: 10 });
    expect(shrink).toMatchObject({ changed: false, warnings: ['Shrinking of volumes is not supported'] });
  });

  it('attaches to a server, and moves a volume attached elsewhere (detach first)', async () => {
    const a = fake.addServer({ name: 'app-a' });
    const b = fake.addServer({ name: 'app-b' });
    const volume = fake.addVolume({ name: 'vol-move', server: a['id'] });
    const result = await runModule(hcloudVolume, { ...api(), name: 'vol-move', server: 'app-b' });
    expect(result).toMatchObject({ changed: true, hcloud_volume: { server: 'app-b' } });
    expect(fake.writes().map((r) => [r.path, r.body])).toEqual([
      [`/volumes/${volume['id']}/actions/detach`, undefined],
      [`/volumes/${volume['id']}/actions/attach`, { server: b['id'], automount: false }],
    ]);
    expect((await runModule(hcloudVolume, { ...api(), name: 'vol-move', server: 'app-b' })).changed).toBe(false);
  });

  it('leaves the attachment alone when server is omitted (as the collection does)', async () => {
    const s = fake.addServer({ name: 'keep-1' });
    fake.addVolume({ name: 'vol-keep', server: s['id'] });
    expect(await runModule(hcloudVolume, { ...api(), name: 'vol-keep' })).toMatchObject({ changed: false, hcloud_volume: { server: 'keep-1' } });
  });

  it('renames by id + name, sets labels and protection', async () => {
    const volume = fake.addVolume({ name: 'vol-old' });
    const result = await runModule(hcloudVolume, { ...api(), id: volume['id'], name: 'vol-new', labels: { k: 'v' }, delete_protection: true });
    expect(result).toMatchObject({ changed: true, hcloud_volume: { name: 'vol-new', labels: { k: 'v' }, delete_protection: true } });
    expect((await runModule(hcloudVolume, { ...api(), id: volume['id'], name: 'vol-new', labels: { k: 'v' }, delete_protection: true })).changed).toBe(false);
  });

  it('state=absent detaches, then deletes; then is idempotent', async () => {
    const s = fake.addServer({ name: 'del-1' });
    const volume = fake.addVolume({ name: 'vol-del', server: s['id'] });
    const result = await runModule(hcloudVolume, { ...api(), name: 'vol-del', state: 'absent' });
    expect(result).toMatchObject({ changed: true, hcloud_volume: null, msg: 'done: detach volume vol-del from server del-1; delete volume vol-del' });
    expect(fake.writes().map((r) => [r.method, r.path])).toEqual([
      ['POST', `/volumes/${volume['id']}/actions/detach`],
      ['DELETE', `/volumes/${volume['id']}`],
    ]);
    expect(await runModule(hcloudVolume, { ...api(), name: 'vol-del', state: 'absent' })).toMatchObject({ changed: false });
  });

  it('refuses to detach a volume from a protected host', async () => {
    const s = fake.addServer({ name: 'install-v3' });
    fake.addVolume({ name: 'vol-bastion', server: s['id'] });
    const result = await runModule(hcloudVolume, { ...api(), name: 'vol-bastion', state: 'absent' }, { protectedHosts: ['install-v3'] });
    expect(result).toMatchObject({ failed: true, changed: false });
    expect(result.msg).toContain('install-v3 is a protected host');
    expect(fake.writes()).toEqual([]);
  });

  it('fails clearly: missing size, missing location, invalid size from the API', async () => {
    expect(await runModule(hcloudVolume, { ...api(), name: 'vol-x' })).toMatchObject({ failed: true, msg: 'missing required arguments to create a volume: size' });
    expect(await runModule(hcloudVolume, { ...api(), name: 'vol-x', size: 10 })).toMatchObject({ failed: true, msg: 'server or location is required' });
    expect(await runModule(hcloudVolume, { ...api(), name: 'vol-x', size: 10, server: 'nowhere' })).toMatchObject({ failed: true, failure: { code: 'not_found' }, msg: 'server "nowhere" not found (not_found)' });
  });
});

describe('hcloud_volume_attachment', () => {
  it('attaches and detaches, idempotently', async () => {
    const s = fake.addServer({ name: 'att-1' });
    const volume = fake.addVolume({ name: 'vol-att' });
    expect(await runModule(hcloudVolumeAttachment, { ...api(), volume: 'vol-att', server: 'att-1', automount: false })).toMatchObject({ changed: true, hcloud_volume_attachment: { volume: 'vol-att', server: 'att-1' } });
    expect(fake.volumes.get(volume['id'])!['server']).toBe(s['id']);
    expect((await runModule(hcloudVolumeAttachment, { ...api(), volume: 'vol-att', server: 'att-1' })).changed).toBe(false);
    expect(await runModule(hcloudVolumeAttachment, { ...api(), volume: String(volume['id']), state: 'absent' })).toMatchObject({ changed: true, hcloud_volume_attachment: { volume: 'vol-att', server: null } });
    expect(fake.volumes.get(volume['id'])!['server']).toBeNull();
    expect((await runModule(hcloudVolumeAttachment, { ...api(), volume: 'vol-att', state: 'absent' })).changed).toBe(false);
  });
});

describe('hcloud_volume_info', () => {
  it('lists volumes with the attached server by name', async () => {
    const s = fake.addServer({ name: 'inf-1' });
    fake.addVolume({ name: 'vol-inf-a', server: s['id'], labels: { set: 'inf' } });
    fake.addVolume({ name: 'vol-inf-b', labels: { set: 'inf' } });
    const result = await runModule(hcloudVolumeInfo, { ...api(), label_selector: 'set=inf' });
    expect(result['hcloud_volume_info']).toMatchObject([
      { name: 'vol-inf-a', server: 'inf-1' },
      { name: 'vol-inf-b', server: null },
    ]);
    expect(await runModule(hcloudVolumeInfo, { ...api(), name: 'vol-inf-b' })).toMatchObject({ hcloud_volume_info: [{ name: 'vol-inf-b' }] });
  });
});
