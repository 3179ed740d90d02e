import { describe, expect, it } from 'vitest';
import { parseServersTsv, ROLE_FAMILIES } from '@kbrun/fleet-data';
import { committed, TSV } from '../../fleet-data/test/helpers.js';
import { diffVolumes, generateVolumePlan, jsonText, readExistingVolumes, volumeReportMarkdown, type ExistingVolume } from '../src/index.js';

const rows = parseServersTsv(TSV);
const plan = generateVolumePlan(rows);
const existing = readExistingVolumes(JSON.parse(committed('servers/existing_volumes_v3.json')));

describe('generateVolumePlan', () => {
  it('plans 47 volumes totalling 2,800 GB, sorted by hostname, and equals the committed file', () => {
    expect(plan.volumes).toHaveLength(47);
    expect(plan.metadata.total_volumes).toBe(47);
    expect(plan.volumes.reduce((s, v) => s + v.size, 0)).toBe(2800);
    expect(plan.metadata.total_size_gb).toBe(2800);
    const names = plan.volumes.map((v) => v.hostname);
    expect(names).toEqual([...names].sort());
    expect(plan.volumes.every((v) => v.volume_name === `kbv3-${v.hostname}-data` && v.mountpoint.startsWith('/data/'))).toBe(true);
    expect(Object.keys(plan.size_by_role)).toHaveLength(20);
    expect(jsonText(plan)).toBe(committed('servers/volume_plan_v3.json'));
  });

  it('matches seed 001 sizes and mount points per family', () => {
    const byFamily = Object.fromEntries(ROLE_FAMILIES.map((f) => [f.family, [f.sizeGb, `/data/${f.mountDir}`]]));
    expect(byFamily).toMatchObject({ 'k8s-master': [20, '/data/k8s_master'], minio: [200, '/data/minio'], backup: [500, '/data/backup'], 'lb-internal': [10, '/data/lb_internal'], apps_misc: [20, '/data/apps_misc'] });
    expect(plan.volumes.find((v) => v.hostname === 'db-postgres-02')).toMatchObject({ size: 100, mountpoint: '/data/db_postgres', ip_private: '10.0.0.121' });
  });
});

describe('the existing volumes of seed 001', () => {
  it('are 40 vol-* volumes, all attached, in nbg1 and hel1, on 40 rebuildable servers', () => {
    expect(existing).toHaveLength(40);
    expect(existing.every((v) => v.name.startsWith('vol-') && v.server !== null)).toBe(true);
    expect([...new Set(existing.map((v) => v.location))].sort()).toEqual(['hel1', 'nbg1']);
    const hosts = new Set(plan.volumes.map((v) => v.hostname));
    expect(existing.every((v) => hosts.has(v.server!))).toBe(true);
    expect(new Set(existing.map((v) => v.server)).size).toBe(40);
    expect(existing.find((v) => v.id === 104011414)).toEqual({ id: 104011414, name: 'vol-db-master-01', size: 50, location: 'nbg1', server: 'db-postgres-01' });
  });

  it('reads the Hetzner API shape too (location object, server id)', () => {
    const api = readExistingVolumes({ volumes: [{ id: 7, name: 'vol-x', size: 10, location: { name: 'hel1' }, server: 42 }, { id: 8, name: 'y', size: 10, location: { name: 'nbg1' }, server: null }] }, { serverNames: new Map([[42, 'redis-01']]) });
    expect(api).toEqual([
      { id: 7, name: 'vol-x', size: 10, location: 'hel1', server: 'redis-01' },
      { id: 8, name: 'y', size: 10, location: 'nbg1', server: null },
    ]);
  });
});

describe('diffVolumes (Option A)', () => {
  it('deletes the 40 old volumes and creates the 47 kbv3 volumes', () => {
    const diff = diffVolumes(plan, existing);
    expect(diff.summary).toEqual({ existing: 40, planned: 47, to_delete: 40, to_create: 47, ok: 0, ignored: 0 });
    expect(diff.volumes_to_delete.every((v) => v.name.startsWith('vol-'))).toBe(true);
    expect(diff.volumes_to_create.map((v) => v.volume_name).every((n) => n.startsWith('kbv3-'))).toBe(true);
  });

  it('is idempotent: once the plan is applied everything is ok', () => {
    const applied: ExistingVolume[] = plan.volumes.map((v, i) => ({ id: i + 1, name: v.volume_name, size: v.size, location: 'nbg1', server: v.hostname }));
    const diff = diffVolumes(plan, applied);
    expect(diff.summary).toMatchObject({ to_delete: 0, to_create: 0, ok: 47 });
  });

  it('recreates a kbv3 volume of the wrong size and leaves bastion and foreign volumes alone', () => {
    const vols: ExistingVolume[] = [
      { name: 'kbv3-minio-01-data', size: 100, location: 'nbg1', server: 'minio-01' },
      { name: 'vol-install-v3', size: 10, location: 'hel1', server: 'install-v3' },
      { name: 'scratch', size: 10, location: 'nbg1', server: null },
    ];
    const diff = diffVolumes(plan, vols, { serverLocations: { 'minio-01': 'nbg1' } });
    expect(diff.volumes_to_delete.map((v) => [v.name, v.reason])).toEqual([['kbv3-minio-01-data', 'v3 name but size 100 GB, planned 200 GB']]);
    expect(diff.volumes_ignored.map((v) => v.name)).toEqual(['scratch', 'vol-install-v3']);
    expect(diff.volumes_to_create).toHaveLength(47);
    expect(diff.volumes_to_create.find((v) => v.hostname === 'minio-01')).toMatchObject({ size: 200, location: 'nbg1' });
  });
});

describe('volumeReportMarkdown', () => {
  it('follows seed 001: summary, role → size, every server, existing volumes, diff, validation', () => {
    const diff = diffVolumes(plan, existing);
    const md = volumeReportMarkdown(plan, existing, diff, { generatedAt: '2024-12-01T00:00:00Z' });
    for (const heading of ['# PH3-01 – Volume Plan v3 Report', '## Summary', '### Role → size', '### Every rebuildable server', '## Existing volumes', '## Diff: existing vs target volumes', '### Volumes to delete (40)', '### Volumes to create (47)', '## Validation']) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('- **Total size of target volumes:** 2,800 GB (2.8 TB)');
    expect(md).toContain('| minio | 200 | minio-01, minio-02, minio-03 |');
    expect(md).toContain('| 104011414 | vol-db-master-01 | db-postgres-01 |');
    expect(md).toContain('| backup-01 | kbv3-backup-01-data | 500 | /data/backup |');
    expect(md).not.toContain('❌');
    expect(volumeReportMarkdown(plan, existing, diff)).toBe(volumeReportMarkdown(plan, existing, diff));
  });
});
