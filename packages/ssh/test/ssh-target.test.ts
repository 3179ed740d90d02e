import { describe, expect, it } from 'vitest';
import { parseSshArgs } from '../src/ssh-args.js';
import { defaultSshDefaults, parseJumpHosts, resolveSshTarget } from '../src/ssh-target.js';

const defaults = { ...defaultSshDefaults(), homeDirectory: '/home/me', user: 'me', agentSocket: undefined };

describe('ssh arguments', () => {
  it('reads the options kbrun honours, first value winning as in ssh(1)', () => {
    const args = parseSshArgs(
      `-o ProxyJump=admin@10.0.0.1:2222 -o 'StrictHostKeyChecking accept-new' -oUserKnownHostsFile=~/kh -o ConnectTimeout=7 -i ~/.ssh/a -p2200 -q -C -o ControlMaster=auto`,
      '-o StrictHostKeyChecking=no -p 9999 -i /b -J other',
    );
    expect(args).toEqual({
      proxyJump: 'admin@10.0.0.1:2222',
      strictHostKeyChecking: 'accept-new',
      userKnownHostsFiles: ['~/kh'],
      connectTimeoutMs: 7000,
      identityFiles: ['~/.ssh/a', '/b'],
      port: 2200,
    });
  });

  it('understands -J, ProxyJump=none and the ssh -W form of ProxyCommand', () => {
    expect(parseSshArgs('-J a@b:1,c').proxyJump).toBe('a@b:1,c');
    expect(parseSshArgs('-o ProxyJump=none').proxyJump).toBe('');
    expect(parseSshArgs(`-o ProxyCommand="ssh -W %h:%p -q -p 2222 ops@bastion"`).proxyJump).toBe('ops@bastion:2222');
    expect(() => parseSshArgs(`-o ProxyCommand="nc -x proxy %h %p"`)).toThrow(/ProxyCommand .* is not supported: use -o ProxyJump/);
    expect(() => parseSshArgs('-o StrictHostKeyChecking=maybe')).toThrow(/yes, no or accept-new/);
  });

  it('parses jump host lists', () => {
    expect(parseJumpHosts('ops@10.0.0.1:2222,10.0.0.2,ssh://x@[::1]:22', 'root')).toEqual([
      { host: '10.0.0.1', port: 2222, user: 'ops' },
      { host: '10.0.0.2', port: 22, user: 'root' },
      { host: '::1', port: 22, user: 'x' },
    ]);
    expect(() => parseJumpHosts('a@b:c', 'root')).toThrow(/not of the form/);
  });
});

describe('host settings from Ansible variables', () => {
  it('uses the inventory name, port 22, the default user and ~/.ssh without variables', () => {
    const target = resolveSshTarget('web1', {}, defaults);
    expect(target.endpoint).toEqual({ host: 'web1', port: 22, user: 'me' });
    expect(target.jumps).toEqual([]);
    expect(target.keyFiles).toEqual([]);
    expect(target.defaultKeyFiles).toEqual(['/home/me/.ssh/id_ed25519', '/home/me/.ssh/id_ecdsa', '/home/me/.ssh/id_rsa']);
    expect(target.knownHosts).toEqual({ read: ['/home/me/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts'], writeFile: '/home/me/.ssh/known_hosts' });
    expect(target.hostKeyPolicy).toBe('strict');
    expect(target.maxSessions).toBe(10);
  });

  it('lets variables win over ssh arguments, which win over the defaults', () => {
    const target = resolveSshTarget(
      'web1',
      {
        ansible_host: '127.0.0.21',
        ansible_port: '2222',
        ansible_user: 'deploy',
        ansible_ssh_private_key_file: '~/.ssh/deploy',
        ansible_ssh_private_key_passphrase: 'pp',
        ansible_password: 'pw',
        ansible_ssh_common_args: '-p 1 -l nobody -J 127.0.0.10:22022 -o UserKnownHostsFile=/kh -o StrictHostKeyChecking=no -i /extra',
        ansible_timeout: 3,
        kbrun_ssh_max_sessions: 50,
      },
      { ...defaults, knownHostsFile: '/factory_kh' },
    );
    expect(target.endpoint).toEqual({ host: '127.0.0.21', port: 2222, user: 'deploy' });
    expect(target.jumps).toEqual([{ host: '127.0.0.10', port: 22022, user: 'deploy' }]);
    expect(target.keyFiles).toEqual(['/home/me/.ssh/deploy', '/extra']);
    expect(target.passphrase).toBe('pp');
    expect(target.password).toBe('pw');
    expect(target.knownHosts).toEqual({ read: ['/kh', '/etc/ssh/ssh_known_hosts'], writeFile: '/kh' });
    expect(target.hostKeyPolicy).toBe('off');
    expect(target.connectTimeoutMs).toBe(3000);
    expect(target.maxSessions).toBe(50);
  });

  it('reads the factory known_hosts file first and the host key checking variable', () => {
    const target = resolveSshTarget('h', { ansible_host_key_checking: false }, { ...defaults, knownHostsFile: '/factory_kh' });
    expect(target.knownHosts.read).toEqual(['/factory_kh', '/home/me/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts']);
    expect(target.knownHosts.writeFile).toBe('/factory_kh');
    expect(target.hostKeyPolicy).toBe('off');
  });

  it('names the variable when a value is unusable', () => {
    expect(() => resolveSshTarget('h', { ansible_port: 'ssh' }, defaults)).toThrow(/ansible_port must be an integer from 1 to 65535, got 'ssh'/);
    expect(() => resolveSshTarget('h', { kbrun_ssh_max_sessions: 0 }, defaults)).toThrow(/kbrun_ssh_max_sessions/);
    expect(() => resolveSshTarget('h', { ansible_password: { nested: 'secret-value' } }, defaults)).toThrow(/ansible_password must be a string, got object/);
  });
});
