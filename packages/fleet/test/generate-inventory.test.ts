import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '@kbrun/core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASTION_GROUP, parseServersTsv, ROLE_FAMILIES } from '@kbrun/fleet-data';
import { committed, TSV } from '../../fleet-data/test/helpers.js';
import { FLEET_SSH_KEY, generateInventory } from '../src/index.js';

const rows = parseServersTsv(TSV);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kbrun-fleet-inv-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('generateInventory', () => {
  it('is deterministic and equals the committed inventory/hosts.yml byte for byte', () => {
    const first = generateInventory(rows);
    const second = generateInventory([...rows].reverse());
    expect(second).toBe(first);
    expect(first).toBe(committed('inventory/hosts.yml'));
  });

  it('says it is generated and from what', () => {
    const head = generateInventory(rows).split('\n').slice(0, 4).join('\n');
    expect(head).toMatch(/^# inventory\/hosts.yml: GENERATED from servers\/servers_v3.tsv by `kbrun inventory generate`/);
    expect(head).toContain('49 hosts in 21 groups');
  });

  it('passes the runbook greps: 49 ansible_host lines and the v3 SSH key', () => {
    const text = generateInventory(rows);
    expect(text.match(/ansible_host:/g)).toHaveLength(49);
    expect(text).toContain(`ansible_ssh_private_key_file: ${FLEET_SSH_KEY}`);
  });

  it('puts each host in its volume-role family group with the private IP as ansible_host', () => {
    const doc = parse(generateInventory(rows)) as { all: { children: Record<string, { hosts: Record<string, Record<string, unknown>> }> } };
    const groups = Object.keys(doc.all.children);
    expect(groups).toEqual([...ROLE_FAMILIES.map((f) => f.group), BASTION_GROUP].sort());
    expect(Object.keys(doc.all.children['k8s_masters']!.hosts)).toEqual(['k8s-master-01', 'k8s-master-02', 'k8s-master-03']);
    expect(Object.keys(doc.all.children['bastions']!.hosts)).toEqual(['install-01', 'install-v3']);
    expect(Object.keys(doc.all.children['apps_misc']!.hosts)).toHaveLength(9);
    expect(doc.all.children['db_postgres']!.hosts['db-postgres-01']).toMatchObject({
      ansible_host: '10.0.0.120',
      ansible_user: 'root',
      logical_name: 'postgres-01',
      volume_name: 'kbv3-db-postgres-01-data',
      volume_size: 100,
      volume_mountpoint: '/data/db_postgres',
    });
    expect(doc.all.children['bastions']!.hosts['install-v3']).toMatchObject({ ansible_host: '10.0.0.251', ip_public: '46.62.171.61' });
    expect(doc.all.children['bastions']!.hosts['install-v3']).not.toHaveProperty('volume_name');
  });

  it('loads with kbrun core: 49 hosts, 21 groups plus all and ungrouped', async () => {
    const file = join(dir, 'hosts.yml');
    await writeFile(file, generateInventory(rows));
    const inventory = await loadInventory([file]);
    expect(inventory.allHosts()).toHaveLength(49);
    const groups = [...inventory.groups.keys()].filter((g) => g !== 'all' && g !== 'ungrouped');
    expect(groups).toHaveLength(21);
    expect(inventory.groups.has('all') && inventory.groups.has('ungrouped')).toBe(true);
    expect(inventory.groupHosts('k8s_workers')).toEqual(['k8s-worker-01', 'k8s-worker-02', 'k8s-worker-03', 'k8s-worker-04', 'k8s-worker-05']);
    expect(inventory.groupHosts('bastions')).toEqual(['install-01', 'install-v3']);
    expect(inventory.hosts.get('haproxy-01')?.vars['ansible_host']).toBe('10.0.0.11');
  });
});
