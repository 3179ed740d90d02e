// bench/reset: the simulated reset of the 47 KeyBuzz v3 servers (playbooks/reset_hetzner.yml, inventory/hosts.yml)
// against the Hetzner simulator (in a worker thread, see simulator-worker.mjs) with its realistic action durations,
// simulator and engine clock at the same time scale. Usage: npm run bench:reset [-- --scale 0.1 --runs 3]
// Per run it prints one JSON line: wall time, the ideal (two models, see bench/README.md), wall / ideal, the API
// requests the simulator saw and their ratio to "one poll per server per 10 s of simulated time"; then a summary
// line with the medians.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createClock, enableLoopbackOnly, runPlaybook, setAddressMap } from '@kbrun/core';
import { closeHcloudClients, configureHcloudClients, hcloudModules } from '@kbrun/hcloud';
import { DEFAULT_DURATIONS } from '@kbrun/hcloud-sim';
import { builtinModules } from '@kbrun/modules-builtin';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '0.1' }, runs: { type: 'string', default: '3' } } });
const scale = Number(values.scale);
const runs = Number(values.runs);

const root = new URL('../..', import.meta.url).pathname;
const PLAYBOOK = join(root, 'playbooks/reset_hetzner.yml');
const INVENTORY = join(root, 'inventory/hosts.yml');
const BASTIONS = ['install-01', 'install-v3'];
const TOKEN = 'bench-reset-token';
const order = JSON.parse(readFileSync(join(root, 'servers/rebuild_order_v3.json'), 'utf8'));
const batches = order.batches.map((b) => b.servers.map((s) => s.hostname));
const serverCount = batches.flat().length;

enableLoopbackOnly();
const loadAtStart = loadavg().map((l) => Number(l.toFixed(2)));

async function oneRun(run) {
  const worker = new Worker(new URL('./simulator-worker.mjs', import.meta.url), {
    workerData: { seedFiles: [join(root, 'servers/servers_v3.tsv'), join(root, 'servers/existing_volumes_v3.json')], scale, token: TOKEN },
  });
  const exited = once(worker, 'exit');
  const [{ url, ssh, state: before }] = await once(worker, 'message');
  // As kbrun --sim: the public IPs' port 22 goes to the simulator's SSH banner listeners.
  setAddressMap((host, port) => (port === 22 ? ssh[host] : undefined));
  const nameById = new Map(before.servers.map((s) => [s.id, s.name]));
  const volumesOf = new Map();
  for (const v of before.volumes) if (v.server) volumesOf.set(nameById.get(v.server), (volumesOf.get(nameById.get(v.server)) ?? 0) + 1);

  const varDir = mkdtempSync(join(tmpdir(), 'kbrun-bench-reset-'));
  const clock = createClock(scale);
  configureHcloudClients({ sleep: (ms, signal) => clock.sleep(ms, signal), env: { HCLOUD_ENDPOINT: url, HCLOUD_TOKEN: TOKEN } });
  let rebuildPlayStart;
  const batchStarts = [];
  const start = performance.now();
  const result = await runPlaybook({
    playbook: PLAYBOOK,
    inventory: [INVENTORY],
    modules: [builtinModules, hcloudModules],
    protectedHosts: BASTIONS,
    clock,
    extraVars: { kbrun_var_dir: varDir },
    onEvent: (e) => {
      if (e.type === 'play_start' && rebuildPlayStart === undefined && /rebuild/i.test(String(e.name ?? e.play ?? ''))) rebuildPlayStart = performance.now();
      if (e.type === 'task_start' && /^batch: 1\. get server info/.test(String(e.task?.name ?? ''))) batchStarts.push(performance.now());
    },
  });
  const wallMs = performance.now() - start;
  if (result.exitCode !== 0) throw new Error(`run ${run}: exit code ${result.exitCode}, failed ${JSON.stringify(result.failedHosts)}`);

  // Ideal, model: per batch, the slowest server's operations at the simulator's durations (simulated seconds):
  // detach (detach_volume per attached volume, one after the other) + delete volume (the API answers 204 at once,
  // no action) + rebuild (rebuild_server; the server is `running` the moment it ends) + SSH port (opened by the
  // simulator when the server turns running: 0 s).
  const d = DEFAULT_DURATIONS;
  const modelSec = batches.map((names) => Math.max(...names.map((n) => (volumesOf.get(n) ?? 0) * d.detach_volume + d.rebuild_server)));
  const idealModelMs = modelSec.reduce((a, b) => a + b, 0) * 1000 * scale;

  // Ideal, measured: per batch, from the first action's start to the last action's finish (simulator's action log).
  worker.postMessage('finish');
  const [{ state: after, requests }] = await once(worker, 'message');
  const batchOf = new Map(batches.flatMap((names, i) => names.map((n) => [n, i])));
  const volumeServer = new Map(before.volumes.map((v) => [v.id, nameById.get(v.server)]));
  const spans = batches.map(() => ({ from: Infinity, to: -Infinity }));
  for (const a of after.actions) {
    const res = a.resources.find((r) => r.type === 'server') ?? a.resources.find((r) => r.type === 'volume');
    const name = res?.type === 'server' ? nameById.get(res.id) : volumeServer.get(res?.id);
    const i = batchOf.get(name);
    if (i === undefined || !a.finished) continue;
    spans[i].from = Math.min(spans[i].from, Date.parse(a.started));
    spans[i].to = Math.max(spans[i].to, Date.parse(a.finished));
  }
  const actionSec = spans.map((s) => (s.to - s.from) / 1000);
  const idealActionsMs = actionSec.reduce((a, b) => a + b, 0) * 1000 * scale;

  const kinds = {};
  for (const r of requests) {
    const kind = `${r.method} ${r.path.replace(/\/\d+/g, '/{id}').replace(/^\/v1/, '')}`;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  const simulatedSec = wallMs / 1000 / scale;
  const pollBudget = (serverCount * simulatedSec) / 10;
  const rebuilt = after.servers.filter((s) => !BASTIONS.includes(s.name) && s.status === 'running').length;
  const batchWallMs = batchStarts.map((t, i) => Math.round((batchStarts[i + 1] ?? start + wallMs) - t));

  await closeHcloudClients();
  setAddressMap(undefined);
  await exited;
  rmSync(varDir, { recursive: true, force: true });
  return {
    run,
    scale,
    wallMs: Math.round(wallMs),
    preflightMs: rebuildPlayStart ? Math.round(rebuildPlayStart - start) : undefined,
    idealModelMs: Math.round(idealModelMs),
    idealActionsMs: Math.round(idealActionsMs),
    wallOverIdealModel: Number((wallMs / idealModelMs).toFixed(3)),
    wallOverIdealActions: Number((wallMs / idealActionsMs).toFixed(3)),
    simulatedSec: Number(simulatedSec.toFixed(1)),
    requests: requests.length,
    pollBudget: Math.round(pollBudget),
    requestRatio: Number((requests.length / pollBudget).toFixed(3)),
    rebuilt,
    volumesLeft: after.volumes.length,
    batchModelSec: modelSec,
    batchActionSec: actionSec,
    batchWallMs,
    requestKinds: kinds,
  };
}

const results = [];
for (let r = 1; r <= runs; r++) {
  const line = await oneRun(r);
  results.push(line);
  console.log(JSON.stringify(line));
}
const median = (key) => [...results.map((x) => x[key])].sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(
  JSON.stringify({
    summary: true,
    runs,
    scale,
    servers: serverCount,
    batches: batches.length,
    medianWallMs: median('wallMs'),
    idealModelMs: median('idealModelMs'),
    medianIdealActionsMs: median('idealActionsMs'),
    medianWallOverIdealModel: median('wallOverIdealModel'),
    medianWallOverIdealActions: median('wallOverIdealActions'),
    medianRequests: median('requests'),
    medianRequestRatio: median('requestRatio'),
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    date: new Date().toISOString(),
  }),
);
