import { describe, expect, it } from 'vitest';
import { group, hostname, service, systemdService, timezone, user } from '../src/index.js';
import { FakeTarget, runOn, type Fact } from './helpers/fake-target.js';

function unit(active: string, enabled: string, load = 'loaded'): Fact[] {
  return [
    { match: /^systemctl show/, stdout: `Id=docker.service\nLoadState=${load}\nActiveState=${active}\nSubState=running\n` },
    { match: /^systemctl is-enabled/, stdout: `${enabled}\n`, rc: enabled === 'enabled' || enabled === 'static' ? 0 : 1 },
  ];
}
const isRead = (line: string) => /^(systemctl (show|is-enabled)|sh -c|getent|hostname$|timedatectl show|readlink)/.test(line);

describe('systemd_service and service', () => {
  it.each([
    { title: 'starts and enables a stopped, disabled unit', args: { name: 'docker', state: 'started', enabled: true }, facts: unit('inactive', 'disabled'), commands: ['systemctl enable -- docker', 'systemctl start -- docker'] },
    { title: 'leaves a running, enabled unit', args: { name: 'docker', state: 'started', enabled: true }, facts: unit('active', 'enabled'), commands: [] },
    { title: 'stops a running unit', args: { name: 'docker', state: 'stopped' }, facts: unit('active', 'enabled'), commands: ['systemctl stop -- docker'] },
    { title: 'restarted always restarts', args: { name: 'docker', state: 'restarted' }, facts: unit('active', 'enabled'), commands: ['systemctl restart -- docker'] },
    { title: 'reloaded starts a stopped unit', args: { name: 'ssh', state: 'reloaded' }, facts: unit('inactive', 'enabled'), commands: ['systemctl start -- ssh'] },
    { title: 'masks', args: { name: 'apt-daily.timer', masked: true }, facts: unit('inactive', 'enabled'), commands: ['systemctl mask -- apt-daily.timer'] },
  ])('$title (check mode predicts it)', async ({ args, facts, commands }) => {
    const real = new FakeTarget(facts);
    const result = await runOn(real, systemdService, args);
    expect(result.failed).toBeUndefined();
    expect(real.mutations(isRead)).toEqual(commands);
    expect(result.changed).toBe(commands.length > 0);
    const check = new FakeTarget(facts);
    expect((await runOn(check, systemdService, args, { check: true })).changed).toBe(commands.length > 0);
    expect(check.mutations(isRead)).toEqual([]);
  });

  it('daemon_reload runs first and is not a change by itself', async () => {
    const target = new FakeTarget(unit('active', 'enabled'));
    expect((await runOn(target, systemdService, { name: 'docker', daemon_reload: true, state: 'started' })).changed).toBe(false);
    expect(target.commands[0]).toBe('systemctl daemon-reload');
  });

  it('an unknown unit fails, except in check mode (an earlier task may install it)', async () => {
    const missing = unit('inactive', '', 'not-found');
    expect(await runOn(new FakeTarget(missing), systemdService, { name: 'nope', state: 'started' })).toMatchObject({ failed: true, msg: 'Could not find the requested service nope: host' });
    expect(await runOn(new FakeTarget(missing), systemdService, { name: 'nope', state: 'started' }, { check: true })).toMatchObject({ changed: true });
  });

  it('service goes through systemd', async () => {
    const target = new FakeTarget([{ match: /run\/systemd\/system/, rc: 0 }, ...unit('inactive', 'disabled')]);
    expect(await runOn(target, service, { name: 'docker', state: 'started' })).toMatchObject({ changed: true, state: 'started' });
    expect(target.commands.at(-1)).toBe('systemctl start -- docker');
  });
});

describe('user and group', () => {
  it('creates a group, and changes only a differing gid', async () => {
    const none = new FakeTarget([{ match: /^getent group/, rc: 2 }]);
    expect((await runOn(none, group, { name: 'keybuzz', gid: 2000, system: true })).changed).toBe(true);
    expect(none.commands).toContain('groupadd -g 2000 -r keybuzz');
    const same = new FakeTarget([{ match: /^getent group/, stdout: 'keybuzz:x:2000:\n' }]);
    expect((await runOn(same, group, { name: 'keybuzz', gid: 2000 })).changed).toBe(false);
  });

  const passwd: Fact = { match: /^getent passwd deploy/, stdout: 'deploy:x:1001:1001:Deploy:/home/deploy:/bin/bash\n' };
  const shadow: Fact = { match: /^getent shadow deploy/, stdout: 'deploy:$6$abc:19000:0:99999:7:::\n' };
  const groups: Fact = { match: 'getent group', stdout: 'deploy:x:1001:\ndocker:x:999:deploy\nsudo:x:27:\n' };
  const exists: Fact = { match: /^getent group (docker|sudo|deploy)$/, stdout: 'x:x:1:\n' };

  it('creates a user with groups, shell and home', async () => {
    const target = new FakeTarget([{ match: /^getent passwd/, rc: 2 }, exists]);
    expect((await runOn(target, user, { name: 'deploy', shell: '/bin/bash', groups: ['docker', 'sudo'], comment: 'Deploy' })).changed).toBe(true);
    expect(target.commands).toContain('useradd -G docker,sudo -c Deploy -s /bin/bash -m deploy');
  });

  it('appends missing groups only; is idempotent; keeps passwords out of messages', async () => {
    const target = new FakeTarget([exists, passwd, shadow, groups]);
    expect((await runOn(target, user, { name: 'deploy', groups: 'docker', append: true, shell: '/bin/bash' })).changed).toBe(false);
    const add = new FakeTarget([exists, passwd, shadow, groups]);
    await runOn(add, user, { name: 'deploy', groups: ['sudo'], append: true });
    expect(add.commands).toContain('usermod -a -G sudo deploy');
    const replace = new FakeTarget([exists, passwd, shadow, groups]);
    await runOn(replace, user, { name: 'deploy', groups: ['sudo'] });
    expect(replace.commands).toContain('usermod -G sudo deploy');
    const password = new FakeTarget([exists, passwd, shadow, groups, { match: /^usermod/, rc: 1, stderr: 'usermod: failure' }]);
    const failed = await runOn(password, user, { name: 'deploy', password: '$6$new' });
    expect(failed.failed).toBe(true);
    expect(String(failed.msg)).not.toContain('$6$new');
    expect(await runOn(new FakeTarget([exists, passwd, shadow, groups]), user, { name: 'deploy', password: '$6$abc' })).toMatchObject({ changed: false, password: 'NOT_LOGGING_PASSWORD' });
  });

  it('removes a user with its home', async () => {
    const target = new FakeTarget([passwd, shadow, groups]);
    expect((await runOn(target, user, { name: 'deploy', state: 'absent', remove: true })).changed).toBe(true);
    expect(target.commands.at(-1)).toBe('userdel -r deploy');
  });
});

describe('hostname and timezone', () => {
  it('sets the host name through hostnamectl, or the files; returns the facts', async () => {
    const target = new FakeTarget([{ match: 'hostname', stdout: 'debian\n' }, { match: /hostnamectl >\/dev\/null/, rc: 0 }], { '/etc/hostname': 'debian\n' });
    const result = await runOn(target, hostname, { name: 'haproxy-01' });
    expect(result).toMatchObject({ changed: true, ansible_facts: { ansible_hostname: 'haproxy-01' } });
    expect(target.commands.at(-1)).toBe('hostnamectl set-hostname --static --transient haproxy-01');
    const done = new FakeTarget([{ match: 'hostname', stdout: 'haproxy-01\n' }], { '/etc/hostname': 'haproxy-01\n' });
    expect((await runOn(done, hostname, { name: 'haproxy-01' })).changed).toBe(false);
  });

  it('sets the time zone with timedatectl, or the /etc/localtime link without it', async () => {
    const systemd = new FakeTarget([{ match: /^timedatectl show/, stdout: 'Timezone=Etc/UTC\nLocalRTC=no\n' }]);
    expect((await runOn(systemd, timezone, { name: 'Europe/Paris' })).changed).toBe(true);
    expect(systemd.commands.at(-1)).toBe('timedatectl set-timezone Europe/Paris');
    const same = new FakeTarget([{ match: /^timedatectl show/, stdout: 'Timezone=Europe/Paris\nLocalRTC=no\n' }]);
    expect((await runOn(same, timezone, { name: 'Europe/Paris', hwclock: 'UTC' })).changed).toBe(false);
    const files = new FakeTarget([{ match: /^timedatectl show/, rc: 1 }, { match: /^readlink/, stdout: '/usr/share/zoneinfo/Etc/UTC\n' }]);
    expect((await runOn(files, timezone, { name: 'Europe/Paris' })).changed).toBe(true);
    expect(files.commands.at(-1)).toMatch(/^sh -c 'ln -sfn/);
  });
});
