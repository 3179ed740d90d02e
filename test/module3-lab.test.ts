import { randomInt } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { afterAll, describe, expect } from 'vitest';
import { labPrerequisitesMissing } from '@kbrun/lab';
import { requires } from './helpers/prerequisite.js';
import { events, recapOf, runKbrun, type KbrunRun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

// Module 3 (playbooks/03_postgresql_ha.yml) on the fleet's own hosts in a lab of their own (KBRUN_LAB), through the
// kbrun binary and `kbrun lab` itself: db-postgres-01..03 (Patroni, Raft) and haproxy-01/02 (HAProxy, PgBouncer).
// From nothing the playbook exits 0; a second run changes nothing and --check on the installed hosts reports no
// change; every generated configuration passes its program's validation (and a broken one is refused); a client
// on haproxy-01 writes through 5432 (leader) and 6432 (PgBouncer); the failover test playbook passes; then the
// leader's machine is crashed (`kbrun lab stop`, SIGKILL) and clients through 5432 and 6432 write again — the time
// from the stop to the first successful write is measured (lab hosts share the machine's clock), as is the install
// time; the old leader's machine boots again and rejoins as a replica. No generated secret appears in any output.
// Module 2 is not run: the test formats and mounts each db volume at /data/db_postgres itself (fstab, so a
// restarted machine mounts it again, as a server does), the minimal part of Module 2 the patroni role needs.
// Needs root, debootstrap and systemd-nspawn (CI=true fails without them).
const root = new URL('..', import.meta.url).pathname;
const playbook = `${root}playbooks/03_postgresql_ha.yml`;
const failoverPlaybook = `${root}playbooks/tests/postgresql_failover.yml`;
const lab = `m3t${process.pid}`;
const DB = ['db-postgres-01', 'db-postgres-02', 'db-postgres-03'] as const;
const LB = ['haproxy-01', 'haproxy-02'] as const;
const it = requires(labPrerequisitesMissing());

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const secret = () => Array.from({ length: 32 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
const SECRETS: Record<string, string> = Object.fromEntries(
  ['postgres_superuser_password', 'postgres_replication_password', 'postgres_rewind_password', 'pgbouncer_auth_password', 'keybuzz_db_password', 'patroni_restapi_password'].map((n) => [n, secret()]),
);
const outputs: string[] = [];
const measured: Record<string, number> = {};
let project: TempProject | undefined;
let secretsFile = '';

async function kbrun(args: readonly string[], input?: string): Promise<KbrunRun> {
  const run = await runKbrun(args, { cwd: root, env: { KBRUN_LAB: lab }, ...(input === undefined ? {} : { input }) });
  outputs.push(run.stdout, run.stderr);
  return run;
}

const sh = (host: string, script: string, input?: string) => kbrun(['lab', 'exec', host, '--', 'sh', '-c', script], input);

/** Runs the playbook on the five hosts with the generated secrets, JSON output. */
const play = (file: string, ...extra: string[]) => kbrun(['--lab', '--output', 'json', '-e', `@${secretsFile}`, ...extra, '-l', 'db_postgres,lb_internal', file]);

function failures(run: KbrunRun): string {
  return events(run.stdout)
    .filter((e) => e['type'] === 'host_result' && e['status'] === 'failed')
    .map((e) => `${String(e['host'])} ${String(e['task'])}: ${JSON.stringify((e['result'] as Record<string, unknown>)['msg'])}`)
    .join('\n');
}

function changed(run: KbrunRun): string[] {
  return events(run.stdout)
    .filter((e) => e['type'] === 'host_result' && e['status'] === 'changed' && e['loop'] !== true)
    .map((e) => `${String(e['host'])} ${String(e['task'])}`);
}

/**
 * A client on `host` writing through its 127.0.0.1:`port` as the application's user (the password on standard
 * input): retries every 0.2 s until a write succeeds or `seconds` pass; prints the time of success (ns).
 */
function writeUntilOk(host: string, port: number, table: string, seconds: number): Promise<KbrunRun> {
  const script = [
    'IFS= read -r PGPASSWORD; export PGPASSWORD',
    `end=$(( $(date +%s) + ${seconds} ))`,
    'while [ "$(date +%s)" -lt "$end" ]; do',
    `  if psql -X -q -A -t -v ON_ERROR_STOP=1 "host=127.0.0.1 port=${port} user=keybuzz dbname=keybuzz connect_timeout=2" -c "CREATE TABLE IF NOT EXISTS ${table} (at timestamptz DEFAULT now()); INSERT INTO ${table} DEFAULT VALUES" >/dev/null 2>&1; then date +%s%N; exit 0; fi`,
    '  sleep 0.2',
    'done',
    'exit 1',
  ].join('\n');
  return sh(host, script, `${SECRETS['keybuzz_db_password']}\n`);
}

/** Patroni's view of the cluster from `host` (patronictl list as JSON). */
async function members(host: string): Promise<Array<Record<string, unknown>>> {
  const run = await kbrun(['lab', 'exec', host, '--', 'patronictl', '-c', '/etc/patroni/config.yml', 'list', '-f', 'json']);
  return run.code === 0 ? (JSON.parse(run.stdout) as Array<Record<string, unknown>>) : [];
}

describe('Module 3 — PostgreSQL HA on lab hosts', () => {
  afterAll(async () => {
    if (labPrerequisitesMissing() === undefined) await runKbrun(['lab', 'down'], { cwd: root, env: { KBRUN_LAB: lab } });
    project?.cleanup();
    if (Object.keys(measured).length > 0) console.log(`module3-lab measured: ${JSON.stringify(measured)}`);
  }, 180_000);

  it('boots the five hosts and mounts each database volume at /data/db_postgres', async () => {
    const up = await kbrun(['lab', 'up', ...DB, ...LB]);
    expect(up.code, up.stderr).toBe(0);
    for (const host of DB) {
      const prep = await sh(host, 'mkfs.xfs -q -f /dev/sdb && mkdir -p /data/db_postgres && echo "/dev/sdb /data/db_postgres xfs defaults,noatime 0 0" >> /etc/fstab && mount /data/db_postgres && findmnt -n -o FSTYPE /data/db_postgres');
      expect(prep.stdout.trim(), prep.stderr).toBe('xfs');
    }
    project = tempProject();
    secretsFile = project.write('secrets.yml', Object.entries(SECRETS).map(([k, v]) => `${k}: ${v}\n`).join(''));
    chmodSync(secretsFile, 0o600);
  }, 1_800_000);

  it('installs from nothing (exit 0), then a second run and --check change nothing', async () => {
    const started = Date.now();
    const first = await play(playbook);
    measured['install_seconds'] = Math.round((Date.now() - started) / 100) / 10;
    expect(failures(first)).toBe('');
    expect(first.code, first.stderr).toBe(0);
    const second = await play(playbook);
    expect(second.code, second.stderr + failures(second)).toBe(0);
    expect(changed(second)).toEqual([]);
    for (const host of [...DB, ...LB]) expect(recapOf(second.stdout)[host]).toMatchObject({ changed: 0, failed: 0 });
    const check = await play(playbook, '--check');
    expect(check.code, check.stderr + failures(check)).toBe(0);
    expect(changed(check)).toEqual([]);
  }, 1_800_000);

  it('every generated configuration passes its program and a broken one is refused', async () => {
    for (const host of DB) {
      expect((await sh(host, '/usr/local/lib/kbrun/patroni-validate-config /etc/patroni/config.yml')).code).toBe(0);
      const broken = await sh(host, 'grep -v "^scope:" /etc/patroni/config.yml > /root/bad.yml && /usr/local/lib/kbrun/patroni-validate-config /root/bad.yml; echo "rc=$?"; rm -f /root/bad.yml');
      expect(broken.stdout).toBe('rc=1\n');
      expect(broken.stderr).toMatch(/scope\s+is not defined/);
      expect((await sh(host, 'pg_lsclusters -h | wc -l; systemctl is-enabled postgresql; stat -c %U:%a /etc/patroni/config.yml')).stdout).toBe('0\ndisabled\npostgres:600\n');
    }
    for (const host of LB) {
      expect((await sh(host, 'haproxy -c -q -f /etc/haproxy/haproxy.cfg -f /etc/haproxy/conf.d')).code).toBe(0);
      expect((await sh(host, 'haproxy -c -q -f /etc/haproxy/haproxy.cfg -f /etc/haproxy/conf.d/10-postgresql.cfg -f /etc/haproxy/conf.d/20-pgbouncer.cfg')).code).toBe(0);
      expect((await sh(host, 'printf "listen x\\n bogus_keyword 1\\n" > /root/bad.cfg; haproxy -c -q -f /etc/haproxy/haproxy.cfg -f /root/bad.cfg')).code).not.toBe(0);
      expect((await sh(host, '/usr/local/lib/kbrun/pgbouncer-validate-config /etc/pgbouncer/pgbouncer.ini postgres')).code).toBe(0);
      const broken = await sh(host, 'sed "s/^pool_mode = .*/pool_mode = sometimes/" /etc/pgbouncer/pgbouncer.ini > /root/bad.ini && /usr/local/lib/kbrun/pgbouncer-validate-config /root/bad.ini postgres; echo "rc=$?"');
      expect(broken.stdout).toBe('rc=1\n');
      expect(broken.stderr).toMatch(/pool_mode/);
      const state = (await sh(host, 'stat -c %U:%a /etc/pgbouncer/userlist.txt; ss -ltnH | awk \'{print $4}\'')).stdout;
      expect(state).toMatch(/^postgres:600\n/);
      for (const listen of ['0.0.0.0:5432', '0.0.0.0:5433', '0.0.0.0:6432', '127.0.0.1:6433']) expect(state.split('\n')).toContain(listen);
    }
  }, 600_000);

  it('a client on haproxy-01 writes through 5432 (leader) and 6432 (PgBouncer); the extension is on every node', async () => {
    for (const port of [5432, 6432]) {
      const write = await writeUntilOk('haproxy-01', port, 'module3_probe', 30);
      expect(write.code, write.stderr).toBe(0);
    }
    const view = await members('db-postgres-01');
    expect(view.map((m) => m['Role']).sort()).toEqual(['Leader', 'Replica', 'Replica']);
    for (const host of DB) {
      const ext = await sh(host, 'runuser -u postgres -- psql -X -A -t -d keybuzz -c "SELECT extname FROM pg_extension WHERE extname = \'pg_trgm\'"');
      expect(ext.stdout.trim(), `${host}: ${ext.stderr}`).toBe('pg_trgm');
    }
  }, 300_000);

  it('the failover test playbook passes (leader stopped, new leader, writes through HAProxy and PgBouncer, rejoin)', async () => {
    const run = await play(failoverPlaybook);
    expect(failures(run)).toBe('');
    expect(run.code, run.stderr).toBe(0);
    const report = events(run.stdout).find((e) => e['type'] === 'host_result' && String(e['task']) === 'Report');
    const msg = String((report?.['result'] as Record<string, unknown> | undefined)?.['msg'] ?? '');
    expect(msg).toMatch(/first write through HAProxy [\d.]+ s after the stop; db-postgres-0\d rejoined as a replica/);
    measured['playbook_service_stop_failover_seconds'] = Number(/HAProxy ([\d.]+) s/.exec(msg)?.[1]);
  }, 600_000);

  it('a crashed leader machine (kbrun lab stop): clients through 5432 and 6432 write again; it rejoins as a replica', async () => {
    const before = await members('db-postgres-01');
    const leader = String(before.find((m) => m['Role'] === 'Leader')?.['Member'] ?? '');
    expect(DB).toContain(leader);
    const witness = DB.find((h) => h !== leader)!;
    const stoppedAt = BigInt(Date.now()) * 1_000_000n;
    const stop = await kbrun(['lab', 'stop', leader]);
    expect(stop.code, stop.stderr).toBe(0);
    const [viaHaproxy, viaPgbouncer] = await Promise.all([writeUntilOk('haproxy-01', 5432, 'module3_failover', 120), writeUntilOk('haproxy-01', 6432, 'module3_failover_pgb', 120)]);
    expect(viaHaproxy.code, viaHaproxy.stderr).toBe(0);
    expect(viaPgbouncer.code, viaPgbouncer.stderr).toBe(0);
    measured['crash_failover_seconds_5432'] = Number((BigInt(viaHaproxy.stdout.trim()) - stoppedAt) / 1_000_000n) / 1000;
    measured['crash_failover_seconds_6432'] = Number((BigInt(viaPgbouncer.stdout.trim()) - stoppedAt) / 1_000_000n) / 1000;
    const after = await members(witness);
    const newLeader = String(after.find((m) => m['Role'] === 'Leader')?.['Member'] ?? '');
    expect(newLeader).not.toBe(leader);
    expect(DB).toContain(newLeader);

    const start = await kbrun(['lab', 'start', leader]);
    expect(start.code, start.stderr).toBe(0);
    // As a server's boot does, the restarted machine mounts its volume from fstab and starts Patroni by itself.
    const mounted = await sh(leader, 'mountpoint /data/db_postgres');
    expect(mounted.code, mounted.stderr).toBe(0);
    const deadline = Date.now() + 180_000;
    let rejoined: Record<string, unknown> | undefined;
    while (Date.now() < deadline) {
      rejoined = (await members(witness)).find((m) => m['Member'] === leader && m['Role'] === 'Replica' && ['running', 'streaming'].includes(String(m['State'])));
      if (rejoined) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(rejoined, `${leader} did not rejoin as a replica`).toBeDefined();
    // Its data is the new leader's: the rows written during the failover are there.
    const rows = await sh(leader, 'sleep 2; runuser -u postgres -- psql -X -A -t -d keybuzz -c "SELECT count(*) > 0 FROM module3_failover"');
    expect(rows.stdout.trim(), rows.stderr).toBe('t');
  }, 900_000);

  it('no generated secret appears in any output', () => {
    const all = outputs.join('\n');
    for (const [name, value] of Object.entries(SECRETS)) expect(all.includes(value), `${name} appears in an output`).toBe(false);
  });
});
