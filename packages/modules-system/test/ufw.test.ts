import { describe, expect, it } from 'vitest';
import { ufw } from '../src/index.js';
import { addressCovers, parseSshConnection, parseTuples, portCovers, tupleAllowsSsh } from '../src/lib/ufw-rules.js';
import { FakeTarget, runOn, type Fact } from './helpers/fake-target.js';

const ACTIVE = 'Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), deny (routed)\n';
const INACTIVE = 'Status: inactive\n';
const SSH22 = '### tuple ### allow tcp 22 0.0.0.0/0 any 10.0.0.0/16 in\n';
const DEFAULTS_DENY = 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\nDEFAULT_FORWARD_POLICY="DROP"\n';
const DEFAULTS_ALLOW = DEFAULTS_DENY.replace('"DROP"', '"ACCEPT"');

function target(options: { status: string; tuples?: string; defaults?: string; ssh?: string; dryRun?: string; loglevel?: string; extra?: Fact[] }): FakeTarget {
  const facts: Fact[] = [
    ...(options.extra ?? []),
    { match: 'ufw status verbose', stdout: options.status },
    { match: /^sh -c 'for f in \/etc\/ufw/, stdout: options.tuples ?? '' },
    { match: /SSH_CONNECTION/, stdout: options.ssh ?? '10.0.0.251 51234 10.0.0.11 22\n' },
    { match: /^ufw --dry-run /, stdout: options.dryRun ?? '' },
  ];
  return new FakeTarget(facts, { '/etc/default/ufw': options.defaults ?? DEFAULTS_DENY, '/etc/ufw/ufw.conf': `ENABLED=no\nLOGLEVEL=${options.loglevel ?? 'low'}\n` });
}
const isRead = (line: string) => /^(ufw status|ufw --dry-run|sh -c)/.test(line);

describe('ufw', () => {
  it.each([
    { title: 'enables an inactive firewall that allows SSH', args: { state: 'enabled' }, t: { status: INACTIVE, tuples: SSH22 }, commands: ['ufw --force enable'] },
    { title: 'leaves an active firewall alone', args: { state: 'enabled' }, t: { status: ACTIVE, tuples: SSH22 }, commands: [] },
    { title: 'sets a default policy only when it differs', args: { default: 'deny', direction: 'incoming' }, t: { status: INACTIVE, defaults: DEFAULTS_ALLOW, tuples: SSH22 }, commands: ['ufw default deny incoming'] },
    { title: 'keeps a default policy that is already right', args: { policy: 'deny' }, t: { status: INACTIVE, tuples: SSH22 }, commands: [] },
    { title: 'logging on when it is off', args: { logging: 'on' }, t: { status: INACTIVE, loglevel: 'off' }, commands: ['ufw logging on'] },
    { title: 'logging low when already low', args: { logging: 'low' }, t: { status: INACTIVE }, commands: [] },
    {
      title: 'adds a rule ufw would store',
      args: { rule: 'allow', port: '5432', proto: 'tcp', from_ip: '10.0.0.0/16', comment: 'postgres' },
      t: { status: INACTIVE, tuples: SSH22, dryRun: `*filter\n${SSH22}### tuple ### allow tcp 5432 0.0.0.0/0 any 10.0.0.0/16 in comment=706f737467726573\nRule added\n` },
      commands: ['ufw allow from 10.0.0.0/16 to any port 5432 proto tcp comment postgres'],
    },
    {
      title: 'skips a rule ufw already has',
      args: { rule: 'allow', port: 22, proto: 'tcp', src: '10.0.0.0/16' },
      t: { status: INACTIVE, tuples: SSH22, dryRun: 'Skipping adding existing rule\n' },
      commands: [],
    },
    {
      title: 'deletes an existing rule',
      args: { rule: 'allow', port: '8080', delete: true },
      t: { status: INACTIVE, tuples: `${SSH22}### tuple ### allow any 8080 0.0.0.0/0 any 0.0.0.0/0 in\n`, dryRun: `*filter\n${SSH22}` },
      commands: ['ufw delete allow from any to any port 8080'],
    },
    {
      title: 'adds the SSH rule before enabling, in one task',
      args: { state: 'enabled', policy: 'deny', rule: 'limit', port: '22', proto: 'tcp' },
      t: { status: INACTIVE, defaults: DEFAULTS_ALLOW, dryRun: '*filter\n### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\nRule added\n' },
      commands: ['ufw limit from any to any port 22 proto tcp', 'ufw default deny incoming', 'ufw --force enable'],
    },
  ])('$title', async ({ args, t, commands }) => {
    const real = target(t);
    const result = await runOn(real, ufw, args);
    expect(result.failed).toBeUndefined();
    expect(real.mutations(isRead)).toEqual(commands);
    const check = target(t);
    const predicted = await runOn(check, ufw, args, { check: true });
    expect(check.mutations(isRead)).toEqual([]);
    expect(predicted.changed).toBe(commands.length > 0);
    expect(predicted['commands']).toEqual(commands);
  });

  it.each([
    { title: 'enabling with no SSH rule', args: { state: 'enabled' }, t: { status: INACTIVE } },
    { title: 'enabling when the SSH rule does not cover kbrun\'s address', args: { state: 'enabled' }, t: { status: INACTIVE, tuples: SSH22, ssh: '192.168.1.5 40000 10.0.0.11 22\n' } },
    { title: 'enabling when SSH listens on another port', args: { state: 'enabled' }, t: { status: INACTIVE, tuples: SSH22, ssh: '10.0.0.251 40000 10.0.0.11 2222\n' } },
    { title: 'default deny on an active firewall without an SSH rule', args: { default: 'deny' }, t: { status: ACTIVE.replace('deny (incoming)', 'allow (incoming)'), defaults: DEFAULTS_ALLOW } },
    { title: 'deleting the SSH rule of an active firewall', args: { rule: 'allow', port: 22, proto: 'tcp', from_ip: '10.0.0.0/16', delete: true }, t: { status: ACTIVE, tuples: SSH22, dryRun: '*filter\n' } },
  ])('refuses a lock-out: $title (and in check mode)', async ({ args, t }) => {
    for (const check of [false, true]) {
      const host = target(t);
      const result = await runOn(host, ufw, args, { check });
      expect(result).toMatchObject({ failed: true, changed: false });
      expect(String(result.msg)).toMatch(/no rule allowing SSH \(port \d+\/tcp/);
      expect(String(result.msg)).toContain('rule: allow');
      expect(host.mutations(isRead)).toEqual([]);
    }
  });

  it('under sudo, finds SSH_CONNECTION in an ancestor; without it, uses ansible_port', async () => {
    const host = target({ status: INACTIVE, tuples: '### tuple ### allow tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in\n', ssh: '' });
    expect(await runOn(host, ufw, { state: 'enabled' }, { vars: { ansible_port: 2222 } })).toMatchObject({ changed: true });
    expect(await runOn(target({ status: INACTIVE, ssh: '', tuples: SSH22 }), ufw, { state: 'enabled' })).toMatchObject({ failed: true });
  });

  it('in check mode on a fresh host without ufw, predicts a change instead of failing', async () => {
    const fresh = new FakeTarget([{ match: 'ufw status verbose', rc: 127, stderr: 'sh: 1: ufw: not found' }]);
    expect(await runOn(fresh, ufw, { state: 'enabled' }, { check: true })).toMatchObject({ changed: true });
    expect(await runOn(fresh, ufw, { state: 'enabled' })).toMatchObject({ failed: true, msg: expect.stringContaining('ufw is not installed') });
  });

  it('reads tuples, ports, networks and SSH_CONNECTION', () => {
    const [rule] = parseTuples('### tuple ### allow_log tcp 22,80,1000:2000 0.0.0.0/0 any 10.0.0.0/16 OpenSSH - in comment=6869\n');
    expect(rule).toMatchObject({ action: 'allow', proto: 'tcp', src: '10.0.0.0/16', direction: 'in', v6: false });
    expect(portCovers('22,80,1000:2000', 1500)).toBe(true);
    expect(portCovers('22,80', 443)).toBe(false);
    expect(addressCovers('10.0.0.0/16', '10.0.3.7')).toBe(true);
    expect(addressCovers('10.0.0.0/16', '10.1.0.1')).toBe(false);
    expect(parseSshConnection('::ffff:10.0.0.251 5000 ::ffff:10.0.0.11 22')).toEqual({ clientIp: '10.0.0.251', serverIp: '10.0.0.11', port: 22 });
    expect(tupleAllowsSsh(rule!, { clientIp: '10.0.0.251', port: 22 })).toBe(true);
    expect(tupleAllowsSsh({ ...rule!, direction: 'in_eth1' }, { clientIp: '10.0.0.251', port: 22 })).toBe(false);
  });
});
