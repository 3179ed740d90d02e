import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimSeed } from '@kbrun/hcloud-sim';
import { BASTIONS, FleetSim, ROOT, fleetSeed } from './helpers/fleet-sim.js';

// Phase 1's rename (step 2), final report (step 7) and the chain (phase1.yml) against the Hetzner simulator.
const playbook = (name: string) => join(ROOT, 'playbooks', name);
const RENAMES: Array<[string, string]> = [
  ['db-master-01', 'db-postgres-01'],
  ['db-slave-01', 'db-postgres-02'],
  ['db-slave-02', 'db-postgres-03'],
];
const TOKEN = 't0ken-for-report-tests';


type SimServer = { id: number; name: string; status: string; public_net?: { ipv4?: { ip?: string } | null } };


/** The fleet as the cloud was before step 2: the three PostgreSQL servers (and their volumes' attachments) under their old names. */
function oldNamesSeed(): SimSeed {
  const seed = fleetSeed();
  const oldOf = new Map(RENAMES.map(([from, to]) => [to, from]));
  for (const s of seed.servers!) if (oldOf.has(s.name)) s.name = oldOf.get(s.name)!;
  for (const v of seed.volumes ?? []) if (v.server && oldOf.has(String(v.server))) v.server = oldOf.get(String(v.server))!;
  return seed;
}



function failures(seen: Array<Record<string, unknown>>): string {
  return seen
    .filter((e) => e['type'] === 'host_result' && e['status'] === 'failed')
    .map((e) => `${String(e['host'])}: ${String((e['result'] as Record<string, unknown>)['msg'])}`)
    .join('\n');
}

function names(sim: Simulator): string[] {
  return (sim.state().servers as SimServer[]).map((s) => s.name);
}

function changedCount(result: { stats: Record<string, { changed?: number }> }): number {
  return Object.values(result.stats).reduce((n, s) => n + (s.changed ?? 0), 0);
}

function renameRequests(sim: Simulator) {
  return sim.requests().filter((r) => r.method === 'PUT' && /^\/v1\/servers\/\d+$|^\/servers\/\d+$/.test(r.path));
}

const fleet = new FleetSim(TOKEN);
afterEach(() => fleet.stop());
const startSim = (seed: SimSeed) => fleet.start({ seed });
const run = (file: string, options: { extraVars?: Record<string, unknown>; inventory?: boolean } = {}) => fleet.run(playbook(file), options);

describe('rename_postgres.yml', () => {
  it('renames the three PostgreSQL servers by id, and a second run changes nothing', async () => {
    const sim = await startSim(oldNamesSeed());
    const idsBefore = Object.fromEntries((sim.state().servers as SimServer[]).map((s) => [s.name, s.id]));
    const first = await run('rename_postgres.yml');
    expect(first.result.exitCode, failures(first.events)).toBe(0);
    const after = names(sim);
    for (const [from, to] of RENAMES) {
      expect(after).toContain(to);
      expect(after).not.toContain(from);
      expect((sim.state().servers as SimServer[]).find((s) => s.name === to)!.id).toBe(idsBefore[from]);
    }
    expect(after).toHaveLength(49);
    expect(changedCount(first.result)).toBe(1); // one task, three items (stats count tasks)
    expect(renameRequests(sim)).toHaveLength(3);

    const second = await run('rename_postgres.yml');
    expect(second.result.exitCode, failures(second.events)).toBe(0);
    expect(changedCount(second.result)).toBe(0);
    expect(renameRequests(sim)).toHaveLength(3);
    expect(sim.requests().filter((r) => r.method !== 'GET')).toHaveLength(3);
  }, 60_000);

  it('a fleet already renamed (the v3 seed) is left alone', async () => {
    const sim = await startSim(fleetSeed());
    const { result, events } = await run('rename_postgres.yml');
    expect(result.exitCode, failures(events)).toBe(0);
    expect(changedCount(result)).toBe(0);
    expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
  }, 60_000);

  it('fails clearly when neither name exists, before any rename', async () => {
    const seed = oldNamesSeed();
    seed.servers = seed.servers!.filter((s) => s.name !== 'db-slave-02');
    seed.volumes = (seed.volumes ?? []).filter((v) => v.server !== 'db-slave-02');
    const sim = await startSim(seed);
    const { result, events } = await run('rename_postgres.yml');
    expect(result.exitCode).toBe(2);
    expect(failures(events)).toContain('neither db-slave-02 nor db-postgres-03 exists');
    expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
  }, 60_000);
});

describe('phase1_report.yml', () => {
  it('reports 47 running and the bastions intact, in JSON and Markdown', async () => {
    const sim = await startSim(fleetSeed());
    const { result, events } = await run('phase1_report.yml');
    expect(result.exitCode, failures(events)).toBe(0);
    expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    const dir = join(fleet.project!.dir, 'reports/phase1');
    const report = JSON.parse(readFileSync(join(dir, 'phase1-final.json'), 'utf8'));
    expect(report.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(report.summary).toMatchObject({ total_servers: 47, running_servers: 47, expected_rebuild: 47, cloud_servers: 49, missing_servers: [], not_running: [], bastions_intact: true, success: true });
    expect(report.summary.bastions.install_01).toMatchObject({ name: 'install-01', present: true, status: 'running', in_rebuild_order: false, intact: true });
    expect(report.summary.bastions.install_v3).toMatchObject({ name: 'install-v3', present: true, status: 'running', intact: true, ipv4_address: '46.62.171.61' });
    expect(report.servers).toHaveLength(47);
    expect(report.servers.map((s: { name: string }) => s.name)).not.toContain('install-01');
    expect(report.postgres_servers.map((s: { name: string }) => s.name).sort()).toEqual(['db-postgres-01', 'db-postgres-02', 'db-postgres-03']);
    expect(report.rebuild_order).toMatchObject({ total_batches: 10, image: 'ubuntu-24.04', excluded_servers: BASTIONS });
    expect(report.logs.batch_logs).toHaveLength(10);
    expect(report.logs.batch_logs[0]).toBe(join(fleet.project!.dir, 'logs/phase1/batch-1-complete.log'));

    const md = readFileSync(join(dir, 'phase1-final.md'), 'utf8');
    expect(md.split('\n').filter((l) => l.startsWith('#'))).toEqual(['# Phase 1 — Final report (KeyBuzz v3)', '## Summary', '## PostgreSQL servers', '## Bastions', '## Rebuilt servers', '## Rebuild order', '## Logs']);
    expect(md).toContain('| Running | 47 |');
    expect(md).toContain('| Bastions intact | yes |');
    expect(md).toMatch(/\| install-v3 \| yes \| running \| no \| ✅ \|/);
    expect(md.match(/^\| db-postgres-0\d \|/gm)).toHaveLength(6); // in both tables
    expect(md).toContain('batch-10-complete.log');
  }, 60_000);

  it('writes the report and then fails when a server is missing', async () => {
    const seed = fleetSeed();
    seed.servers = seed.servers!.filter((s) => s.name !== 'redis-02');
    seed.volumes = (seed.volumes ?? []).filter((v) => v.server !== 'redis-02');
    const sim = await startSim(seed);
    const { result, events } = await run('phase1_report.yml');
    expect(result.exitCode).toBe(2);
    expect(failures(events)).toContain('46/47 running');
    expect(failures(events)).toContain('missing: redis-02');
    const report = JSON.parse(readFileSync(join(fleet.project!.dir, 'reports/phase1/phase1-final.json'), 'utf8'));
    expect(report.summary).toMatchObject({ running_servers: 46, missing_servers: ['redis-02'], success: false, bastions_intact: true });
    expect(readFileSync(join(fleet.project!.dir, 'reports/phase1/phase1-final.md'), 'utf8')).toContain('| Missing | redis-02 |');
    expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
  }, 60_000);

  it('reports a bastion that is off as not intact, and a server that is off as not running', async () => {
    const seed = fleetSeed();
    for (const s of seed.servers!) if (s.name === 'install-01' || s.name === 'vault-01') s.status = 'off';
    await startSim(seed);
    const { result, events } = await run('phase1_report.yml');
    expect(result.exitCode).toBe(2);
    expect(failures(events)).toContain('not running: vault-01');
    const report = JSON.parse(readFileSync(join(fleet.project!.dir, 'reports/phase1/phase1-final.json'), 'utf8'));
    expect(report.summary).toMatchObject({ running_servers: 46, not_running: ['vault-01'], bastions_intact: false, success: false });
    expect(report.summary.bastions.install_01).toMatchObject({ present: true, status: 'off', intact: false });
    expect(report.summary.bastions.install_v3).toMatchObject({ intact: true });
    expect(readFileSync(join(fleet.project!.dir, 'reports/phase1/phase1-final.md'), 'utf8')).toMatch(/\| install-01 \| yes \| off \| no \| ❌ \|/);
  }, 60_000);

  it('phase1_report_strict=false only reports', async () => {
    const seed = fleetSeed();
    seed.servers = seed.servers!.filter((s) => s.name !== 'redis-02');
    seed.volumes = (seed.volumes ?? []).filter((v) => v.server !== 'redis-02');
    await startSim(seed);
    const { result, events } = await run('phase1_report.yml', { extraVars: { phase1_report_strict: false } });
    expect(result.exitCode, failures(events)).toBe(0);
    expect(JSON.parse(readFileSync(join(fleet.project!.dir, 'reports/phase1/phase1-final.json'), 'utf8')).summary.success).toBe(false);
  }, 60_000);
});

describe('phase1.yml', () => {
  it('renames, resets and reports from a cloud with the old PostgreSQL names', async () => {
    const sim = await startSim(oldNamesSeed());
    const bastionIds = (sim.state().servers as SimServer[]).filter((s) => BASTIONS.includes(s.name)).map((s) => String(s.id));
    const { result, events } = await run('phase1.yml');
    expect(result.exitCode, failures(events)).toBe(0);
    expect(result.failedHosts).toEqual([]);
    // step 2
    expect(renameRequests(sim)).toHaveLength(3);
    for (const [from, to] of RENAMES) {
      expect(names(sim)).toContain(to);
      expect(names(sim)).not.toContain(from);
    }
    // step 6
    const rebuilds = sim.requests().filter((r) => r.method === 'POST' && /\/servers\/\d+\/actions\/rebuild$/.test(r.path) && r.status < 300);
    expect(rebuilds).toHaveLength(47);
    expect(sim.state().volumes).toEqual([]);
    expect(existsSync(join(fleet.project!.dir, 'logs/phase1/batch-10-complete.log'))).toBe(true);
    expect(sim.requests().filter((r) => bastionIds.some((id) => new RegExp(`/servers/${id}(/|$)`).test(r.path)))).toEqual([]);
    // step 7
    const report = JSON.parse(readFileSync(join(fleet.project!.dir, 'reports/phase1/phase1-final.json'), 'utf8'));
    expect(report.summary).toMatchObject({ running_servers: 47, expected_rebuild: 47, bastions_intact: true, success: true });
    expect(existsSync(join(fleet.project!.dir, 'reports/phase1/phase1-final.md'))).toBe(true);
    // the plays in execute-phase1.sh's order: rename, reset (preflight + batches), report
    const plays = events.filter((e) => e['type'] === 'play_start').map((e) => String(e['name']));
    expect(plays).toHaveLength(4);
    expect(plays[0]).toMatch(/rename/);
    expect(plays[1]).toMatch(/preflight/);
    expect(plays[2]).toMatch(/rebuild/);
    expect(plays[3]).toMatch(/final report/);
    const requests = sim.requests();
    const isRename = (r: { method: string; path: string }) => r.method === 'PUT' && /\/servers\/\d+$/.test(r.path);
    const lastRename = requests.map((r, i) => (isRename(r) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    const firstRebuild = requests.findIndex((r) => r.method === 'POST' && /\/actions\/rebuild$/.test(r.path));
    expect(lastRename).toBeGreaterThanOrEqual(0);
    expect(lastRename).toBeLessThan(firstRebuild);
  }, 120_000);

  it('stops before the reset when a PostgreSQL server is missing under both names', async () => {
    const seed = oldNamesSeed();
    seed.servers = seed.servers!.filter((s) => s.name !== 'db-master-01');
    seed.volumes = (seed.volumes ?? []).filter((v) => v.server !== 'db-master-01');
    const sim = await startSim(seed);
    const { result, events } = await run('phase1.yml');
    expect(result.exitCode).toBe(2);
    expect(failures(events)).toContain('neither db-master-01 nor db-postgres-01 exists');
    expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(existsSync(join(fleet.project!.dir, 'logs'))).toBe(false);
    expect(existsSync(join(fleet.project!.dir, 'reports'))).toBe(false);
  }, 60_000);
});
