import { describe, expect, it } from 'vitest';
import { BASTION_HOSTNAMES, parseServersTsv } from '@kbrun/fleet-data';
import { committed, TSV } from '../../fleet-data/test/helpers.js';
import { generateRebuildOrder, jsonText } from '../src/index.js';

const rows = parseServersTsv(TSV);
const order = generateRebuildOrder(rows);

describe('generateRebuildOrder', () => {
  it('has the runbook metadata', () => {
    expect(order.metadata).toMatchObject({
      total_servers: 47,
      total_batches: 10,
      batch_size: 5,
      excluded_servers: ['install-01', 'install-v3'],
      image: 'ubuntu-24.04',
      total_volume_size_gb: 2800,
      generated_from: 'servers/servers_v3.tsv',
    });
  });

  it('has 47 servers in 10 batches of 5, the last one 2, numbered in order', () => {
    expect(order.servers).toHaveLength(47);
    expect(order.batches.map((b) => b.servers.length)).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 5, 2]);
    expect(order.batches.map((b) => b.batch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(order.batches.every((b) => b.count === b.servers.length && b.servers.every((s) => s.batch === b.batch))).toBe(true);
    expect(order.batches.flatMap((b) => b.servers)).toEqual(order.servers);
    expect(new Set(order.servers.map((s) => s.hostname)).size).toBe(47);
  });

  it('starts batch 1 with the k8s masters, then workers 01 and 02 (the runbook diagram)', () => {
    expect(order.batches[0]!.servers.map((s) => s.hostname)).toEqual(['k8s-master-01', 'k8s-master-02', 'k8s-master-03', 'k8s-worker-01', 'k8s-worker-02']);
  });

  it('never lists a bastion', () => {
    const names = order.servers.map((s) => s.hostname);
    for (const bastion of BASTION_HOSTNAMES) expect(names).not.toContain(bastion);
    const text = jsonText(order);
    // the runbook's `grep install-01\|install-v3`: only the two lines of metadata.excluded_servers
    expect(text.split('\n').filter((l) => /install-01|install-v3/.test(l))).toEqual(['      "install-01",', '      "install-v3"']);
  });

  it('gives each server its IPs, role and volume by role (seed 001)', () => {
    expect(order.servers.find((s) => s.hostname === 'backup-01')).toEqual({
      hostname: 'backup-01',
      logical_name: 'backup-01',
      ip_private: '10.0.0.153',
      ip_public: '203.0.113.153',
      role_v3: 'backup',
      volume_role: 'backup',
      batch: 7,
      volume: { name: 'kbv3-backup-01-data', size: 500, mountpoint: '/data/backup' },
    });
    expect(order.servers.find((s) => s.hostname === 'litellm-01')?.volume).toEqual({ name: 'kbv3-litellm-01-data', size: 20, mountpoint: '/data/apps_misc' });
  });

  it('is deterministic (TSV row order does not matter) and equals the committed file', () => {
    expect(jsonText(generateRebuildOrder([...rows].reverse()))).toBe(jsonText(order));
    expect(jsonText(order)).toBe(committed('servers/rebuild_order_v3.json'));
  });
});
