import { chmodSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect } from 'vitest';
import { parse } from 'yaml';
import { labPrerequisitesMissing } from '@kbrun/lab';
import { requires } from './helpers/prerequisite.js';
import { events, recapOf, runKbrun, type KbrunRun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

// playbooks/credentials.yml on lab hosts, with a temporary copy of the inventory and a temporary vault password:
// every secret of modules 3-4 generated once (a second run keeps them), kept vault-encrypted in the inventory copy,
// written as root-only files only where they are needed; and no generated value in any output (console with -vvv
// and --diff, --output json, the log file). A lab of its own; needs root, debootstrap and systemd-nspawn.
const root = new URL('..', import.meta.url).pathname;
const lab = `cred${process.pid}`;
const [DB, REDIS, LB] = ['db-postgres-01', 'redis-01', 'haproxy-01'] as const;
const SECRETS = [
  'postgres_superuser_password',
  'postgres_replication_password',
  'postgres_rewind_password',
  'pgbouncer_auth_password',
  'keybuzz_db_password',
  'patroni_restapi_password',
  'redis_password',
  'redis_sentinel_password',
];
const POSTGRES_ENV = ['POSTGRES_SUPERUSER_PASSWORD', 'POSTGRES_REPLICATION_PASSWORD', 'POSTGRES_REWIND_PASSWORD', 'PGBOUNCER_AUTH_PASSWORD', 'KEYBUZZ_DB_PASSWORD', 'PATRONI_RESTAPI_PASSWORD'];
const REDIS_ENV = ['REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD'];
const it = requires(labPrerequisitesMissing());

let project: TempProject | undefined;
const outputs: string[] = [];
let generated: Record<string, string> = {};

function kbrun(args: readonly string[]): Promise<KbrunRun> {
  return runKbrun(args, { cwd: root, env: { KBRUN_LAB: lab } }).then((run) => {
    outputs.push(run.stdout, run.stderr);
    return run;
  });
}

const inventory = () => project!.path('inventory/hosts.yml');
const vaultFile = () => project!.path('inventory/group_vars/all/vault.yml');
const vaultArgs = () => ['--vault-password-file', project!.path('vault-pass')];

function credentials(extra: readonly string[]): Promise<KbrunRun> {
  return kbrun(['--lab', '-i', inventory(), ...vaultArgs(), '--log-file', project!.path('kbrun.log'), '-l', `${DB},${REDIS},${LB}`, ...extra, 'playbooks/credentials.yml']);
}

/** The vault's variables, decrypted by kbrun vault view (captured, never printed). */
async function vaultValues(): Promise<Record<string, string>> {
  const view = await runKbrun(['vault', 'view', vaultFile(), ...vaultArgs()], { cwd: root });
  expect(view.code).toBe(0);
  return parse(view.stdout) as Record<string, string>;
}

/** KEY=VALUE lines of an env file on a lab host ({} when it does not exist). */
async function envFile(host: string, name: string): Promise<Record<string, string>> {
  const run = await runKbrun(['lab', 'exec', host, '--', 'sh', '-c', `cat /opt/keybuzz-installer/credentials/${name} 2>/dev/null || true`], { cwd: root, env: { KBRUN_LAB: lab } });
  return Object.fromEntries(run.stdout.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function changedTasks(run: KbrunRun): string[] {
  return events(run.stdout).filter((e) => e['type'] === 'host_result' && e['status'] === 'changed').map((e) => `${String(e['host'])}: ${String(e['task'])}`);
}

describe('playbooks/credentials.yml on lab hosts', () => {
  afterAll(async () => {
    project?.cleanup();
    if (labPrerequisitesMissing() === undefined) await runKbrun(['lab', 'down'], { cwd: root, env: { KBRUN_LAB: lab } });
  }, 120_000);

  it('boots the hosts and copies the inventory, with a temporary vault password', async () => {
    project = tempProject();
    cpSync(`${root}inventory`, project.path('inventory'), { recursive: true });
    rmSync(vaultFile(), { force: true });
    writeFileSync(project.path('vault-pass'), `${randomBytes(24).toString('base64')}\n`);
    chmodSync(project.path('vault-pass'), 0o600);
    const up = await kbrun(['lab', 'up', DB, REDIS, LB]);
    expect(up.code, up.stderr).toBe(0);
  }, 900_000);

  it('--check before the first run writes no vault and no file, and fails nowhere', async () => {
    const check = await credentials(['--check', '--output', 'json']);
    expect(check.code).toBe(0);
    expect(changedTasks(check).sort()).toEqual([
      `${DB}: Keep every secret in the vault file (missing ones generated, existing ones kept)`,
      `${DB}: credentials : Credentials directory, root only`,
      `${REDIS}: credentials : Credentials directory, root only`,
      `${LB}: credentials : Credentials directory, root only`,
    ].sort());
    expect(existsSync(vaultFile())).toBe(false);
    const dir = await runKbrun(['lab', 'exec', LB, '--', 'test', '-e', '/opt/keybuzz-installer/credentials'], { cwd: root, env: { KBRUN_LAB: lab } });
    expect(dir.code).not.toBe(0);
  }, 600_000);

  it('the first run generates every secret into the vault and writes the files (-vvv, --diff)', async () => {
    const run = await credentials(['-vvv', '--diff']);
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(readFileSync(vaultFile(), 'utf8').startsWith('$KBRUN_VAULT;')).toBe(true);
    generated = await vaultValues();
    expect(Object.keys(generated).sort()).toEqual([...SECRETS].sort());
    for (const name of SECRETS) expect(/^[A-Za-z0-9]{32}$/.test(generated[name]!), name).toBe(true);
    expect(new Set(Object.values(generated)).size).toBe(SECRETS.length);
  }, 600_000);

  it('each host gets only its files, root-only, holding the vault values', async () => {
    const modes = await runKbrun(['lab', 'exec', LB, '--', 'stat', '-c', '%a %U %G', '/opt/keybuzz-installer/credentials', '/opt/keybuzz-installer/credentials/postgres.env', '/opt/keybuzz-installer/credentials/redis.env'], {
      cwd: root,
      env: { KBRUN_LAB: lab },
    });
    expect(modes.stdout.trim().split('\n')).toEqual(['700 root root', '600 root root', '600 root root']);
    const expectPostgres = { POSTGRES_SUPERUSER_PASSWORD: 'postgres_superuser_password', POSTGRES_REPLICATION_PASSWORD: 'postgres_replication_password', POSTGRES_REWIND_PASSWORD: 'postgres_rewind_password', PGBOUNCER_AUTH_PASSWORD: 'pgbouncer_auth_password', KEYBUZZ_DB_PASSWORD: 'keybuzz_db_password', PATRONI_RESTAPI_PASSWORD: 'patroni_restapi_password' } as const;
    const expectRedis = { REDIS_PASSWORD: 'redis_password', REDIS_SENTINEL_PASSWORD: 'redis_sentinel_password' } as const;
    const matches = (env: Record<string, string>, wanted: Record<string, string>) => Object.entries(wanted).filter(([key, name]) => env[key] !== generated[name]).map(([key]) => key);
    for (const host of [DB, LB]) {
      const env = await envFile(host, 'postgres.env');
      expect(Object.keys(env).filter((k) => k.endsWith('_PASSWORD')).sort(), host).toEqual([...POSTGRES_ENV].sort());
      expect(matches(env, expectPostgres), host).toEqual([]);
      expect(env['POSTGRES_SUPERUSER']).toBe('postgres');
    }
    for (const host of [REDIS, LB]) {
      const env = await envFile(host, 'redis.env');
      expect(Object.keys(env).sort(), host).toEqual([...REDIS_ENV].sort());
      expect(matches(env, expectRedis), host).toEqual([]);
    }
    expect(await envFile(DB, 'redis.env')).toEqual({});
    expect(await envFile(REDIS, 'postgres.env')).toEqual({});
  }, 300_000);

  it('a second run keeps every value and changes nothing; --check --diff predicts no change', async () => {
    const before = readFileSync(vaultFile());
    const run = await credentials(['--output', 'json', '--diff']);
    expect(run.code).toBe(0);
    expect(changedTasks(run)).toEqual([]);
    for (const host of [DB, REDIS, LB]) expect(recapOf(run.stdout)[host]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect(readFileSync(vaultFile()).equals(before)).toBe(true);
    const check = await credentials(['--check', '--diff', '-vvv']);
    expect(check.code).toBe(0);
    for (const host of [DB, REDIS, LB]) expect(check.stdout).toMatch(new RegExp(`${host}\\s+: ok=\\d+\\s+changed=0\\s+unreachable=0\\s+failed=0`));
  }, 600_000);

  it('a secret missing from the vault is generated alone; the others are kept', async () => {
    const decrypt = await runKbrun(['vault', 'decrypt', vaultFile(), ...vaultArgs()], { cwd: root });
    expect(decrypt.code).toBe(0);
    const text = readFileSync(vaultFile(), 'utf8').split('\n').filter((l) => !l.startsWith('redis_sentinel_password:')).join('\n');
    writeFileSync(vaultFile(), text, { mode: 0o600 });
    const encrypt = await runKbrun(['vault', 'encrypt', vaultFile(), ...vaultArgs()], { cwd: root });
    expect(encrypt.code).toBe(0);
    const run = await credentials(['--output', 'json']);
    expect(run.code).toBe(0);
    expect(changedTasks(run).sort()).toEqual([`${DB}: Keep every secret in the vault file (missing ones generated, existing ones kept)`, `${LB}: credentials : Redis credentials (redis.env)`, `${REDIS}: credentials : Redis credentials (redis.env)`].sort());
    const after = await vaultValues();
    const renewed = SECRETS.filter((name) => after[name] !== generated[name]);
    expect(renewed).toEqual(['redis_sentinel_password']);
    generated['redis_sentinel_password_previous'] = generated['redis_sentinel_password']!;
    generated['redis_sentinel_password'] = after['redis_sentinel_password']!;
    expect((await envFile(REDIS, 'redis.env'))['REDIS_SENTINEL_PASSWORD'] === after['redis_sentinel_password']).toBe(true);
  }, 600_000);

  it('no generated value appears in any output: console (-vvv, --diff), --output json, the log file', () => {
    const logFile = project!.path('kbrun.log');
    expect(existsSync(logFile)).toBe(true);
    const everything = [...outputs, readFileSync(logFile, 'utf8')].join('\n');
    expect(everything).toContain('credentials : PostgreSQL credentials (postgres.env)');
    // Names only in a failure, never a value.
    const leaked = Object.entries(generated).filter(([, value]) => everything.includes(value)).map(([name]) => name);
    expect(leaked).toEqual([]);
  });
});
