import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect } from 'vitest';
import { labPrerequisitesMissing } from '@kbrun/lab';
import { requires } from './helpers/prerequisite.js';
import { events, recapOf, runKbrun, type KbrunRun } from './helpers/run-kbrun.js';
import { tempProject } from './helpers/temp-project.js';

// Module 4 (Redis HA) on the fleet's own hosts in a lab of their own (KBRUN_LAB), through the kbrun binary:
// playbooks/04_redis_ha.yml installs from nothing, a second run and --check change nothing, every configuration
// passes its program's validation; then two real failovers: the master's redis-server killed (the test playbook
// playbooks/tests/redis_failover.yml) and the master's machine stopped (`kbrun lab stop`). A client through
// haproxy-02:6379 writes again; the old master, back with role:master until the Sentinels demote it, takes no
// write; nothing written through HAProxy is lost. Times are printed (bench/README.md keeps them). No generated
// password appears in any output. Needs root, debootstrap and systemd-nspawn (CI=true fails without them).
const root = new URL('..', import.meta.url).pathname;
const lab = `redis${process.pid}`;
const REDIS = ['redis-01', 'redis-02', 'redis-03'] as const;
const HAPROXY = ['haproxy-01', 'haproxy-02'] as const;
const ADDRESS: Record<string, string> = { 'redis-01': '10.0.0.123', 'redis-02': '10.0.0.124', 'redis-03': '10.0.0.125' };
const it = requires(labPrerequisitesMissing());

const secrets = { redis_password: randomBytes(24).toString('base64url').slice(0, 32), redis_sentinel_password: randomBytes(24).toString('base64url').slice(0, 32) };
const project = tempProject({ 'secrets.yml': `redis_password: ${secrets.redis_password}\nredis_sentinel_password: ${secrets.redis_sentinel_password}\n` });
const outputs: string[] = [];
const figures: Record<string, number> = {};

async function kbrun(args: readonly string[]): Promise<KbrunRun> {
  const run = await runKbrun(args, { cwd: root, env: { KBRUN_LAB: lab } });
  outputs.push(run.stdout, run.stderr);
  return run;
}

function playbook(path: string, ...extra: string[]): Promise<KbrunRun> {
  return kbrun(['--lab', '-e', `@${project.path('secrets.yml')}`, ...extra, path]);
}

async function sh(host: string, script: string): Promise<string> {
  const run = await kbrun(['lab', 'exec', host, '--', 'sh', '-c', script]);
  if (run.code !== 0) throw new Error(`${host}: exit ${run.code}: ${run.stderr}${run.stdout}`);
  return run.stdout.trim();
}

// redis-cli with the password read on the host itself (REDISCLI_AUTH): no secret on a command line or in the test.
const AUTH = {
  redis: `export REDISCLI_AUTH="$(sed -n 's/^requirepass //p' /etc/redis/kbrun/redis.conf)";`,
  sentinel: `export REDISCLI_AUTH="$(sed -n 's/^requirepass //p' /etc/redis/kbrun/sentinel.conf)";`,
  haproxy: `export REDISCLI_AUTH="$(sed -n 's/^REDIS_PASSWORD=//p' /opt/keybuzz-installer/credentials/redis-haproxy.env)";`,
};

/** The changed tasks and failures of a JSON run. */
function outcome(run: KbrunRun): { changed: string[]; failed: string[] } {
  const results = events(run.stdout).filter((e) => e['type'] === 'host_result');
  const name = (e: Record<string, unknown>) => `${String(e['host'])}: ${String((e['task'] as Record<string, unknown> | undefined)?.['name'] ?? e['task'])}`;
  return {
    changed: results.filter((e) => e['status'] === 'changed').map(name),
    failed: results.filter((e) => e['status'] === 'failed').map((e) => `${name(e)}: ${JSON.stringify((e['result'] as Record<string, unknown>)['msg'])}`),
  };
}

/** The master the Sentinel on `host` names (its inventory name). */
async function sentinelMaster(host: string): Promise<string> {
  const address = (await sh(host, `${AUTH.sentinel} redis-cli -p 26379 SENTINEL get-master-addr-by-name keybuzz-redis | head -1`)).trim();
  const name = Object.keys(ADDRESS).find((h) => ADDRESS[h] === address);
  if (!name) throw new Error(`unknown master address ${address}`);
  return name;
}

describe('Module 4: Redis HA on lab hosts', () => {
  afterAll(async () => {
    if (labPrerequisitesMissing() === undefined) await runKbrun(['lab', 'down'], { cwd: root, env: { KBRUN_LAB: lab } });
    project.cleanup();
    if (Object.keys(figures).length > 0) console.log(`Module 4 figures: ${JSON.stringify(figures)}`);
  }, 180_000);

  it('boots redis-01..03 and haproxy-01/02 in a lab of their own', async () => {
    const up = await kbrun(['lab', 'up', ...REDIS, ...HAPROXY]);
    expect(up.code, up.stderr).toBe(0);
  }, 1_800_000);

  it('installs from nothing (exit 0), then a second run and --check change nothing', async () => {
    const started = performance.now();
    const first = await playbook('playbooks/04_redis_ha.yml', '--output', 'json');
    figures['install_seconds'] = Math.round((performance.now() - started) / 100) / 10;
    expect(outcome(first).failed).toEqual([]);
    expect(first.code, first.stderr).toBe(0);
    expect(outcome(first).changed.length).toBeGreaterThan(20);

    const second = await playbook('playbooks/04_redis_ha.yml', '--output', 'json');
    expect(second.code, second.stderr).toBe(0);
    expect(outcome(second).changed).toEqual([]);
    for (const host of [...REDIS, ...HAPROXY]) expect(recapOf(second.stdout)[host]).toMatchObject({ changed: 0, failed: 0 });

    const check = await playbook('playbooks/04_redis_ha.yml', '--output', 'json', '--check');
    expect(check.code, check.stderr).toBe(0);
    expect(outcome(check).changed).toEqual([]);
  }, 1_200_000);

  it('every configuration passes its own program, secrets files are root only', async () => {
    for (const host of REDIS) {
      const checks = await sh(
        host,
        [
          'redis-config-check server /etc/redis/redis.conf && echo server-ok',
          'redis-config-check server /etc/redis/kbrun/redis.conf && echo managed-server-ok',
          'redis-config-check sentinel /etc/redis/sentinel.conf && echo sentinel-ok',
          'redis-config-check sentinel /etc/redis/kbrun/sentinel.conf && echo managed-sentinel-ok',
          'stat -c "%a %U:%G" /etc/redis/kbrun/redis.conf /etc/redis/kbrun/sentinel.conf',
        ].join('; '),
      );
      expect(checks).toBe('server-ok\nmanaged-server-ok\nsentinel-ok\nmanaged-sentinel-ok\n640 root:redis\n640 root:redis');
      // A broken file is refused by the same check.
      expect(await sh(host, 'printf "maxmemory 12zz\\n" > /tmp/bad.conf; redis-config-check server /tmp/bad.conf 2>&1; echo "rc=$?"')).toMatch(/maxmemory 12zz[\s\S]*rc=1$/);
    }
    for (const host of HAPROXY) {
      expect(await sh(host, 'haproxy -c -q -f /etc/haproxy/haproxy.cfg -f /etc/haproxy/conf.d && echo valid')).toBe('valid');
      expect(await sh(host, 'stat -c "%a %U" /etc/redis-update-master/redis-update-master.conf /opt/keybuzz-installer/credentials/redis-haproxy.env; systemctl is-active redis-update-master haproxy')).toBe(
        '600 root\n600 root\nactive\nactive',
      );
      expect(await sh(host, 'grep -c "^    server redis-0[123] .* check disabled$" /etc/haproxy/conf.d/30-redis.cfg; grep -c REDIS_PASSWORD= /etc/haproxy/conf.d/30-redis.cfg || true')).toBe('3\n0');
    }
  }, 300_000);

  it('one master, two replicas, three Sentinels agreeing; both HAProxies route to the master only', async () => {
    const masters = await Promise.all(REDIS.map(sentinelMaster));
    expect(new Set(masters).size).toBe(1);
    const master = masters[0]!;
    expect(await sh(master, `${AUTH.redis} redis-cli INFO replication | grep -E "^(role|connected_slaves):" | tr -d "\\r"`)).toBe('role:master\nconnected_slaves:2');
    expect(await sh(master, `${AUTH.sentinel} redis-cli -p 26379 SENTINEL ckquorum keybuzz-redis`)).toMatch(/^OK 3 usable Sentinels/);
    for (const host of HAPROXY) {
      const runId = await sh(host, `${AUTH.haproxy} redis-cli -h 127.0.0.1 INFO server | sed -n 's/^run_id://p' | tr -d "\\r"`);
      expect(runId).toBe(await sh(master, `${AUTH.redis} redis-cli INFO server | sed -n 's/^run_id://p' | tr -d "\\r"`));
      const states = await sh(host, 'echo "show stat" | nc -N -U /run/haproxy/admin.sock | grep "^be_redis_master,redis" | cut -d, -f2,18');
      expect(states.split('\n').sort()).toEqual(REDIS.map((h) => `${h},${h === master ? 'UP' : 'MAINT'}`));
    }
    // A reload of HAProxy (another module's play) keeps the route: the servers' states come back from the file the
    // watcher saves, instead of the configuration's `disabled` until the watcher's next reconciliation.
    const afterReload = await sh(
      'haproxy-01',
      `systemctl reload haproxy; for i in $(seq 1 15); do echo "show stat" | nc -N -U /run/haproxy/admin.sock | cut -d, -f1,2,18 | grep -c "^be_redis_master,redis-0.,UP"; sleep 0.1; done`,
    );
    expect(afterReload.split('\n')).toEqual(Array(15).fill('1'));
    expect(await sh('haproxy-01', `${AUTH.haproxy} redis-cli -h 127.0.0.1 SET kbrun:lab:reload 1`)).toBe('OK');
  }, 300_000);

  it('process kill: tests/redis_failover.yml promotes a replica, writes again through haproxy-02, loses nothing', async () => {
    const run = await playbook('playbooks/tests/redis_failover.yml');
    expect(run.code, run.stdout.slice(-4000)).toBe(0);
    const reported = /first write through haproxy-02 after ([\d.]+) s/.exec(run.stdout);
    expect(reported).not.toBeNull();
    figures['failover_process_kill_seconds'] = Number(reported![1]);
    expect(run.stdout).toMatch(/old master redis-0\d was (master|slave) when probed and held 0 of the 10 probes/);
    const probed = /old master (redis-0\d) was (master|slave) when probed/.exec(run.stdout)!;
    figures['process_kill_old_master_said_master_when_probed'] = probed[2] === 'master' ? 1 : 0;
  }, 600_000);

  it('kbrun lab stop of the master: haproxy-02 writes again; the old master, back as role:master, takes no write', async () => {
    const master = await sentinelMaster(REDIS.find((h) => h !== 'redis-01') ?? 'redis-02');
    const before = await sh('haproxy-02', `${AUTH.haproxy} redis-cli -h 127.0.0.1 SET kbrun:lab:before 1`);
    expect(before).toBe('OK');

    const stoppedAt = Date.now() / 1000;
    expect((await kbrun(['lab', 'stop', master])).code).toBe(0);
    // The first write through haproxy-02 that succeeds after the stop (each attempt bounded to 1 s).
    const firstWrite = await sh(
      'haproxy-02',
      `${AUTH.haproxy} i=0; until [ "$(timeout 1 redis-cli -h 127.0.0.1 SET kbrun:lab:after $i 2>/dev/null)" = OK ]; do i=$((i+1)); [ $i -lt 1200 ] || exit 1; sleep 0.1; done; date +%s.%N`,
    );
    figures['failover_lab_stop_seconds'] = Math.round((Number(firstWrite) - stoppedAt) * 10) / 10;
    expect(figures['failover_lab_stop_seconds']).toBeLessThan(60);
    const survivors = REDIS.filter((h) => h !== master);
    const newMaster = await sentinelMaster(survivors[0]!);
    expect(newMaster).not.toBe(master);

    // The old machine boots again: redis-server starts from its files as a master (its data, no replicaof) until
    // the Sentinels demote it. Meanwhile haproxy-02 writes probes; the old master is watched for role and probes.
    expect((await kbrun(['lab', 'start', master])).code).toBe(0);
    const [probes, watch] = await Promise.all([
      sh('haproxy-02', `${AUTH.haproxy} ok=0; for i in $(seq 1 60); do [ "$(timeout 1 redis-cli -h 127.0.0.1 SET kbrun:lab:probe:$i $i 2>/dev/null)" = OK ] && ok=$((ok+1)); sleep 0.25; done; echo $ok`),
      sh(
        master,
        `${AUTH.redis} for n in $(seq 1 80); do role=$(redis-cli INFO replication 2>/dev/null | sed -n 's/^role://p' | tr -d "\\r"); held=$(redis-cli --scan --pattern 'kbrun:lab:probe:*' 2>/dev/null | wc -l); echo "$role $held"; [ "$role" = slave ] && break; sleep 0.25; done`,
      ),
    ]);
    const samples = watch.split('\n').map((l) => l.split(' ')).filter(([role]) => role === 'master' || role === 'slave');
    const asMaster = samples.filter(([role]) => role === 'master');
    figures['lab_stop_old_master_samples_as_master'] = asMaster.length;
    // While it said role:master it held none of the probes written through HAProxy.
    expect(asMaster.filter(([, held]) => Number(held) > 0)).toEqual([]);
    expect(samples.at(-1)?.[0]).toBe('slave');

    // It rejoins as a replica of the new master; nothing written through HAProxy is lost.
    await sh(master, `${AUTH.redis} for n in $(seq 1 120); do redis-cli INFO replication | grep -q "^master_link_status:up" && exit 0; sleep 0.5; done; exit 1`);
    expect(await sh(master, `${AUTH.redis} redis-cli INFO replication | sed -n 's/^master_host://p' | tr -d "\\r"`)).toBe(ADDRESS[newMaster]);
    const written = Number(probes);
    expect(written).toBeGreaterThan(50);
    const kept = await sh(newMaster, `${AUTH.redis} redis-cli EXISTS kbrun:lab:before kbrun:lab:after $(seq -f 'kbrun:lab:probe:%g' 1 60)`);
    expect(Number(kept)).toBe(written + 2);
    for (const host of HAPROXY) {
      const states = await sh(host, 'echo "show stat" | nc -N -U /run/haproxy/admin.sock | grep "^be_redis_master,redis" | cut -d, -f2,18');
      expect(states.split('\n').sort()).toEqual(REDIS.map((h) => `${h},${h === newMaster ? 'UP' : 'MAINT'}`));
    }
    // Another run of the playbook keeps the new master (it never undoes a failover) and changes nothing.
    const again = await playbook('playbooks/04_redis_ha.yml', '--output', 'json');
    expect(again.code, again.stderr).toBe(0);
    expect(outcome(again).changed).toEqual([]);
    expect(await sentinelMaster(master)).toBe(newMaster);
  }, 900_000);

  it('no generated password appears in any output', () => {
    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(10_000);
    for (const secret of Object.values(secrets)) expect(all.includes(secret)).toBe(false);
  });
});
