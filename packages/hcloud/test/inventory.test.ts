import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hcloudInventory, keyedGroupNames, loadHcloudInventory } from '../src/index.js';
import { TOKEN, useFake } from './helpers/setup.js';

const { fake, api } = useFake();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kbrun-hcloud-inv-'));
  const net = fake.addNetwork({ name: 'v3-private' });
  fake.addServer({ name: 'pg-01', location: 'nbg1', labels: { role: 'postgres', env: 'v3' }, private_net: [{ network: net['id'], ip: '10.0.0.11', alias_ips: [], mac_address: 'x' }] });
  fake.addServer({ name: 'redis-01', location: 'hel1', server_type: 'cx32', labels: { role: 'redis', env: 'v3' }, status: 'off' });
  fake.addServer({ name: 'install-01', location: 'nbg1', image: 'ubuntu-24.04', labels: { role: 'bastion' } });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('hcloud inventory', () => {
  it('builds hosts with the plugin host variables and the hcloud group', async () => {
    const { api_token, api_endpoint } = api();
    const data = await hcloudInventory({ api_token, api_endpoint, network: 'v3-private' });
    // `network` filters: only servers attached to it.
    expect(data.groups['hcloud']!.hosts).toEqual(['pg-01']);
    const pg = data.hosts['pg-01']!;
    expect(pg).toMatchObject({
      ansible_host: expect.stringMatching(/^203\.0\.113\./),
      hcloud_name: 'pg-01',
      hcloud_status: 'running',
      hcloud_type: 'cx22',
      hcloud_server_type: 'cx22',
      hcloud_architecture: 'x86',
      hcloud_location: 'nbg1',
      hcloud_datacenter: 'nbg1-dc3',
      hcloud_labels: { role: 'postgres', env: 'v3' },
      hcloud_image_name: 'debian-12',
      hcloud_image_os_flavor: 'debian',
      hcloud_private_networks: [{ id: expect.any(Number), name: 'v3-private', ip: '10.0.0.11' }],
      hcloud_private_ipv4: '10.0.0.11',
    });
    expect(pg['hcloud_ipv4']).toBe(pg['ansible_host']);
    expect(pg['hcloud_ipv6']).toMatch(/^2a01:4f8:c0c:[0-9a-f]+::1$/);
    expect(pg['hcloud_ipv6_network_mask']).toBe('64');
    const all = await hcloudInventory({ api_token, api_endpoint });
    expect(all.groups['hcloud']!.hosts).toEqual(['pg-01', 'redis-01', 'install-01']);
    expect(all.hosts['pg-01']!['hcloud_private_ipv4']).toBeUndefined();
  });

  it('filters by location, type and status; groups with keyed_groups, groups and compose', async () => {
    const file = join(dir, 'fleet.hcloud.yml');
    await writeFile(
      file,
      [
        'plugin: hetzner.hcloud.hcloud',
        `api_endpoint: ${fake.url}`,
        'status: [running, "off"]',
        'keyed_groups:',
        '  - key: hcloud_location',
        '    prefix: location',
        '  - key: hcloud_server_type',
        '    prefix: server_type',
        '  - key: hcloud_status',
        '    prefix: status',
        '  - key: hcloud_labels',
        '    prefix: label',
        'groups:',
        "  bastions: hcloud_labels.role == 'bastion'",
        'compose:',
        '  ansible_user: "\'root\'"',
        '',
      ].join('\n'),
    );
    const previous = process.env['HCLOUD_TOKEN'];
    process.env['HCLOUD_TOKEN'] = TOKEN;
    try {
      const data = await loadHcloudInventory(file);
      expect(Object.keys(data.groups).sort()).toEqual(
        ['bastions', 'hcloud', 'label_env_v3', 'label_role_bastion', 'label_role_postgres', 'label_role_redis', 'location_hel1', 'location_nbg1', 'server_type_cx22', 'server_type_cx32', 'status_off', 'status_running'].sort(),
      );
      expect(data.groups['location_nbg1']!.hosts).toEqual(['pg-01', 'install-01']);
      expect(data.groups['status_off']!.hosts).toEqual(['redis-01']);
      expect(data.groups['bastions']!.hosts).toEqual(['install-01']);
      expect(data.hosts['redis-01']!['ansible_user']).toBe('root');

      const only = await hcloudInventory({ api_endpoint: fake.url, locations: ['nbg1'], types: ['cx22'], status: ['running'], images: ['ubuntu'] });
      expect(Object.keys(only.hosts)).toEqual(['install-01']);
    } finally {
      if (previous === undefined) delete process.env['HCLOUD_TOKEN'];
      else process.env['HCLOUD_TOKEN'] = previous;
    }
  });

  it('uses a hostname template, a label selector and connect_with', async () => {
    const { api_token, api_endpoint } = api();
    const data = await hcloudInventory({ api_token, api_endpoint, label_selector: 'env=v3', hostname: '{{ hcloud_name }}.{{ hcloud_location }}.example', connect_with: 'hostname' });
    expect(Object.keys(data.hosts)).toEqual(['pg-01.nbg1.example', 'redis-01.hel1.example']);
    expect(data.hosts['pg-01.nbg1.example']!['ansible_host']).toBe('pg-01');
  });

  it('rejects unknown options and other plugins, and names a bad token without showing it', async () => {
    const file = join(dir, 'bad.hcloud.yml');
    await writeFile(file, 'plugin: hcloud\nlabel_selectr: env=v3\n');
    await expect(loadHcloudInventory(file)).rejects.toThrow(/unknown option 'label_selectr'.*Did you mean 'label_selector'/);
    const other = join(dir, 'other.yml');
    await writeFile(other, 'plugin: amazon.aws.aws_ec2\n');
    await expect(loadHcloudInventory(other)).rejects.toThrow(/needs plugin: hcloud/);
    const error = await hcloudInventory({ api_token: `${TOKEN}-bad`, api_endpoint: fake.url }).catch((e: Error) => e);
    expect(error.message).toMatch(/invalid Hetzner Cloud API token/);
    expect(error.message).not.toContain(TOKEN);
  });

  it('names keyed groups as Ansible constructed does', () => {
    expect(keyedGroupNames({ key: 'x', prefix: 'location' }, 'nbg1')).toEqual(['location_nbg1']);
    expect(keyedGroupNames({ key: 'x' }, 'nbg1')).toEqual(['_nbg1']);
    expect(keyedGroupNames({ key: 'x', leading_separator: false }, 'nbg1')).toEqual(['nbg1']);
    expect(keyedGroupNames({ key: 'x', prefix: 'tag', separator: '-' }, { a: 'b', c: '' })).toEqual(['tag-a-b', 'tag-c-']);
    expect(keyedGroupNames({ key: 'x', prefix: 'tag', default_value: 'none' }, { c: '' })).toEqual(['tag_c_none']);
    expect(keyedGroupNames({ key: 'x', prefix: 'os' }, ['a', 'b'])).toEqual(['os_a', 'os_b']);
    expect(keyedGroupNames({ key: 'x', prefix: 'os' }, null)).toEqual([]);
  });
});
