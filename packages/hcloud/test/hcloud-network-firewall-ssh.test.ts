import { beforeEach, describe, expect, it } from 'vitest';
import { hcloudFirewall, hcloudNetwork, hcloudSshKey, hcloudSubnetwork } from '../src/index.js';
import { publicKeyFingerprint } from '../src/modules/hcloud-ssh-key.js';
import { runModule } from './helpers/context.js';
import { useFake } from './helpers/setup.js';

const { fake, api } = useFake();
beforeEach(() => fake.clearLog());

const KEY_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0wmN/Cr3JXqmLW7u+g9pTh+wyqDHpSQEIQczXkVx9q ada@example';
const KEY_B = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bob@example';

describe('hcloud_network and hcloud_subnetwork', () => {
  it('creates a network, changes its range and labels, deletes it; all idempotent', async () => {
    const created = await runModule(hcloudNetwork, { ...api(), name: 'fleet', ip_range: '10.0.0.0/16', labels: { env: 'v3' } });
    expect(created).toMatchObject({ changed: true, hcloud_network: { name: 'fleet', ip_range: '10.0.0.0/16', labels: { env: 'v3' }, delete_protection: false, expose_routes_to_vswitch: false } });
    expect((await runModule(hcloudNetwork, { ...api(), name: 'fleet', ip_range: '10.0.0.0/16', labels: { env: 'v3' } })).changed).toBe(false);
    expect(await runModule(hcloudNetwork, { ...api(), name: 'fleet', ip_range: '10.0.0.0/8', delete_protection: true })).toMatchObject({ changed: true, hcloud_network: { ip_range: '10.0.0.0/8', delete_protection: true } });
    expect(await runModule(hcloudNetwork, { ...api(), name: 'fleet', state: 'absent' })).toMatchObject({ changed: true, hcloud_network: null });
    expect((await runModule(hcloudNetwork, { ...api(), name: 'fleet', state: 'absent' })).changed).toBe(false);
  });

  it('adds and deletes a subnet by ip_range', async () => {
    fake.addNetwork({ name: 'subnets', ip_range: '10.1.0.0/16' });
    const args = { ...api(), network: 'subnets', network_zone: 'eu-central', type: 'cloud', ip_range: '10.1.1.0/24' };
    expect(await runModule(hcloudSubnetwork, args)).toMatchObject({ changed: true, hcloud_subnetwork: { network: 'subnets', ip_range: '10.1.1.0/24', type: 'cloud', network_zone: 'eu-central', gateway: '10.0.0.1', vswitch_id: null } });
    expect((await runModule(hcloudSubnetwork, args)).changed).toBe(false);
    expect(await runModule(hcloudSubnetwork, { ...args, state: 'absent' })).toMatchObject({ changed: true, hcloud_subnetwork: null });
    expect((await runModule(hcloudSubnetwork, { ...args, state: 'absent' })).changed).toBe(false);
    expect(await runModule(hcloudSubnetwork, { ...args, network: 'no-such-net' })).toMatchObject({ failed: true, failure: { code: 'not_found' } });
  });
});

describe('hcloud_firewall', () => {
  const rules = [
    { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0', '::/0'], description: 'ssh' },
    { direction: 'in', protocol: 'icmp', source_ips: ['10.0.0.1'] },
  ];

  it('creates with rules, compares rules with IPs in canonical form, replaces them when they differ', async () => {
    const created = await runModule(hcloudFirewall, { ...api(), name: 'fw-web', rules, labels: { a: 'b' } });
    expect(created).toMatchObject({ changed: true, hcloud_firewall: { name: 'fw-web', labels: { a: 'b' }, applied_to: [] } });
    expect((created['hcloud_firewall'] as { rules: unknown[] }).rules).toEqual([
      { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0', '::/0'], destination_ips: [], description: 'ssh' },
      { direction: 'in', protocol: 'icmp', port: null, source_ips: ['10.0.0.1/32'], destination_ips: [], description: null },
    ]);
    fake.clearLog();
    expect((await runModule(hcloudFirewall, { ...api(), name: 'fw-web', rules, labels: { a: 'b' } })).changed).toBe(false);
    expect(fake.writes()).toEqual([]);
    const changed = await runModule(hcloudFirewall, { ...api(), name: 'fw-web', rules: [rules[0]] });
    expect(changed.changed).toBe(true);
    expect(fake.writes().map((r) => r.path)).toEqual([expect.stringMatching(/\/actions\/set_rules$/)]);
  });

  it('deletes, removing it from its servers first with force=true', async () => {
    const server = fake.addServer({ name: 'fw-target' });
    await runModule(hcloudFirewall, { ...api(), name: 'fw-del' });
    const firewall = [...fake.firewalls.values()].find((f) => f['name'] === 'fw-del')!;
    firewall['applied_to'].push({ type: 'server', server: { id: server['id'] } });
    const refused = await runModule(hcloudFirewall, { ...api(), name: 'fw-del', state: 'absent' });
    expect(refused).toMatchObject({ failed: true, changed: false, failure: { code: 'resource_in_use' } });
    const forced = await runModule(hcloudFirewall, { ...api(), name: 'fw-del', state: 'absent', force: true });
    expect(forced).toMatchObject({ changed: true, hcloud_firewall: null });
    expect((await runModule(hcloudFirewall, { ...api(), name: 'fw-del', state: 'absent' })).changed).toBe(false);
  });
});

describe('hcloud_ssh_key', () => {
  it('computes the MD5 fingerprint the API uses', () => {
    expect(publicKeyFingerprint(KEY_A)).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(publicKeyFingerprint('not a key')).toBeUndefined();
  });

  it('creates, relabels, keeps a different key without force, replaces it with force, deletes', async () => {
    const created = await runModule(hcloudSshKey, { ...api(), name: 'ada', public_key: KEY_A });
    expect(created).toMatchObject({ changed: true, hcloud_ssh_key: { name: 'ada', public_key: KEY_A, fingerprint: publicKeyFingerprint(KEY_A), labels: {} } });
    expect((await runModule(hcloudSshKey, { ...api(), name: 'ada', public_key: KEY_A })).changed).toBe(false);
    expect(await runModule(hcloudSshKey, { ...api(), name: 'ada', labels: { team: 'ops' } })).toMatchObject({ changed: true, hcloud_ssh_key: { labels: { team: 'ops' } } });
    const different = await runModule(hcloudSshKey, { ...api(), name: 'ada', public_key: KEY_B });
    expect(different).toMatchObject({ changed: false, warnings: [expect.stringContaining('force=true')] });
    const replaced = await runModule(hcloudSshKey, { ...api(), name: 'ada', public_key: KEY_B, force: true });
    expect(replaced).toMatchObject({ changed: true, hcloud_ssh_key: { fingerprint: publicKeyFingerprint(KEY_B) } });
    expect(await runModule(hcloudSshKey, { ...api(), fingerprint: publicKeyFingerprint(KEY_B), state: 'absent' })).toMatchObject({ changed: true, hcloud_ssh_key: null });
    expect((await runModule(hcloudSshKey, { ...api(), name: 'ada', state: 'absent' })).changed).toBe(false);
  });

  it('surfaces uniqueness and input errors', async () => {
    expect(await runModule(hcloudSshKey, { ...api(), name: 'bad', public_key: 'garbage' })).toMatchObject({ failed: true, failure: { code: 'invalid_input' } });
    expect(await runModule(hcloudSshKey, { ...api(), name: 'nokey' })).toMatchObject({ failed: true, msg: 'missing required arguments to create an SSH key: public_key' });
  });
});
