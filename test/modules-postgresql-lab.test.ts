import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect } from 'vitest';
import { labPrerequisitesMissing } from '@kbrun/lab';
import { scramVerifier } from '@kbrun/modules-postgresql';
import { requires } from './helpers/prerequisite.js';
import { events, recapOf, runKbrun, type KbrunRun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

// The PostgreSQL pack against a real PostgreSQL 15 on a lab host (Debian's postgresql-15 from the lab repository),
// through the kbrun binary and playbooks (test/fixtures/modules-postgresql/): --check on a fresh server predicts the
// first run, a second run changes nothing, postgresql_user detects a password change (and no change) from the stored
// SCRAM verifier, and no password appears in any output: console with -vvv and --diff, --output json, the log file.
// A lab of its own (KBRUN_LAB); needs root, debootstrap and systemd-nspawn (CI=true fails without them).
const root = new URL('..', import.meta.url).pathname;
const fixtures = `${root}test/fixtures/modules-postgresql/`;
const lab = `pg${process.pid}`;
const HOST = 'db-postgres-01';
const it = requires(labPrerequisitesMissing());

const secret = () => randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
const passwords = { pg_login_password: secret(), app_password: secret(), second: secret(), third: secret(), fourth: secret() };
const outputs: string[] = [];
let project: TempProject | undefined;

function kbrun(args: readonly string[], input?: string): Promise<KbrunRun> {
  return runKbrun(args, { cwd: root, env: { KBRUN_LAB: lab }, ...(input !== undefined ? { input } : {}) }).then((run) => {
    outputs.push(run.stdout, run.stderr);
    return run;
  });
}

/** A playbook run on the lab host with the passwords as extra vars (a file: never on the command line). */
function play(playbook: string, extra: readonly string[] = [], vars: Record<string, unknown> = {}): Promise<KbrunRun> {
  const file = project!.write(`vars-${outputs.length}.yml`, JSON.stringify({ pg_login_password: passwords.pg_login_password, app_password: passwords.app_password, ...vars }));
  return kbrun(['--lab', '-l', HOST, '-e', `@${file}`, '--log-file', project!.path('kbrun.log'), ...extra, `${fixtures}${playbook}`]);
}

/** psql as postgres on the lab host (peer authentication), SQL on stdin; -At output. */
function psql(sql: string): Promise<KbrunRun> {
  return kbrun(['lab', 'exec', HOST, '--', 'su', 'postgres', '-c', 'psql -qAt -v ON_ERROR_STOP=1'], sql);
}

/** Names of the tasks a JSON run reported changed, and failures with their messages. */
function outcome(run: KbrunRun): { changed: string[]; failed: string[] } {
  const results = events(run.stdout).filter((e) => e['type'] === 'host_result' && e['host'] === HOST);
  const name = (e: Record<string, unknown>) => String((e['task'] as Record<string, unknown> | undefined)?.['name'] ?? e['task']);
  return {
    changed: results.filter((e) => e['status'] === 'changed').map(name),
    failed: results.filter((e) => e['status'] === 'failed' && !e['ignored']).map((e) => `${name(e)}: ${JSON.stringify((e['result'] as Record<string, unknown>)['msg'])}`),
  };
}

describe('PostgreSQL pack on a lab host', () => {
  afterAll(async () => {
    project?.cleanup();
    if (labPrerequisitesMissing() === undefined) await runKbrun(['lab', 'down'], { cwd: root, env: { KBRUN_LAB: lab } });
  }, 120_000);

  it('boots a lab host with PostgreSQL 15 whose postgres password is set from a verifier', async () => {
    project = tempProject();
    const up = await kbrun(['lab', 'up', HOST]);
    expect(up.code, up.stderr).toBe(0);
    const install = await kbrun(['lab', 'exec', HOST, '--', 'sh', '-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null && pg_isready -t 60']);
    expect(install.code, install.stderr).toBe(0);
    // The clear password never reaches the host: psql gets the SCRAM verifier.
    const set = await psql(`ALTER USER postgres PASSWORD '${scramVerifier(passwords.pg_login_password)}';`);
    expect(set.code, set.stderr).toBe(0);
  }, 900_000);

  let predicted: string[] = [];
  it('--check on the fresh server predicts the roles and database and creates nothing', async () => {
    const check = await play('site.yml', ['--check', '--output', 'json', '--tags', 'roles_dbs']);
    expect(outcome(check).failed).toEqual([]);
    expect(check.code).toBe(0);
    predicted = outcome(check).changed;
    expect(predicted).toEqual(['Application user', 'Read-only user without a password', 'Application database']);
    expect((await psql("SELECT count(*) FROM pg_roles WHERE rolname IN ('app', 'reader');")).stdout.trim()).toBe('0');
    expect((await psql("SELECT count(*) FROM pg_database WHERE datname = 'appdb';")).stdout.trim()).toBe('0');
  }, 300_000);

  it('the first run does what --check predicted, then everything inside the database', async () => {
    const run = await play('site.yml', ['--output', 'json']);
    expect(outcome(run).failed).toEqual([]);
    expect(run.code).toBe(0);
    expect(outcome(run).changed).toEqual([
      ...predicted,
      'Extension shipped by Debian\'s postgresql-15 (pgvector\'s path on Ubuntu)',
      'Reader may connect',
      'Reader may use the schema',
      'Reader may read every table',
      'Reader may read the tables app creates later',
      "Reader is a member of app's group role",
      'A row, written only when missing',
    ]);
    const state = await psql(
      "SELECT r.rolcreatedb, r.rolsuper, r.rolconnlimit, r.rolvaliduntil = 'infinity', d.datconnlimit, pg_get_userbyid(d.datdba) FROM pg_roles r, pg_database d WHERE r.rolname = 'app' AND d.datname = 'appdb';",
    );
    expect(state.stdout.trim()).toBe('t|f|10|t|50|app');
    const inside = await kbrun(['lab', 'exec', HOST, '--', 'su', 'postgres', '-c', "psql -qAt -d appdb -c \"SELECT extname FROM pg_extension WHERE extname = 'pgcrypto'; SELECT has_table_privilege('reader', 'items', 'SELECT'); SET ROLE app; CREATE TABLE later (x int); SELECT has_table_privilege('reader', 'later', 'SELECT')\""]);
    expect(inside.stdout.trim().split('\n')).toEqual(['pgcrypto', 't', 't']);
  }, 300_000);

  it('a second run changes nothing, and --check on the converged server predicts no change', async () => {
    const run = await play('site.yml', ['--output', 'json', '-vvv']);
    expect(outcome(run)).toEqual({ changed: [], failed: [] });
    expect(recapOf(run.stdout)[HOST]).toMatchObject({ changed: 0, failed: 0 });
    const check = await play('site.yml', ['--check', '--diff', '-vvv']);
    expect(check.code, check.stdout.slice(-2000)).toBe(0);
    expect(check.stdout).toMatch(new RegExp(`${HOST}\\s+: ok=\\d+\\s+changed=0\\s+unreachable=0\\s+failed=0`));
  }, 300_000);

  it('postgresql_user changes a password only when it differs from the stored verifier', async () => {
    const changedOf = async (vars: Record<string, unknown>, extra: readonly string[] = []) => {
      const run = await play('password.yml', ['--output', 'json', ...extra], vars);
      expect(outcome(run).failed).toEqual([]);
      expect(run.code).toBe(0);
      return outcome(run).changed;
    };
    // The password app already has: unchanged (recomputed from the server-stored salt and iterations).
    expect(await changedOf({ app_next_password: passwords.app_password })).toEqual([]);
    // --check with a new one: predicted, not done.
    expect(await changedOf({ app_next_password: passwords.second }, ['--check'])).toEqual(['Password of app']);
    expect(await changedOf({ app_next_password: passwords.app_password })).toEqual([]);
    // A new one: changed once, then unchanged.
    expect(await changedOf({ app_next_password: passwords.second })).toEqual(['Password of app']);
    expect(await changedOf({ app_next_password: passwords.second })).toEqual([]);
    // no_password_changes: a different password is left alone.
    expect(await changedOf({ app_next_password: passwords.third, keep_password: true })).toEqual([]);
    // The text console with -vvv and --diff, for the leak check below.
    const verbose = await play('password.yml', ['-vvv', '--diff'], { app_next_password: passwords.fourth });
    expect(verbose.code, verbose.stdout.slice(-2000)).toBe(0);
  }, 600_000);

  it('login_unix_socket: psql on the target as postgres (peer authentication), idempotent and predicted', async () => {
    const check = await play('socket.yml', ['--check', '--output', 'json']);
    expect(outcome(check).failed).toEqual([]);
    const predicted = outcome(check).changed;
    expect(predicted).toEqual(['Socket user', 'Socket database', 'Extension through psql', 'Privileges through psql']);
    const run = await play('socket.yml', ['--output', 'json']);
    expect(outcome(run).failed).toEqual([]);
    expect(run.code).toBe(0);
    expect(outcome(run).changed).toEqual(predicted);
    const again = await play('socket.yml', ['--output', 'json', '-vvv']);
    expect(outcome(again)).toEqual({ changed: [], failed: [] });
  }, 300_000);

  it('postgresql_db renames once, then has nothing to do', async () => {
    expect((await psql('CREATE DATABASE archive_old;')).code).toBe(0);
    const check = await play('rename.yml', ['--check', '--output', 'json']);
    expect(outcome(check)).toEqual({ changed: ['archive_old becomes archive'], failed: [] });
    const run = await play('rename.yml', ['--output', 'json']);
    expect(outcome(run)).toEqual({ changed: ['archive_old becomes archive'], failed: [] });
    expect((await psql("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname LIKE 'archive%';")).stdout.trim()).toBe('archive');
    const again = await play('rename.yml', ['--output', 'json']);
    expect(outcome(again)).toEqual({ changed: [], failed: [] });
  }, 300_000);

  it('ssl_mode: require/prefer get TLS, disable does not, verify-ca checks the CA file on the target, and refusals say why', async () => {
    const run = await play('ssl.yml', ['--output', 'json']);
    expect(outcome(run).failed).toEqual([]);
    expect(run.code).toBe(0);
  }, 300_000);

  it("patroni_cluster_info reads /cluster from the target's side", async () => {
    const cluster = JSON.stringify({
      scope: 'keybuzz',
      members: [
        { name: 'postgres-01', role: 'leader', state: 'running', host: '10.0.0.120', port: 5432, timeline: 1 },
        { name: 'postgres-02', role: 'replica', state: 'streaming', host: '10.0.0.121', port: 5432, timeline: 1, lag: 0 },
        { name: 'postgres-03', role: 'sync_standby', state: 'streaming', host: '10.0.0.122', port: 5432, timeline: 1, lag: 0 },
      ],
    });
    // A server on the lab host's loopback only: the controller could not reach it, the target can.
    const serve = await kbrun(['lab', 'exec', HOST, '--', 'sh', '-c', 'mkdir -p /srv/patroni && cat > /srv/patroni/cluster && cd /srv/patroni && (setsid python3 -m http.server 8008 --bind 127.0.0.1 >/dev/null 2>&1 &) && sleep 1'], cluster);
    expect(serve.code, serve.stderr).toBe(0);
    const run = await play('patroni.yml', ['--output', 'json']);
    expect(outcome(run).failed).toEqual([]);
    expect(run.code).toBe(0);
  }, 300_000);

  it('no password appears in any output: console (-vvv, --diff), --output json, the log file', () => {
    const log = readFileSync(project!.path('kbrun.log'), 'utf8');
    expect(log.length).toBeGreaterThan(1000);
    const everything = [...outputs, log].join('\n');
    // Names only in the failure message, never a value.
    const leaked = Object.entries(passwords).filter(([, value]) => everything.includes(value)).map(([name]) => name);
    expect(leaked).toEqual([]);
  });
});
