// bench/ssh: kbrun over SSH against real OpenSSH servers on loopback addresses.
// Usage: npm run bench:ssh [-- --hosts 50 --tasks 20 --runs 3 --first-address 100 --ansible-runs 1 --no-ansible --cpu-prof DIR]
//
// Starts `--hosts` sshd processes with the test harness (test/helpers/sshd-harness.ts, loaded through ts-hooks.mjs),
// then measures, one JSON line each:
//   1. command   — `kbrun --output json` on `--tasks` tasks of `command: true` (gather_facts: false, forks 50), `--runs`
//                  times: wall time of the whole process, peak RSS, and the steady state read from the JSON events
//                  as they arrive (from the second task_start to the last host_result: connections already open);
//   2. mixed     — file (directory), copy (content), template, lineinfile on a per-host directory, run twice; the
//                  second run must report changed=0 for every host;
//   3. floor     — the same number of bare ssh2 `exec('true')` round trips on already-open connections, in this
//                  process: one connection per host, then per task all hosts at once (as kbrun's linear strategy);
//   4. ansible   — `ansible-playbook` with pipelining on the same inventory and the same command playbook (skipped,
//                  with a message, when ansible-playbook is not installed; never a dependency of the project).
// Then one `summary` line with the ratios. Every sshd the harness started is stopped at the end, also on errors.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '50' },
    tasks: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    'first-address': { type: 'string', default: '100' },
    'ansible-runs': { type: 'string', default: '1' },
    'no-ansible': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const hosts = Number(values.hosts);
const tasks = Number(values.tasks);
const runs = Number(values.runs);
// 127.0.0.100 upward: clear of the addresses the SSH tests use (10…, 21, 41, 50…, 80…), should they run at the same time.
const firstAddress = Number(values['first-address']);
const ansibleRuns = values['no-ansible'] ? 0 : Number(values['ansible-runs']);
if (!(hosts >= 1 && firstAddress >= 2 && firstAddress + hosts - 1 <= 254)) throw new Error('--hosts/--first-address must stay within 127.0.0.2-254');
process.env.KBRUN_LOOPBACK_ONLY = '1';

const root = fileURLToPath(new URL('../../', import.meta.url));
const KBRUN = join(root, 'packages/cli/bin/kbrun.js');
const TIME = '/usr/bin/time';
const ANSIBLE = '/usr/bin/ansible-playbook';

register('./ts-hooks.mjs', import.meta.url);
const { startSshdHarness, sshdMissing } = await import('../../test/helpers/sshd-harness.ts');
if (sshdMissing !== undefined) {
  console.log(JSON.stringify({ bench: 'ssh', skipped: sshdMissing }));
  process.exit(0);
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ms = (n) => Math.round(n);
const us = (n) => Number(n.toFixed(1));
const emit = (record) => console.log(JSON.stringify(record));

const dir = mkdtempSync(join(tmpdir(), 'kbrun-bench-ssh-'));
const remoteRoot = join(dir, 'remote'); // each host's files go to remote/<inventory name>: all hosts are this machine
mkdirSync(remoteRoot);
const started = Date.now();
const load = loadavg().map((n) => Number(n.toFixed(2)));
let harness;
try {
  const harnessStart = performance.now();
  harness = await startSshdHarness({ count: hosts, firstAddress });
  emit({ bench: 'ssh', step: 'harness', hosts, firstAddress: `127.0.0.${firstAddress}`, startMs: ms(performance.now() - harnessStart), loadavg: load });
  for (const h of harness.hosts) if (!h.address.startsWith('127.')) throw new Error(`not a loopback address: ${h.address}`);

  const inventory = join(dir, 'hosts.yml');
  writeFileSync(inventory, harness.inventory());
  const commandPlay = join(dir, 'command.yml');
  const play = ['- hosts: all', '  gather_facts: false', '  tasks:'];
  for (let t = 1; t <= tasks; t++) play.push(`    - name: true ${t}`, '      command: "true"');
  writeFileSync(commandPlay, `${play.join('\n')}\n`);

  // 1. kbrun, command: true
  const commandRuns = [];
  for (let r = 0; r < runs; r++) {
    const run = await runKbrun([commandPlay]);
    checkRecap(run, { changed: tasks });
    const record = { bench: 'ssh', step: 'command', run: r + 1, hosts, tasks, ...run.figures };
    commandRuns.push(record);
    emit(record);
  }

  // 2. kbrun, mixed file/template/lineinfile playbook, twice (the second run changes nothing)
  const mixedPlay = join(dir, 'mixed.yml');
  writeFileSync(join(dir, 'app.conf.j2'), ['# {{ inventory_hostname }}: managed by kbrun', 'name={{ inventory_hostname }}', 'port={{ app_port }}', 'workers={{ workers }}', ''].join('\n'));
  writeFileSync(
    mixedPlay,
    [
      '- hosts: all',
      '  gather_facts: false',
      '  vars:',
      '    base: "{{ remote_root }}/{{ inventory_hostname }}"',
      '    app_port: 8080',
      '    workers: 4',
      '  tasks:',
      '    - name: directory',
      '      file: { path: "{{ base }}/etc", state: directory, mode: "0755" }',
      '    - name: data directory',
      '      file: { path: "{{ base }}/data", state: directory, mode: "0700" }',
      '    - name: motd',
      '      copy: { content: "welcome to {{ inventory_hostname }}\\n", dest: "{{ base }}/etc/motd", mode: "0644" }',
      '    - name: version',
      '      copy: { content: "1.2.3\\n", dest: "{{ base }}/data/VERSION", mode: "0600" }',
      '    - name: app.conf',
      '      template: { src: app.conf.j2, dest: "{{ base }}/etc/app.conf", mode: "0644" }',
      '    - name: limits line',
      '      lineinfile: { path: "{{ base }}/etc/limits.conf", regexp: "^nofile=", line: "nofile=65536", create: true, mode: "0644" }',
      '    - name: second line',
      '      lineinfile: { path: "{{ base }}/etc/limits.conf", regexp: "^nproc=", line: "nproc=4096" }',
      '    - name: header line',
      '      lineinfile: { path: "{{ base }}/etc/limits.conf", line: "# managed by kbrun", insertbefore: BOF }',
      '',
    ].join('\n'),
  );
  const mixedTasks = 8;
  const mixedRuns = [];
  for (const [pass, expectChanged] of [
    [1, mixedTasks],
    [2, 0],
  ]) {
    const run = await runKbrun(['-e', `remote_root=${remoteRoot}`, mixedPlay]);
    checkRecap(run, { changed: expectChanged });
    const record = { bench: 'ssh', step: 'mixed', run: pass, hosts, tasks: mixedTasks, changedPerHost: expectChanged, ...run.figures };
    mixedRuns.push(record);
    emit(record);
  }

  // 3. the floor: bare ssh2 exec round trips on already-open connections, in this process
  const floor = await measureFloor();
  emit({ bench: 'ssh', step: 'floor', hosts, rounds: tasks, ...floor });

  // Optional: one more kbrun run with node's CPU profiler (for the README's "where the time goes").
  if (values['cpu-prof']) {
    mkdirSync(values['cpu-prof'], { recursive: true });
    const run = await runKbrun([commandPlay], ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']]);
    emit({ bench: 'ssh', step: 'cpu-prof', dir: values['cpu-prof'], ...run.figures });
  }

  // 4. ansible-playbook with pipelining
  const ansible = [];
  if (ansibleRuns > 0 && !existsSync(ANSIBLE)) emit({ bench: 'ssh', step: 'ansible', skipped: `${ANSIBLE} is not installed (apt-get install ansible-core to compare)` });
  else {
    for (let r = 0; r < ansibleRuns; r++) {
      const record = { bench: 'ssh', step: 'ansible', run: r + 1, hosts, tasks, ...(await runAnsible(inventory, commandPlay)) };
      ansible.push(record);
      emit(record);
    }
  }

  const kbrunWall = median(commandRuns.map((r) => r.wallMs));
  const kbrunSteady = median(commandRuns.map((r) => r.steadyPerTaskHostUs));
  const summary = {
    bench: 'ssh',
    step: 'summary',
    date: new Date(started).toISOString().slice(0, 10),
    node: process.version,
    cores: (await import('node:os')).availableParallelism(),
    loadavgAtStart: load,
    loadavgAtEnd: loadavg().map((n) => Number(n.toFixed(2))),
    hosts,
    tasks,
    runs,
    command: {
      medianWallMs: ms(kbrunWall),
      perTaskHostUs: us((kbrunWall * 1000) / (hosts * tasks)),
      medianSteadyPerTaskHostUs: kbrunSteady,
      medianFirstTaskMs: median(commandRuns.map((r) => r.firstTaskMs)),
      medianStartupMs: median(commandRuns.map((r) => r.startupMs)),
      peakRssMB: Math.max(...commandRuns.map((r) => r.peakRssMB)),
    },
    mixed: mixedRuns.map((r) => ({ run: r.run, wallMs: r.wallMs, perTaskHostUs: r.perTaskHostUs, changedPerHost: r.changedPerHost, peakRssMB: r.peakRssMB })),
    floor: { connectMs: floor.connectMs, execWallMs: floor.medianExecWallMs, perExecUs: floor.perExecUs, connectPlusExecPerTaskHostUs: floor.connectPlusExecPerTaskHostUs },
    steadyVsFloor: Number((kbrunSteady / floor.perExecUs).toFixed(2)),
    wallVsFloorWithConnect: Number((kbrunWall / (floor.connectMs + floor.medianExecWallMs)).toFixed(2)),
    ansible: ansible.length ? { medianWallMs: median(ansible.map((r) => r.wallMs)), peakRssMB: Math.max(...ansible.map((r) => r.peakRssMB)) } : null,
    ansibleVsKbrun: ansible.length ? Number((median(ansible.map((r) => r.wallMs)) / kbrunWall).toFixed(1)) : null,
    totalS: Math.round((Date.now() - started) / 1000),
  };
  summary.targets = {
    within2xOfFloor: summary.steadyVsFloor <= 2,
    tenTimesFasterThanAnsible: summary.ansibleVsKbrun === null ? null : summary.ansibleVsKbrun >= 10,
  };
  emit(summary);
} finally {
  if (harness) await harness.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `kbrun --output json` on the bench inventory; times each event line as it arrives; peak RSS via time(1) or /proc. */
function runKbrun(args, nodeFlags = []) {
  return new Promise((resolve, reject) => {
    const rssFile = join(dir, 'rss');
    rmSync(rssFile, { force: true });
    const useTime = existsSync(TIME);
    const argv = [...nodeFlags, KBRUN, '--output', 'json', '--forks', '50', '-i', join(dir, 'hosts.yml'), ...args];
    const t0 = performance.now();
    const child = useTime
      ? spawn(TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...argv], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } })
      : spawn(process.execPath, argv, { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let hwm = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwm = Math.max(hwm, Number(m[1]));
          } catch {
            // exited
          }
        }, 10);
    const taskStart = new Map();
    const lastResult = new Map();
    let recap;
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      const now = performance.now();
      pending += chunk.toString();
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line.trim()) continue;
        const event = JSON.parse(line);
        if (event.type === 'task_start') taskStart.set(event.task_id, now);
        else if (event.type === 'host_result') lastResult.set(event.task_id, now);
        else if (event.type === 'recap') recap = event.hosts;
      }
    });
    child.stderr.on('data', (d) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - t0;
      if (poll) clearInterval(poll);
      const kb = useTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : hwm;
      const ids = [...taskStart.keys()].sort((a, b) => a - b);
      const n = ids.length;
      const startup = n ? taskStart.get(ids[0]) - t0 : NaN;
      const firstTask = n > 1 ? taskStart.get(ids[1]) - taskStart.get(ids[0]) : NaN;
      // Steady state: from the second task's start to the last task's last result (connections are open by then).
      const steady = n > 1 ? lastResult.get(ids[n - 1]) - taskStart.get(ids[1]) : NaN;
      resolve({
        code,
        stderr,
        recap,
        figures: {
          wallMs: ms(wall),
          perTaskHostUs: us((wall * 1000) / (hosts * Math.max(n, 1))),
          startupMs: ms(startup),
          firstTaskMs: ms(firstTask),
          steadyMs: ms(steady),
          steadyPerTaskHostUs: us((steady * 1000) / (hosts * Math.max(n - 1, 1))),
          peakRssMB: Math.round(kb / 1024),
        },
      });
    });
  });
}

function checkRecap(run, { changed }) {
  if (run.code !== 0 || !run.recap) throw new Error(`kbrun exited with ${run.code}:\n${run.stderr.slice(-4000)}`);
  const names = Object.keys(run.recap);
  if (names.length !== hosts) throw new Error(`recap has ${names.length} hosts, expected ${hosts}`);
  for (const [name, counts] of Object.entries(run.recap)) {
    if (counts.failed || counts.unreachable) throw new Error(`${name}: failed=${counts.failed} unreachable=${counts.unreachable}`);
    if (counts.changed !== changed) throw new Error(`${name}: changed=${counts.changed}, expected ${changed}`);
  }
}

/** One ssh2 connection per host (host keys checked against the harness's keys), then `tasks` rounds of one exec per host at once. */
async function measureFloor() {
  const { Client } = createRequire(join(root, 'packages/ssh/package.json'))('ssh2');
  const privateKey = readFileSync(harness.clientKey);
  const clients = [];
  try {
    const t0 = performance.now();
    await Promise.all(
      harness.hosts.map(
        (h) =>
          new Promise((resolve, reject) => {
            const client = new Client();
            clients.push(client);
            const expected = Buffer.from(h.hostKey.split(' ')[1], 'base64');
            // TCP_NODELAY as kbrun's connections have it: with Nagle on, each round trip waits ~40 ms for delayed ACKs.
            client.once('ready', () => resolve(client.setNoDelay(true))).once('error', reject);
            client.connect({ host: h.address, port: h.port, username: 'root', privateKey, hostVerifier: (key) => expected.equals(key), readyTimeout: 20_000 });
          }),
      ),
    );
    const connectMs = performance.now() - t0;
    const exec = (client) =>
      new Promise((resolve, reject) =>
        client.exec('true', (error, stream) => {
          if (error) return reject(error);
          let code;
          stream.on('exit', (c) => (code = c));
          stream.on('close', () => (code === 0 ? resolve() : reject(new Error(`exec true: exit ${code}`))));
          stream.resume();
          stream.stderr.resume();
          stream.end(); // no stdin: EOF at once, as kbrun does (sshd otherwise waits ~100 ms before closing the channel)
        }),
      );
    const walls = [];
    for (let r = 0; r < runs; r++) {
      const t1 = performance.now();
      for (let round = 0; round < tasks; round++) await Promise.all(clients.map(exec));
      walls.push(performance.now() - t1);
    }
    const execWall = median(walls);
    return {
      connectMs: ms(connectMs),
      execWallMs: walls.map(ms),
      medianExecWallMs: ms(execWall),
      perExecUs: us((execWall * 1000) / (hosts * tasks)),
      connectPlusExecPerTaskHostUs: us(((connectMs + execWall) * 1000) / (hosts * tasks)),
    };
  } finally {
    for (const client of clients) client.end();
  }
}

/** ansible-playbook with pipelining and ControlMaster (its defaults otherwise), forks 50, on the same inventory. */
function runAnsible(inventory, playbook) {
  const controlDir = join(dir, 'ansible-cp');
  mkdirSync(controlDir, { recursive: true });
  const rssFile = join(dir, 'rss-ansible');
  const env = {
    ...process.env,
    ANSIBLE_PIPELINING: '1',
    ANSIBLE_FORKS: '50',
    ANSIBLE_SSH_ARGS: '-C -o ControlMaster=auto -o ControlPersist=60s',
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    // Nothing in ~/.ansible: its home, local and remote temporary directories (the "remote" is this machine) are in
    // the bench's directory, removed at the end.
    ANSIBLE_HOME: join(dir, 'ansible-home'),
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
    ANSIBLE_REMOTE_TEMP: join(dir, 'ansible-remote-tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
  };
  const t0 = performance.now();
  const args = [ANSIBLE, '-f', '50', '-i', inventory, '-e', 'ansible_python_interpreter=/usr/bin/python3', playbook];
  const result = existsSync(TIME)
    ? spawnSync(TIME, ['-f', '%M', '-o', rssFile, ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
    : spawnSync(args[0], args.slice(1), { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wall = performance.now() - t0;
  if (result.status !== 0) throw new Error(`ansible-playbook exited with ${result.status}:\n${(result.stdout + result.stderr).slice(-4000)}`);
  const changed = [...result.stdout.matchAll(/changed=(\d+)/g)].map((m) => Number(m[1]));
  if (changed.length !== hosts || changed.some((c) => c !== tasks)) throw new Error(`ansible recap unexpected:\n${result.stdout.slice(-4000)}`);
  // Ask the ControlPersist masters this run left behind to exit now (they would linger 60 s otherwise).
  for (const h of harness.hosts) {
    spawnSync('/usr/bin/ssh', ['-O', 'exit', '-o', `ControlPath=${controlDir}/%C`, '-p', String(h.port), `root@${h.address}`], { stdio: 'ignore' });
  }
  return {
    wallMs: ms(wall),
    perTaskHostUs: us((wall * 1000) / (hosts * tasks)),
    peakRssMB: existsSync(rssFile) ? Math.round(Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024) : null,
  };
}
