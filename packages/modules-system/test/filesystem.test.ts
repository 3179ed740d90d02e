import { describe, expect, it } from 'vitest';
import { filesystem } from '../src/index.js';
import { FakeTarget, runOn, type Fact } from './helpers/fake-target.js';

const DEV = '/dev/disk/by-id/scsi-0HC_Volume_101';
function device(type: string, signatures = type): Fact[] {
  return [
    { match: /^sh -c '\[ -b/, rc: 0 },
    { match: /^blkid .* -s TYPE/, stdout: type ? `${type}\n` : '', rc: type ? 0 : 2 },
    { match: /^wipefs --no-act/, stdout: signatures ? `${signatures}\n` : '' },
  ];
}
const isRead = (line: string) => /^(sh -c|blkid|wipefs --no-act|blockdev|findmnt|xfs_info|dumpe2fs)/.test(line);

describe('filesystem', () => {
  it('formats a blank device, and predicts it in check mode', async () => {
    const blank = new FakeTarget(device(''));
    expect(await runOn(blank, filesystem, { dev: DEV, fstype: 'xfs' })).toMatchObject({ changed: true });
    expect(blank.mutations(isRead)).toEqual([`mkfs.xfs ${DEV}`]);
    const check = new FakeTarget(device(''));
    expect(await runOn(check, filesystem, { dev: DEV, fstype: 'xfs', opts: '-L data' }, { check: true })).toMatchObject({ changed: true, cmd: `mkfs.xfs -L data ${DEV}` });
    expect(check.mutations(isRead)).toEqual([]);
  });

  it('leaves a device that already holds that filesystem', async () => {
    const same = new FakeTarget(device('xfs'));
    expect(await runOn(same, filesystem, { dev: DEV, fstype: 'xfs' })).toMatchObject({ changed: false });
    expect(same.mutations(isRead)).toEqual([]);
  });

  it('re-creates a filesystem of the same type with force, as Ansible does (and predicts it in check mode)', async () => {
    const forced = new FakeTarget(device('xfs'));
    expect(await runOn(forced, filesystem, { dev: DEV, fstype: 'xfs', force: true })).toMatchObject({ changed: true });
    expect(forced.mutations(isRead)).toEqual([`mkfs.xfs -f ${DEV}`]);
    const check = new FakeTarget(device('xfs'));
    expect(await runOn(check, filesystem, { dev: DEV, fstype: 'xfs', force: true }, { check: true })).toMatchObject({ changed: true });
    expect(check.mutations(isRead)).toEqual([]);
  });

  it.each([
    ['another filesystem', device('ext4'), 'ext4'],
    ['a partition table (blkid sees no TYPE, wipefs does)', device('', 'gpt\nPMBR'), 'gpt, PMBR'],
  ])('never formats a device holding %s without force', async (_, facts, what) => {
    for (const check of [false, true]) {
      const used = new FakeTarget(facts);
      const result = await runOn(used, filesystem, { dev: DEV, fstype: 'xfs' }, { check });
      expect(result).toMatchObject({ failed: true, msg: `'${DEV}' is already used as ${what}, use force=true to overwrite` });
      expect(used.mutations(isRead)).toEqual([]);
    }
    const forced = new FakeTarget(facts);
    expect(await runOn(forced, filesystem, { dev: DEV, fstype: 'xfs', force: true })).toMatchObject({ changed: true });
    expect(forced.mutations(isRead)).toEqual([`mkfs.xfs -f ${DEV}`]);
  });

  it('refuses on a protected host, and fails on a missing device', async () => {
    expect(await runOn(new FakeTarget(device('')), filesystem, { dev: DEV, fstype: 'xfs' }, { host: 'install-v3', protectedHosts: ['install-v3'] })).toMatchObject({ failed: true, msg: expect.stringContaining('protected') });
    expect(await runOn(new FakeTarget([{ match: /^sh -c '\[ -b/, rc: 1 }]), filesystem, { dev: '/dev/nope', fstype: 'xfs' })).toMatchObject({ failed: true, msg: 'Device /dev/nope not found.' });
  });

  it('grows a mounted xfs only when the device is larger', async () => {
    const facts = (deviceBytes: number): Fact[] => [
      ...device('xfs'),
      { match: /^blockdev/, stdout: `${deviceBytes}\n` },
      { match: /^findmnt/, stdout: '/data/lb_internal\n' },
      { match: /^xfs_info/, stdout: 'meta-data=/dev/sdb isize=512 agcount=4, agsize=65536 blks\ndata     =                       bsize=4096   blocks=262144, imaxpct=25\n' },
    ];
    const larger = new FakeTarget(facts(2 * 1024 ** 3));
    expect(await runOn(larger, filesystem, { dev: DEV, fstype: 'xfs', resizefs: true })).toMatchObject({ changed: true });
    expect(larger.mutations(isRead)).toEqual(['xfs_growfs /data/lb_internal']);
    const same = new FakeTarget(facts(1024 ** 3));
    expect(await runOn(same, filesystem, { dev: DEV, fstype: 'xfs', resizefs: true })).toMatchObject({ changed: false });
  });

  it('state=absent wipes signatures only when there are some', async () => {
    const used = new FakeTarget(device('xfs'));
    expect(await runOn(used, filesystem, { dev: DEV, state: 'absent' })).toMatchObject({ changed: true });
    expect(used.mutations(isRead)).toEqual([`wipefs --all -- ${DEV}`]);
    expect(await runOn(new FakeTarget(device('')), filesystem, { dev: DEV, state: 'absent' })).toMatchObject({ changed: false });
  });
});
