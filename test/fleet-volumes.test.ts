import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimSeed } from '@kbrun/hcloud-sim';
import { BASTIONS, FleetSim, ROOT, fleetSeed } from './helpers/fleet-sim.js';
import { tempProject } from './helpers/temp-project.js';

// Phase 3: the volume plan (PH3-01, volume_plan_v3.yml) and the volumes (PH3-02, volumes_v3.yml) against the simulator.
const playbook = (name: string) => join(ROOT, 'playbooks', name);
const TOKEN = 't0ken-for-volume-tests';

type Planned = { hostname: string; volume_name: string; size: number; mountpoint: string };
const PLAN = JSON.parse(readFileSync(join(ROOT, 'servers/volume_plan_v3.json'), 'utf8')) as { volumes: Planned[] };


type SimServer = { id: number; name: string; status: string; datacenter?: { location?: { name?: string } } };
type SimVolume = { id: number; name: string; size: number; server: number | null; automount?: boolean; format?: string | null; location?: { name?: string } };




function failures(seen: Array<Record<string, unknown>>): string {
  return seen
    .filter((e) => e['type'] === 'host_result' && e['status'] === 'failed')
    .map((e) => `${String(e['host'])}: ${String((e['result'] as Record<string, unknown>)['msg'])}`)
    .join('\n');
}

function changedCount(result: { stats: Record<string, { changed?: number }> }): number {
  return Object.values(result.stats).reduce((n, s) => n + (s.changed ?? 0), 0);
}

const writes = (sim: Simulator) => sim.requests().filter((r) => r.method !== 'GET');
const servers = (sim: Simulator) => sim.state().servers as SimServer[];
const volumes = (sim: Simulator) => sim.state().volumes as SimVolume[];

const fleet = new FleetSim(TOKEN);
afterEach(() => fleet.stop());
const startSim = (seed: SimSeed) => fleet.start({ seed, sshPorts: false });
const run = (file: string, options: { check?: boolean; extraVars?: Record<string, unknown> } = {}) => fleet.run(playbook(file), options);

describe('volume_plan_v3.yml (PH3-01)', () => {
  it('diffs the fleet: 40 to delete, 47 to create, 0 ok; JSON and Markdown; only GET requests', async () => {
    const sim = await startSim(fleetSeed());
    const { result, events } = await run('volume_plan_v3.yml');
    expect(result.exitCode, failures(events)).toBe(0);
    expect(writes(sim)).toEqual([]);
    const dir = join(fleet.project!.dir, 'reports/phase3');
    const diff = JSON.parse(readFileSync(join(dir, 'volume_diff_v3.json'), 'utf8'));
    expect(diff.summary).toMatchObject({ existing_volumes: 40, target_volumes: 47, target_size_gb: 2800, to_delete: 40, to_create: 47, ok: 0, mismatch: 0, protected: 0 });
    expect(diff.volumes_to_delete).toHaveLength(40);
    expect(diff.volumes_to_delete.every((v: { name: string }) => v.name.startsWith('vol-'))).toBe(true);
    expect(diff.volumes_to_delete.find((v: { name: string }) => v.name === 'vol-minio-01')).toMatchObject({ id: 104011392, size: 100, server: 'minio-01', location: 'nbg1' });
    expect(diff.volumes_to_create).toHaveLength(47);
    expect(diff.volumes_to_create.find((v: Planned) => v.hostname === 'backup-01')).toMatchObject({ volume_name: 'kbv3-backup-01-data', size: 500, mountpoint: '/data/backup' });
    expect(diff.volumes_ok).toEqual([]);

    const existing = JSON.parse(readFileSync(join(dir, 'existing_volumes_hetzner.json'), 'utf8'));
    expect(existing.metadata).toMatchObject({ total_volumes: 40, attached: 40, detached: 0, locations: ['hel1', 'nbg1'] });
    expect(existing.volumes).toHaveLength(40);

    const md = readFileSync(join(dir, 'PH3-01-volume-plan-report.md'), 'utf8');
    expect(md.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '# PH3-01 – Volume Plan v3 Report',
      '## Files',
      '## Summary',
      '## Target volumes',
      '## Existing Hetzner volumes',
      '## Diff: existing vs target',
      '### Volumes to delete',
      '### Volumes to create',
      '### Volumes OK',
      '### Volumes to fix (planned name, other size or server)',
      '### Volumes on a bastion (never touched)',
      '## Next step: PH3-02',
    ]);
    expect(md).toContain('| To delete | 40 |');
    expect(md).toContain('| To create | 47 |');
    expect(md).toContain('| Target size (GB) | 2800 |');
    expect(md).toContain('| backup-01 | backup | 10.0.0.153 | kbv3-backup-01-data | 500 | /data/backup |');
    expect(md).toContain('| 104011392 | vol-minio-01 | 100 | minio-01 | nbg1 |');
  }, 60_000);

  it('never lists a volume attached to a bastion for deletion; counts a planned volume in place as ok', async () => {
    const seed = fleetSeed();
    seed.volumes = [
      ...(seed.volumes ?? []),
      { name: 'vol-install-01', size: 10, location: 'nbg1', server: 'install-01' },
      { name: 'kbv3-redis-01-data', size: 20, location: 'nbg1', server: 'redis-01' },
      { name: 'kbv3-redis-02-data', size: 10, location: 'nbg1', server: 'redis-02' },
    ] as SimSeed['volumes'];
    const sim = await startSim(seed);
    fleet.project = tempProject();
    const out = join(fleet.project.dir, 'servers'); // volume_output_dir: where seed 001 wrote its files
    const { result, events } = await run('volume_plan_v3.yml', { extraVars: { volume_output_dir: out } });
    expect(result.exitCode, failures(events)).toBe(0);
    expect(writes(sim)).toEqual([]);
    expect(existsSync(join(fleet.project.dir, 'reports'))).toBe(false);
    expect(existsSync(join(out, 'existing_volumes_hetzner.json'))).toBe(true);
    expect(existsSync(join(out, 'PH3-01-volume-plan-report.md'))).toBe(true);
    const diff = JSON.parse(readFileSync(join(out, 'volume_diff_v3.json'), 'utf8'));
    expect(diff.summary).toMatchObject({ existing_volumes: 43, to_delete: 40, to_create: 45, ok: 1, mismatch: 1, protected: 1 });
    expect(diff.volumes_to_delete.map((v: { name: string }) => v.name)).not.toContain('vol-install-01');
    expect(diff.volumes_ok.map((v: Planned) => v.volume_name)).toEqual(['kbv3-redis-01-data']);
    expect(diff.volumes_mismatch.map((v: Planned) => v.volume_name)).toEqual(['kbv3-redis-02-data']);
  }, 60_000);
});

describe('volumes_v3.yml (PH3-02)', () => {
  it('--check sends only GETs and shows the plan; the real run replaces the volumes; a second run changes nothing', async () => {
    const sim = await startSim(fleetSeed());
    const bastionIds = servers(sim).filter((s) => BASTIONS.includes(s.name)).map((s) => s.id);

    const check = await run('volumes_v3.yml', { check: true });
    expect(check.result.exitCode, failures(check.events)).toBe(0);
    expect(writes(sim)).toEqual([]);
    expect(volumes(sim)).toHaveLength(40);
    const plan = JSON.stringify(check.events);
    expect(plan).toContain('40 volume(s) to detach and delete');
    expect(plan).toContain('47 volume(s) to create and attach (2800 GB)');

    const first = await run('volumes_v3.yml');
    expect(first.result.exitCode, failures(first.events)).toBe(0);
    expect(first.result.failedHosts).toEqual([]);
    const after = volumes(sim);
    expect(after.filter((v) => v.name.startsWith('vol-'))).toEqual([]);
    expect(after).toHaveLength(47);
    const byId = new Map(servers(sim).map((s) => [s.id, s]));
    for (const p of PLAN.volumes) {
      const v = after.find((x) => x.name === p.volume_name);
      expect(v, p.volume_name).toBeDefined();
      expect(v!.size).toBe(p.size);
      expect(byId.get(v!.server as number)?.name).toBe(p.hostname);
      expect(v!.location?.name).toBe(byId.get(v!.server as number)?.datacenter?.location?.name);
      expect(v!.format).toBe('xfs');
    }
    expect(new Set(after.map((v) => v.location?.name))).toEqual(new Set(['nbg1', 'hel1']));
    const creates = sim.requests().filter((r) => r.method === 'POST' && /\/volumes$/.test(r.path) && r.status < 300);
    expect(creates).toHaveLength(47);
    const deletes = sim.requests().filter((r) => r.method === 'DELETE' && /\/volumes\/\d+$/.test(r.path) && r.status < 300);
    expect(deletes).toHaveLength(40);
    // bastions untouched: no request names them, and no volume is attached to them
    expect(sim.requests().filter((r) => bastionIds.some((id) => new RegExp(`/servers/${id}(/|$)`).test(r.path)))).toEqual([]);
    expect(after.filter((v) => bastionIds.includes(v.server as number))).toEqual([]);

    const writesBefore = writes(sim).length;
    const second = await run('volumes_v3.yml');
    expect(second.result.exitCode, failures(second.events)).toBe(0);
    expect(changedCount(second.result)).toBe(0);
    expect(writes(sim)).toHaveLength(writesBefore);
    expect(volumes(sim)).toHaveLength(47);
  }, 120_000);

  it('leaves a volume attached to a bastion alone', async () => {
    const seed = fleetSeed();
    seed.volumes = [...(seed.volumes ?? []), { name: 'vol-install-v3', size: 10, location: 'nbg1', server: 'install-v3' }] as SimSeed['volumes'];
    const sim = await startSim(seed);
    const { result, events } = await run('volumes_v3.yml');
    expect(result.exitCode, failures(events)).toBe(0);
    expect(volumes(sim).map((v) => v.name)).toContain('vol-install-v3');
    expect(volumes(sim)).toHaveLength(48);
  }, 120_000);
});
