// bench/lab: boot time and memory of lab hosts, many at once on this machine.
// Usage: npm run bench:lab [-- --hosts db-postgres-01,…]   (root; debootstrap and systemd-nspawn installed)
//
// In a lab of its own (KBRUN_LAB=bench<pid>, other labs untouched), through the kbrun binary, one JSON line each:
//   1. up       — `kbrun lab up` of the hosts at once (default: 12 fleet hosts of modules 3–5): wall time, and per host
//                 the time from starting systemd-nspawn to its sshd answering through its loopback endpoint;
//   2. running  — per host, how long after `up` returned `systemctl is-system-running --wait` took to answer, and what;
//   3. memory   — once every host is running and settled (10 s): each host's PSS (its processes' share of the
//                 machine's memory, as `kbrun lab status` shows), its RSS (shared pages counted per host: an upper
//                 bound), the forwarder's RSS, and the machine's MemAvailable drop since before `up` (indicative:
//                 other work on the machine moves it);
//   4. restart  — `kbrun lab stop` (SIGKILL) then `kbrun lab start` of one host: the start's wall time.
// The base image and package repository are built first if the machine has none (reported, not counted in `up`).
// `kbrun lab down` runs at the end, also on errors, and must leave nothing.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const DEFAULT_HOSTS = [
  'db-postgres-01', 'db-postgres-02', 'db-postgres-03',
  'redis-01', 'redis-02', 'redis-03',
  'haproxy-01', 'haproxy-02',
  'queue-01', 'queue-02', 'queue-03', 'proxysql-01',
];
const { values } = parseArgs({ options: { hosts: { type: 'string', default: DEFAULT_HOSTS.join(',') } } });
const hosts = values.hosts.split(',').map((h) => h.trim()).filter(Boolean);
const root = fileURLToPath(new URL('../../', import.meta.url));
const KBRUN = join(root, 'packages/cli/bin/kbrun.js');
const env = { ...process.env, KBRUN_LOOPBACK_ONLY: '1', KBRUN_LAB: `bench${process.pid}`, NO_COLOR: '1' };
const emit = (record) => console.log(JSON.stringify(record));

if (process.getuid?.() !== 0) {
  emit({ bench: 'lab', skipped: 'kbrun lab needs root' });
  process.exit(0);
}

function kbrun(...args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [KBRUN, ...args], { cwd: root, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}
const memAvailable = () => Number(/^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))[1]) * 1024;
const mib = (bytes) => Math.round(bytes / 2 ** 20);
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const rssOf = (pid) => {
  try {
    return Number(/^Rss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]) * 1024;
  } catch {
    return 0;
  }
};
function rssOfPidNamespace(leader) {
  const ns = readlinkSync(`/proc/${leader}/ns/pid`);
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/pid`) === ns) total += rssOf(entry);
    } catch {
      // gone
    }
  }
  return total;
}

try {
  // The base image and repository first (a no-op when cached), so `up` below measures booting only.
  const warm = kbrun('lab', 'up', hosts[0]);
  if (warm.code !== 0) throw new Error(`kbrun lab up ${hosts[0]} failed:\n${warm.stderr}`);
  const built = warm.stderr.split('\n').filter((l) => /built in/.test(l));
  if (built.length > 0) emit({ bench: 'lab', step: 'cache', built });
  kbrun('lab', 'down');

  const before = memAvailable();
  const up = kbrun('lab', 'up', ...hosts);
  if (up.code !== 0) throw new Error(`kbrun lab up failed:\n${up.stderr}`);
  const statusJson = () => {
    const run = kbrun('lab', 'status', '--json');
    if (run.code !== 0) throw new Error(`kbrun lab status failed (${run.code}):\n${run.stderr}`);
    return JSON.parse(run.stdout);
  };
  const status = () => statusJson().hosts;
  const booted = status();
  const boots = booted.map((h) => h.bootMs);
  emit({ bench: 'lab', step: 'up', hosts: hosts.length, wallMs: Math.round(up.ms), sshdMs: Object.fromEntries(booted.map((h) => [h.name, h.bootMs])), sshdMsMedian: median(boots), sshdMsMax: Math.max(...boots) });

  const running = {};
  for (const host of hosts) {
    const run = kbrun('lab', 'exec', host, '--', 'systemctl', 'is-system-running', '--wait');
    running[host] = { state: run.stdout.trim(), afterUpMs: Math.round(run.ms) };
    if (running[host].state !== 'running') running[host].failed = kbrun('lab', 'exec', host, '--', 'systemctl', '--failed', '--no-legend', '--plain').stdout.trim();
  }
  emit({ bench: 'lab', step: 'running', hosts: running });

  await new Promise((r) => setTimeout(r, 10_000));
  const settledJson = statusJson();
  const settled = settledJson.hosts;
  const pss = settled.map((h) => h.memoryBytes);
  // RSS counts the pages hosts share (the base image's binaries and libraries) once per host: an upper bound.
  const rss = settled.map((h) => rssOfPidNamespace(settledJson.state.hosts[h.name].leader.pid));
  const forwarders = [...new Set(Object.values(settledJson.state.hosts).map((h) => h.forwarder.pid))];
  emit({
    bench: 'lab',
    step: 'memory',
    pssMiB: Object.fromEntries(settled.map((h) => [h.name, mib(h.memoryBytes)])),
    pssMiBMedian: mib(median(pss)),
    pssMiBTotal: mib(pss.reduce((a, b) => a + b, 0)),
    rssMiBMedian: mib(median(rss)),
    forwarderRssMiB: forwarders.map((pid) => mib(rssOf(pid))),
    // Other work on the machine moves this too: indicative only.
    memAvailableDropMiB: mib(before - memAvailable()),
  });

  const victim = hosts[0];
  kbrun('lab', 'stop', victim);
  const start = kbrun('lab', 'start', victim);
  emit({ bench: 'lab', step: 'restart', host: victim, startWallMs: Math.round(start.ms), sshdMs: status().find((h) => h.name === victim).bootMs });
} finally {
  const down = kbrun('lab', 'down');
  emit({ bench: 'lab', step: 'down', code: down.code, report: down.stdout.trim(), leftovers: down.stderr.trim() || undefined });
}
