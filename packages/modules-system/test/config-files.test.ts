import { describe, expect, it } from 'vitest';
import { aptRepository, authorizedKey, cron, deb822Repository, mount, sysctl } from '../src/index.js';
import { normalizeSource, suggestFilename } from '../src/modules/apt-repository.js';
import { FakeTarget, runOn } from './helpers/fake-target.js';

const KEY1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0wmN/Cr3JXqmLW7u+g9pTh+wyqDHpSQEIQczXkVx9q ops@install-v3';
const KEY2 = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 old@laptop';

// Runs a module twice on the same fake (files persist): the second run must change nothing.
async function twice(target: FakeTarget, module: Parameters<typeof runOn>[1], args: Record<string, unknown>, options = {}) {
  const first = await runOn(target, module, args, options);
  const second = await runOn(target, module, args, options);
  return { first, second };
}

describe('sysctl', () => {
  it('edits the entry in place, reloads the file once, then changes nothing', async () => {
    const target = new FakeTarget([{ match: /^sysctl -p/, rc: 0 }], { '/etc/sysctl.d/99-kbrun.conf': '# tuning\nvm.swappiness = 60\n' });
    const { first, second } = await twice(target, sysctl, { name: 'vm.swappiness', value: 10, sysctl_file: '/etc/sysctl.d/99-kbrun.conf' }, { diff: true });
    expect(first).toMatchObject({ changed: true, diff: { before: '# tuning\nvm.swappiness = 60\n', after: '# tuning\nvm.swappiness=10\n' } });
    expect(second.changed).toBe(false);
    expect(target.commands.filter((c) => c.startsWith('sysctl'))).toEqual(['sysctl -p /etc/sysctl.d/99-kbrun.conf']);
  });

  it('creates the file, sets the running value with sysctl_set, and predicts it in check mode', async () => {
    const facts = [{ match: /^sysctl -n -e/, stdout: '0\n' }];
    const check = new FakeTarget(facts);
    expect(await runOn(check, sysctl, { name: 'net.ipv4.ip_forward', value: '1', sysctl_set: true, sysctl_file: '/etc/sysctl.d/ip.conf', reload: false }, { check: true })).toMatchObject({ changed: true });
    expect(check.puts).toEqual([]);
    const real = new FakeTarget(facts);
    expect(await runOn(real, sysctl, { name: 'net.ipv4.ip_forward', value: '1', sysctl_set: true, sysctl_file: '/etc/sysctl.d/ip.conf', reload: false })).toMatchObject({ changed: true });
    expect(real.commands).toContain('sysctl -w net.ipv4.ip_forward=1');
    expect(real.files.get('/etc/sysctl.d/ip.conf')?.content).toBe('net.ipv4.ip_forward=1\n');
  });

  it('compares values as Ansible does (whitespace-separated tokens)', async () => {
    const target = new FakeTarget([], { '/etc/sysctl.conf': 'net.ipv4.ip_local_port_range=1024\t65000\n' });
    expect((await runOn(target, sysctl, { name: 'net.ipv4.ip_local_port_range', value: '1024 65000' })).changed).toBe(false);
  });

  it('state=absent removes the entry', async () => {
    const target = new FakeTarget([], { '/etc/sysctl.conf': 'a=1\nvm.swappiness=10\n' });
    await runOn(target, sysctl, { name: 'vm.swappiness', state: 'absent', reload: false });
    expect(target.files.get('/etc/sysctl.conf')?.content).toBe('a=1\n');
  });
});

describe('mount', () => {
  const args = { path: '/data/lb_internal', src: 'UUID=7c1c-11', fstype: 'xfs', opts: 'defaults,noatime', state: 'mounted' };
  it('adds the fstab entry, makes the mount point and mounts; then nothing', async () => {
    let mounted = false;
    const target = new FakeTarget([{ match: /^findmnt/, rc: 1 }, { match: /^mount \/data/, effect: () => (mounted = true) }], { '/etc/fstab': '# fstab\nUUID=root / ext4 defaults 0 1\n' });
    const first = await runOn(target, mount, args);
    expect(first).toMatchObject({ changed: true, name: '/data/lb_internal', src: 'UUID=7c1c-11', fstype: 'xfs', opts: 'defaults,noatime', dump: '0', passno: '0' });
    expect(target.files.get('/etc/fstab')?.content).toBe('# fstab\nUUID=root / ext4 defaults 0 1\nUUID=7c1c-11 /data/lb_internal xfs defaults,noatime 0 0\n');
    expect(target.commands.filter((c) => /^(mkdir|mount)/.test(c))).toEqual(['mkdir -p -- /data/lb_internal', 'mount /data/lb_internal']);
    expect(mounted).toBe(true);
    const again = new FakeTarget([{ match: /^findmnt/, rc: 0 }], { '/etc/fstab': target.files.get('/etc/fstab')!.content });
    expect((await runOn(again, mount, args)).changed).toBe(false);
  });

  it('check mode reports the change and touches nothing', async () => {
    const target = new FakeTarget([{ match: /^findmnt/, rc: 1 }], { '/etc/fstab': '' });
    expect((await runOn(target, mount, args, { check: true })).changed).toBe(true);
    expect(target.puts).toEqual([]);
    expect(target.commands.filter((c) => /^(mkdir|mount)/.test(c))).toEqual([]);
  });

  it('remounts when the entry changed under a mounted path; unmounted/absent', async () => {
    const fstab = 'UUID=7c1c-11 /data/lb_internal xfs defaults 0 0\n';
    const remount = new FakeTarget([{ match: /^findmnt/, rc: 0 }], { '/etc/fstab': fstab });
    await runOn(remount, mount, args);
    expect(remount.commands).toContain('mount -o remount /data/lb_internal');
    const absent = new FakeTarget([{ match: /^findmnt/, rc: 0 }, { match: /^sh -c '\[ -d/, rc: 0 }], { '/etc/fstab': fstab });
    expect((await runOn(absent, mount, { path: '/data/lb_internal', state: 'absent' })).changed).toBe(true);
    expect(absent.commands.filter((c) => /^(umount|rmdir)/.test(c))).toEqual(['umount /data/lb_internal', 'rmdir -- /data/lb_internal']);
    expect(absent.files.get('/etc/fstab')?.content).toBe('');
  });
});

describe('apt_repository', () => {
  const repo = 'deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable';
  it('adds a source in its own file and updates the cache; then nothing', async () => {
    const target = new FakeTarget([{ match: /^sh -c 'for f in \/etc\/apt\/sources\.list/, stdout: '\u0001/etc/apt/sources.list\n' }], { '/etc/apt/sources.list': 'deb http://deb.debian.org/debian bookworm main\n' });
    const first = await runOn(target, aptRepository, { repo });
    expect(first).toMatchObject({ changed: true, sources_added: ['/etc/apt/sources.list.d/download_docker_com_linux_debian.list'] });
    expect(target.files.get('/etc/apt/sources.list.d/download_docker_com_linux_debian.list')?.content).toBe(`${repo}\n`);
    expect(target.commands).toContain('apt-get update -q');
    const listing = '\u0001/etc/apt/sources.list\n\u0001/etc/apt/sources.list.d/download_docker_com_linux_debian.list\n';
    const again = new FakeTarget([{ match: /^sh -c 'for f in/, stdout: listing }], Object.fromEntries(target.files));
    // The same source with its options in another order and other spacing is the same source.
    const reordered = 'deb  [signed-by=/etc/apt/keyrings/docker.asc arch=amd64] https://download.docker.com/linux/debian/ bookworm stable';
    expect((await runOn(again, aptRepository, { repo: reordered })).changed).toBe(false);
  });

  it('normalizes source lines and names files as Ansible does', () => {
    expect(normalizeSource('deb  [signed-by=/k arch=amd64]  https://x.org/debian/  bookworm main')).toBe('deb [arch=amd64 signed-by=/k] https://x.org/debian bookworm main');
    expect(suggestFilename('deb [signed-by=/k] https://user:pw@download.docker.com/linux/ubuntu noble stable')).toBe('download_docker_com_linux_ubuntu');
  });
});

describe('deb822_repository', () => {
  it('writes the .sources file with a key path; then nothing; absent removes it', async () => {
    const args = { name: 'docker', types: 'deb', uris: 'https://download.docker.com/linux/ubuntu', suites: ['noble'], components: ['stable'], signed_by: '/etc/apt/keyrings/docker.asc' };
    const target = new FakeTarget();
    const { first, second } = await twice(target, deb822Repository, args);
    expect(first).toMatchObject({ changed: true, dest: '/etc/apt/sources.list.d/docker.sources' });
    expect(target.files.get('/etc/apt/sources.list.d/docker.sources')?.content).toBe(
      'X-Repolib-Name: docker\nTypes: deb\nURIs: https://download.docker.com/linux/ubuntu\nSuites: noble\nComponents: stable\nSigned-By: /etc/apt/keyrings/docker.asc\n',
    );
    expect(second.changed).toBe(false);
    expect((await runOn(target, deb822Repository, { name: 'docker', state: 'absent' })).changed).toBe(true);
  });

  it('downloads a key URL on the target and installs it only when it differs', async () => {
    const facts = [
      { match: /^sh -c 'mktemp/, stdout: '/tmp/kbrun-key\n' },
      { match: /curl/, stdout: '200\n' },
      { match: /^sh -c 'grep -q/, rc: 0 },
    ];
    const fresh = new FakeTarget([...facts, { match: /^cmp/, rc: 1 }]);
    const result = await runOn(fresh, deb822Repository, { name: 'docker', uris: 'https://download.docker.com/linux/ubuntu', suites: 'noble', components: 'stable', signed_by: 'https://download.docker.com/linux/ubuntu/gpg' });
    expect(result).toMatchObject({ changed: true, key_filename: '/etc/apt/keyrings/docker.asc' });
    expect(fresh.commands.some((c) => c.includes('mv -f') && c.includes('/etc/apt/keyrings/docker.asc'))).toBe(true);
    const same = new FakeTarget([...facts, { match: /^cmp/, rc: 0 }], Object.fromEntries(fresh.files));
    expect((await runOn(same, deb822Repository, { name: 'docker', uris: 'https://download.docker.com/linux/ubuntu', suites: 'noble', components: 'stable', signed_by: 'https://download.docker.com/linux/ubuntu/gpg' })).changed).toBe(false);
  });
});

describe('authorized_key', () => {
  const passwd = { match: /^getent passwd deploy/, stdout: 'deploy:x:1001:1001::/home/deploy:/bin/bash\n' };
  it('adds a key, keeps other lines, owns the file; then nothing', async () => {
    const target = new FakeTarget([passwd], { '/home/deploy/.ssh/authorized_keys': `# keys\n${KEY2}\n` });
    const { first, second } = await twice(target, authorizedKey, { user: 'deploy', key: KEY1 }, { diff: true });
    expect(first).toMatchObject({ changed: true, keyfile: '/home/deploy/.ssh/authorized_keys' });
    expect(target.files.get('/home/deploy/.ssh/authorized_keys')?.content).toBe(`# keys\n${KEY2}\n${KEY1}\n`);
    expect(target.commands).toContain('chown 1001:1001 -- /home/deploy/.ssh/authorized_keys');
    expect(second.changed).toBe(false);
  });

  it('exclusive keeps only the given keys; key_options replace options; absent removes', async () => {
    const target = new FakeTarget([passwd], { '/home/deploy/.ssh/authorized_keys': `${KEY2}\n${KEY1}\n` });
    await runOn(target, authorizedKey, { user: 'deploy', key: KEY1, exclusive: true, key_options: 'from="10.0.0.0/16"' });
    expect(target.files.get('/home/deploy/.ssh/authorized_keys')?.content).toBe(`from="10.0.0.0/16" ${KEY1}\n`);
    await runOn(target, authorizedKey, { user: 'deploy', key: KEY1, state: 'absent' });
    expect(target.files.get('/home/deploy/.ssh/authorized_keys')?.content).toBe('');
  });
});

describe('cron', () => {
  it('adds a named job to a user crontab through crontab -, then nothing', async () => {
    let crontab = '';
    const target = new FakeTarget([
      { match: 'crontab -u root -l', rc: 1, stderr: 'no crontab for root' },
      { match: 'crontab -u root -', effect: () => undefined },
    ]);
    const args = { name: 'backup', user: 'root', minute: '0', hour: '3', job: '/usr/local/bin/backup.sh' };
    const first = await runOn(target, cron, args);
    expect(first).toMatchObject({ changed: true, jobs: ['backup'] });
    crontab = String(target.options.at(-1)?.stdin);
    expect(crontab).toBe('#Ansible: backup\n0 3 * * * /usr/local/bin/backup.sh\n');
    const again = new FakeTarget([{ match: 'crontab -u root -l', stdout: crontab }]);
    expect((await runOn(again, cron, args)).changed).toBe(false);
    expect(again.commands).toEqual(['crontab -u root -l']);
  });

  it('a cron_file entry names its user; the file goes when its last job does', async () => {
    const target = new FakeTarget();
    await runOn(target, cron, { name: 'rotate', cron_file: 'kbrun', user: 'root', special_time: 'daily', job: 'logrotate -f /etc/logrotate.conf' });
    expect(target.files.get('/etc/cron.d/kbrun')?.content).toBe('#Ansible: rotate\n@daily root logrotate -f /etc/logrotate.conf\n');
    await runOn(target, cron, { name: 'rotate', cron_file: 'kbrun', state: 'absent' });
    expect(target.files.has('/etc/cron.d/kbrun')).toBe(false);
  });

  it('manages variables with env', async () => {
    const target = new FakeTarget([{ match: 'crontab -l', stdout: '#Ansible: x\n* * * * * true\n' }]);
    await runOn(target, cron, { name: 'PATH', env: true, job: '/usr/bin:/bin' });
    expect(String(target.options.at(-1)?.stdin)).toBe('PATH=/usr/bin:/bin\n#Ansible: x\n* * * * * true\n');
  });
});
