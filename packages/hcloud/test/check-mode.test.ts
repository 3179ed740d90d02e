import type { AnyModule } from '@kbrun/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hcloudModules } from '../src/index.js';
import { runModule } from './helpers/context.js';
import { useFake } from './helpers/setup.js';

const { fake, api } = useFake();

beforeAll(() => {
  const web = fake.addServer({ name: 'chk-web' });
  fake.addServer({ name: 'chk-off', status: 'off' });
  fake.addVolume({ name: 'chk-vol', server: web['id'] });
  fake.addVolume({ name: 'chk-free' });
  fake.addNetwork({ name: 'chk-net' });
});

/** Every module with arguments that would change the cloud, and what check mode must say it would do. */
const CASES: [string, Record<string, unknown>, RegExp][] = [
  ['hcloud_server', { name: 'chk-new', server_type: 'cx22', image: 'debian-12', location: 'nbg1' }, /^would: create server chk-new \(cx22, debian-12, nbg1\)$/],
  ['hcloud_server', { name: 'chk-web', state: 'rebuild', image: 'debian-12' }, /^would: rebuild server chk-web from debian-12$/],
  ['hcloud_server', { name: 'chk-web', state: 'stopped' }, /^would: power off server chk-web$/],
  ['hcloud_server', { name: 'chk-off', state: 'started', labels: { new: 'label' } }, /^would: set labels of server chk-off; power on server chk-off$/],
  ['hcloud_server', { name: 'chk-web', state: 'absent' }, /^would: delete server chk-web$/],
  ['hcloud_volume', { name: 'chk-new-vol', size: 10, location: 'nbg1' }, /^would: create volume chk-new-vol/],
  ['hcloud_volume', { name: 'chk-vol', state: 'absent' }, /^would: detach volume chk-vol from server chk-web; delete volume chk-vol$/],
  ['hcloud_volume', { name: 'chk-free', size: 50, server: 'chk-web' }, /^would: grow volume chk-free from 10 to 50 GB; attach volume chk-free to server chk-web$/],
  ['hcloud_volume_attachment', { volume: 'chk-vol', state: 'absent' }, /^would: detach volume chk-vol/],
  ['hcloud_network', { name: 'chk-net2', ip_range: '10.9.0.0/16' }, /^would: create network/],
  ['hcloud_network', { name: 'chk-net', state: 'absent' }, /^would: delete network chk-net$/],
  ['hcloud_subnetwork', { network: 'chk-net', network_zone: 'eu-central', type: 'cloud', ip_range: '10.0.1.0/24' }, /^would: add subnet/],
  ['hcloud_firewall', { name: 'chk-fw', rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0'] }] }, /^would: create firewall chk-fw with 1 rule/],
  ['hcloud_ssh_key', { name: 'chk-key', public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0wmN/Cr3JXqmLW7u+g9pTh+wyqDHpSQEIQczXkVx9q a@b' }, /^would: create SSH key chk-key$/],
  ['hcloud_load_balancer', { name: 'chk-lb', load_balancer_type: 'lb11', location: 'nbg1' }, /^would: create load balancer chk-lb/],
];

describe('check mode sends only GET requests', () => {
  it.each(CASES)('%s %j', async (name, args, message) => {
    fake.clearLog();
    const module = hcloudModules[name] as AnyModule;
    const result = await runModule(module, { ...api(), ...args }, { check: true });
    expect(result.failed).toBeUndefined();
    expect(result.changed).toBe(true);
    expect(result.msg).toMatch(message);
    // It read the cloud: a GET, or this run's read of a moment ago (the previous case read the same resources).
    expect(result.logs.some((line) => line.startsWith('GET /'))).toBe(true);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('reports no change in check mode when there is nothing to do', async () => {
    fake.clearLog();
    const result = await runModule(hcloudModules['hcloud_server']!, { ...api(), name: 'chk-web', state: 'started' }, { check: true });
    expect(result).toMatchObject({ changed: false, hcloud_server: { name: 'chk-web' } });
  });

  it('fails in check mode where the real run would (unknown server type)', async () => {
    const result = await runModule(hcloudModules['hcloud_server']!, { ...api(), name: 'chk-bad', server_type: 'cx999', image: 'debian-12' }, { check: true });
    expect(result).toMatchObject({ failed: true, msg: 'server type "cx999" not found' });
  });

  it('every module supports check mode and has a strict schema with connection arguments', () => {
    for (const [key, module] of Object.entries(hcloudModules)) {
      expect(module.name).toBe(key);
      expect(module.check).toBe('full');
      expect(module.schema.additionalProperties).toBe(false);
      for (const arg of ['api_token', 'api_endpoint', 'endpoint']) expect(module.schema.properties[arg]).toBeDefined();
      for (const property of Object.values(module.schema.properties)) expect(typeof property['description']).toBe('string');
    }
    expect(Object.entries(hcloudModules).filter(([, m]) => m.destructive).map(([k]) => k).sort()).toEqual(
      ['hcloud_firewall', 'hcloud_load_balancer', 'hcloud_load_balancer_service', 'hcloud_load_balancer_target', 'hcloud_network', 'hcloud_server', 'hcloud_subnetwork', 'hcloud_volume', 'hcloud_volume_attachment'],
    );
  });
});
