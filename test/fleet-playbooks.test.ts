import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KbrunEvent } from '@kbrun/core';
import type { FaultConfig, Simulator, SimSeed } from '@kbrun/hcloud-sim';
import { BASTIONS, FleetSim, ROOT, SCALE, bastionRequests, fleetSeed, rebuiltIds } from './helpers/fleet-sim.js';
import { events, runKbrun } from './helpers/run-kbrun.js';
import { tempProject } from './helpers/temp-project.js';

// The Phase 1 playbooks (playbooks/reset_hetzner.yml …) against the Hetzner simulator, with the fleet seed
// (servers/servers_v3.tsv + the 40 old volumes of servers/existing_volumes_v3.json).
const RESET = join(ROOT, 'playbooks/reset_hetzner.yml');
const order = JSON.parse(readFileSync(join(ROOT, 'servers/rebuild_order_v3.json'), 'utf8')) as {
  batches: Array<{ batch: number; servers: Array<{ hostname: string }> }>;
};
const batchNames = order.batches.map((b) => b.servers.map((s) => s.hostname));
const TOKEN = 't0ken-for-fleet-tests';

type SimServer = { id: number; name: string; status: string; public_net?: { ipv4?: { ip?: string } | null } };

function nameOf(sim: Simulator, id: string): string | undefined {
  return (sim.state().servers as SimServer[]).find((s) => String(s.id) === id)?.name;
}

/** The failure messages of a run, to show when a run fails unexpectedly. */
function failures(seen: Array<Record<string, unknown>>): string {
  return seen
    .filter((e) => e['type'] === 'host_result' && e['status'] === 'failed')
    .map((e) => `${String(e['host'])}: ${String((e['result'] as Record<string, unknown>)['msg'])}`)
    .join('\n');
}

function logOf(batch: number): string {
  return readFileSync(join(fleet.project!.dir, 'logs/phase1', `batch-${batch}-complete.log`), 'utf8');
}

const fleet = new FleetSim(TOKEN);
afterEach(() => fleet.stop());
const startSim = (options: { seed?: SimSeed; faults?: FaultConfig } = {}) => fleet.start(options);
const reset = (options: { check?: boolean; extraVars?: Record<string, unknown>; onEvent?: (e: KbrunEvent) => void } = {}) => fleet.run(RESET, options);

describe('reset_hetzner.yml against the simulator', () => {
  it('rebuilds the 47 servers batch after batch, deletes the 40 old volumes, never touches the bastions and logs each batch', async () => {
    const sim = await startSim();
    expect(sim.state().volumes).toHaveLength(40);
    const { result } = await reset();
    expect(result.exitCode).toBe(0);
    expect(result.failedHosts).toEqual([]);

    // 47 rebuilds, one per server of the order, in batch order (a batch's servers before the next batch's).
    const rebuilt = rebuiltIds(sim.requests()).map((id) => nameOf(sim, id)!);
    expect(rebuilt).toHaveLength(47);
    expect(new Set(rebuilt)).toEqual(new Set(batchNames.flat()));
    const batchOf = new Map(batchNames.flatMap((names, i) => names.map((n) => [n, i] as const)));
    const batchSequence = rebuilt.map((n) => batchOf.get(n)!);
    expect(batchSequence).toEqual([...batchSequence].sort((a, b) => a - b));
    expect((sim.state().servers as SimServer[]).filter((s) => !BASTIONS.includes(s.name)).every((s) => s.status === 'running')).toBe(true);

    // The 40 old volumes are gone; nothing was created.
    expect(sim.state().volumes).toEqual([]);
    expect(sim.requests().filter((r) => r.method === 'POST' && /\/(servers|volumes)$/.test(r.path))).toEqual([]);

    // The bastions: no request names them or their ids, and they are still running untouched.
    expect(bastionRequests(sim)).toEqual([]);
    expect((sim.state().servers as SimServer[]).filter((s) => BASTIONS.includes(s.name)).map((s) => s.status)).toEqual(['running', 'running']);

    // 10 batch logs in the runbook's format.
    expect(readdirSync(join(fleet.project!.dir, 'logs/phase1')).sort()).toEqual(order.batches.map((b) => `batch-${b.batch}-complete.log`).sort());
    for (const [i, names] of batchNames.entries()) {
      const log = logOf(i + 1);
      expect(log).toMatch(new RegExp(`^Batch ${i + 1} - COMPLETED\\n={40}\\nTimestamp: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\nServers: (.*)\\nStatus: All servers rebuilt and SSH port 22 open\\n={40}\\n$`));
      expect(JSON.parse(/Servers: (.*)/.exec(log)![1]!)).toEqual(names);
    }
    expect(batchNames[0]).toEqual(['k8s-master-01', 'k8s-master-02', 'k8s-master-03', 'k8s-worker-01', 'k8s-worker-02']);
    expect(batchNames.at(-1)).toHaveLength(2);

    // Re-running is safe: no volume left to touch, every server rebuilt again, still no bastion request.
    const before = sim.requests().length;
    const again = await reset();
    expect(again.result.exitCode).toBe(0);
    const second = sim.requests().slice(before);
    expect(second.filter((r) => r.path.includes('/volumes/') && r.method !== 'GET')).toEqual([]);
    expect(bastionRequests(sim)).toEqual([]);
  }, 120_000);

  it('a server stuck in rebuilding fails alone; the rest of its batch finishes and no later batch starts', async () => {
    const sim = await startSim({ faults: { stuckActions: [{ server: 'k8s-master-02', command: 'rebuild_server' }] } });
    let rebuildStart = 0;
    let rebuildFailedAfter = 0;
    const { result, events: seen } = await reset({
      onEvent: (e) => {
        if (e.type === 'task_start' && e.task.name === 'batch: 6. rebuild' && rebuildStart === 0) rebuildStart = performance.now();
        if (e.type === 'host_result' && e.status === 'failed') rebuildFailedAfter = (performance.now() - rebuildStart) / SCALE / 1000;
      },
    });
    expect(result.exitCode).toBe(2);
    expect(result.failedHosts).toEqual(['k8s-master-02']);
    // It fails at the rebuild, after the runbook's 600 s for the wait until running (not the poller's 30 minutes),
    // saying which action it waited for and how far it got.
    const failed = seen.find((e) => e['type'] === 'host_result' && e['status'] === 'failed')!;
    expect((failed['task'] as { name: string }).name).toBe('batch: 6. rebuild');
    const msg = String((failed['result'] as Record<string, unknown>)['msg']);
    expect(msg).toMatch(/^The task timed out after 600 seconds \(it was at: action \d+ \(rebuild_server on server \d+, server k8s-master-02\): 90%\)$/);
    expect(rebuildFailedAfter).toBeGreaterThanOrEqual(600);
    expect(rebuildFailedAfter).toBeLessThan(900);
    const rebuilt = rebuiltIds(sim.requests()).map((id) => nameOf(sim, id));
    expect(rebuilt.sort()).toEqual([...batchNames[0]!].sort()); // the stuck one was sent too, nothing of batch 2
    const statuses = Object.fromEntries((sim.state().servers as SimServer[]).map((s) => [s.name, s.status]));
    expect(statuses['k8s-master-02']).toBe('rebuilding');
    for (const name of batchNames[0]!.filter((n) => n !== 'k8s-master-02')) expect(statuses[name]).toBe('running');
    expect(result.stats['k8s-master-01']).toMatchObject({ failed: 0 });
    const log = logOf(1);
    expect(log).toContain('Batch 1 - FAILED');
    expect(JSON.parse(/Servers: (.*)/.exec(log)![1]!)).toEqual(batchNames[0]!.filter((n) => n !== 'k8s-master-02'));
    expect(log).toContain('Failed: ["k8s-master-02"]');
    expect(existsSync(join(fleet.project!.dir, 'logs/phase1/batch-2-complete.log'))).toBe(false);
    expect(bastionRequests(sim)).toEqual([]);
  }, 120_000);

  // The storm starts when batch 3 starts, with its five servers' requests and the action poller in flight.
  // 429 is retried for as long as it takes; 503 6 times per request (backoff up to 16 s): 20 answers spread over
  // the concurrent requests are absorbed, a longer outage would fail the task.
  it.each([
    ['429', { errorStorm: { status: 429, count: 60 } }],
    ['503', { errorStorm: { status: 503, count: 20 } }],
  ] as const)('absorbs a %s storm in the middle of a batch', async (_status, faults) => {
    const sim = await startSim();
    let included = 0;
    const { result, events: seen } = await reset({ onEvent: (e) => e.type === 'included' && ++included === 3 && sim.setFault(faults) });
    expect(result.exitCode, failures(seen)).toBe(0);
    expect(sim.requests().filter((r) => r.fault === 'storm').length).toBeGreaterThan(10);
    expect(rebuiltIds(sim.requests())).toHaveLength(47);
    expect(sim.state().volumes).toEqual([]);
    expect(bastionRequests(sim)).toEqual([]);
  }, 120_000);

  it('a server of the order missing in the cloud fails clearly before any change', async () => {
    const seed = fleetSeed();
    seed.servers = seed.servers!.filter((s) => s.name !== 'redis-02');
    seed.volumes = seed.volumes!.filter((v) => v.server !== 'redis-02');
    const sim = await startSim({ seed });
    const { result, events: seen } = await reset();
    expect(result.exitCode).toBe(2);
    expect(result.failedHosts).toEqual(['localhost']);
    const failure = seen.find((e) => e['type'] === 'host_result' && e['status'] === 'failed');
    expect(String((failure?.['result'] as Record<string, unknown>)['msg'])).toContain('not found in the cloud: redis-02');
    expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(existsSync(join(fleet.project!.dir, 'logs'))).toBe(false);
  }, 60_000);

  it('refuses an order file that lists a bastion before any API call', async () => {
    const sim = await startSim();
    fleet.project = tempProject();
    const bad = JSON.parse(readFileSync(join(ROOT, 'servers/rebuild_order_v3.json'), 'utf8'));
    bad.batches[0].servers.push({ ...bad.batches[0].servers[0], hostname: 'install-v3' });
    const file = fleet.project.write('order.json', JSON.stringify(bad));
    const { result, events: seen } = await reset({ extraVars: { rebuild_order_file: file } });
    expect(result.exitCode).toBe(2);
    const failure = seen.find((e) => e['type'] === 'host_result' && e['status'] === 'failed');
    expect(String((failure?.['result'] as Record<string, unknown>)['msg'])).toContain('lists a bastion');
    expect(sim.requests()).toEqual([]);
  }, 60_000);

  it('--check sends no mutating request and shows the plan per batch', async () => {
    const sim = await startSim();
    const { result, events: seen } = await reset({ check: true });
    expect(result.exitCode, failures(seen)).toBe(0);
    expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(sim.state().volumes).toHaveLength(40);
    const planTask = seen.find((e) => e['type'] === 'host_result' && String((e['task'] as Record<string, unknown>)?.['name']).startsWith('Plan') && (e['result'] as Record<string, unknown>)['results']);
    const plan = ((planTask?.['result'] as Record<string, unknown>)['results'] as Array<Record<string, unknown>>).map((r) => String(r['msg']));
    expect(plan).toHaveLength(10);
    expect(plan[0]).toContain('batch 1/10: rebuild k8s-master-01, k8s-master-02, k8s-master-03, k8s-worker-01, k8s-worker-02 with ubuntu-24.04');
    expect(plan.join('\n')).toContain('vol-minio-01');
    expect(existsSync(join(fleet.project!.dir, 'logs/phase1/batch-1-complete.log'))).toBe(false);
    expect(bastionRequests(sim)).toEqual([]);
  }, 120_000);
});

describe('kbrun --sim playbooks/reset_hetzner.yml', () => {
  it('runs the whole reset from the repository ROOT in well under a minute', async () => {
    fleet.project = tempProject();
    const started = Date.now();
    const run = await runKbrun(['--sim', '-i', 'inventory/hosts.yml', '--output', 'json', '-e', `kbrun_var_dir=${fleet.project.dir}`, 'playbooks/reset_hetzner.yml'], { cwd: ROOT });
    expect(run.code, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    const recap = events(run.stdout).find((e) => e['type'] === 'recap')!['hosts'] as Record<string, Record<string, number>>;
    expect(Object.keys(recap).filter((h) => h !== 'localhost')).toHaveLength(47);
    expect(Object.values(recap).every((s) => s['failed'] === 0)).toBe(true);
    expect(readdirSync(join(fleet.project.dir, 'logs/phase1'))).toHaveLength(10);
  }, 90_000);
});
