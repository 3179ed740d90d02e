// bench/engine: 1,000 hosts × 50 tasks of debug/set_fact on the local connection, through the library API.
// Usage: npm run bench:engine [-- --hosts 1000 --tasks 50 --runs 5]
// Prints the median wall time per task-host over the runs and the peak RSS of this process, then the median
// wall time of the whole `kbrun --output json` command on the same playbook (process start and output included).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runPlaybook } from '@kbrun/core';
import { builtinModules } from '@kbrun/modules-builtin';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '1000' }, tasks: { type: 'string', default: '50' }, runs: { type: 'string', default: '5' } } });
const hosts = Number(values.hosts);
const tasks = Number(values.tasks);
const runs = Number(values.runs);

const dir = mkdtempSync(join(tmpdir(), 'kbrun-bench-engine-'));
const inventory = ['all:', '  vars:', '    ansible_connection: local', '    base: 10', '  hosts:'];
for (let i = 0; i < hosts; i++) inventory.push(`    host${String(i).padStart(4, '0')}: { n: ${i} }`);
writeFileSync(join(dir, 'hosts.yml'), `${inventory.join('\n')}\n`);
const play = ['- hosts: all', '  gather_facts: false', '  tasks:'];
for (let t = 0; t < tasks; t++) {
  if (t % 2 === 0) play.push(`    - name: fact ${t}`, `      set_fact: { f${t}: "{{ n }}", total: "{{ base }}" }`);
  else play.push(`    - name: debug ${t}`, `      debug: { msg: "host {{ inventory_hostname }} n={{ n }} f={{ f${t - 1} }}" }`, `      when: n >= 0`);
}
writeFileSync(join(dir, 'site.yml'), `${play.join('\n')}\n`);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const times = [];
let events = 0;
for (let r = 0; r < runs; r++) {
  const start = performance.now();
  const result = await runPlaybook({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'hosts.yml')], modules: [builtinModules], forks: 50, onEvent: () => events++ });
  times.push(performance.now() - start);
  if (result.exitCode !== 0) throw new Error(`run failed with exit code ${result.exitCode}`);
}
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const bin = new URL('../../packages/cli/bin/kbrun.js', import.meta.url).pathname;
const cliTimes = [];
for (let r = 0; r < runs; r++) {
  const start = performance.now();
  const cli = spawnSync(process.execPath, [bin, '--output', 'json', '-i', join(dir, 'hosts.yml'), join(dir, 'site.yml')], { stdio: ['ignore', 'ignore', 'inherit'] });
  cliTimes.push(performance.now() - start);
  if (cli.status !== 0) throw new Error(`kbrun exited with ${cli.status}`);
}
rmSync(dir, { recursive: true, force: true });

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const perTaskHost = (median(times) * 1000) / (hosts * tasks);
console.log(
  JSON.stringify({
    hosts,
    tasks,
    runs,
    medianMs: Math.round(median(times)),
    perTaskHostUs: Number(perTaskHost.toFixed(1)),
    peakRssMB: Math.round(peakRss / 2 ** 20),
    eventsPerRun: events / runs,
    cliMedianMs: Math.round(median(cliTimes)),
    cliPerTaskHostUs: Number(((median(cliTimes) * 1000) / (hosts * tasks)).toFixed(1)),
    node: process.version,
  }),
);
