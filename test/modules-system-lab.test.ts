import { afterAll, describe, expect } from 'vitest';
import { labPrerequisitesMissing } from '@kbrun/lab';
import { requires } from './helpers/prerequisite.js';
import { events, recapOf, runKbrun, type KbrunRun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

// The system pack on real machines, through `kbrun lab` itself: one host converges with every module of the pack
// (test/fixtures/modules-system/site.yml), a second run changes nothing, and --check on another, fresh host predicts
// exactly the first run's changes. A lab of its own (KBRUN_LAB), so other labs on the machine are untouched.
// What a lab host cannot do (it shares the machine's kernel): vm.* sysctls and swap. The playbook writes vm.swappiness
// to its file only (reload: false; sysctl -p is covered by the scripted-target tests of packages/modules-system) and
// sets net.ipv4.ip_forward for real (the host's own network namespace); swap is not exercised here.
// Needs root, debootstrap and systemd-nspawn (CI=true fails without them).
const root = new URL('..', import.meta.url).pathname;
const fixture = `${root}test/fixtures/modules-system/site.yml`;
const lab = `sys${process.pid}`;
const [APPLY, FRESH] = ['crm-01', 'baserow-01'] as const;
const it = requires(labPrerequisitesMissing());

function kbrun(args: readonly string[]): Promise<KbrunRun> {
  return runKbrun(args, { cwd: root, env: { KBRUN_LAB: lab } });
}

function exec(host: string, ...command: string[]): Promise<KbrunRun> {
  return kbrun(['lab', 'exec', host, '--', ...command]);
}

/** The names of the tasks a run reported changed (or failed) on a host. */
function outcome(run: KbrunRun, host: string): { changed: string[]; failed: string[] } {
  const results = events(run.stdout).filter((e) => e['type'] === 'host_result' && e['host'] === host);
  const name = (e: Record<string, unknown>) => String((e['task'] as Record<string, unknown> | undefined)?.['name'] ?? e['task']);
  return {
    changed: results.filter((e) => e['status'] === 'changed').map(name),
    failed: results.filter((e) => e['status'] === 'failed').map((e) => `${name(e)}: ${JSON.stringify((e['result'] as Record<string, unknown>)['msg'])}`),
  };
}

let firstChanged: string[] = [];
let project: TempProject | undefined;

describe('system pack on lab hosts', () => {
  afterAll(async () => {
    project?.cleanup();
    if (labPrerequisitesMissing() === undefined) await kbrun(['lab', 'down']);
  }, 120_000);

  it('boots two lab hosts and puts an archive on each (the remote_src fixture)', async () => {
    const up = await kbrun(['lab', 'up', APPLY, FRESH]);
    expect(up.code, up.stderr).toBe(0);
    for (const host of [APPLY, FRESH]) expect((await exec(host, 'tar', '-czf', '/root/licenses.tar.gz', '-C', '/usr/share', 'common-licenses')).code).toBe(0);
  }, 1_800_000);

  it('--check on a fresh host changes nothing on it', async () => {
    const check = await kbrun(['--lab', '--check', '--output', 'json', '-l', FRESH, fixture]);
    expect(check.code, check.stderr + check.stdout.slice(-3000)).toBe(0);
    firstChanged = outcome(check, FRESH).changed;
    expect(firstChanged.length).toBeGreaterThan(20);
    expect((await exec(FRESH, 'sh', '-c', 'command -v ufw || echo none')).stdout.trim()).toBe('none');
    expect((await exec(FRESH, 'id', 'deploy')).code).not.toBe(0);
    expect((await exec(FRESH, 'blkid', '/dev/sdb')).code).not.toBe(0);
  }, 600_000);

  it('the first run converges and changes exactly what --check predicted on the fresh host', async () => {
    const run = await kbrun(['--lab', '--output', 'json', '-l', APPLY, fixture]);
    const result = outcome(run, APPLY);
    expect(result.failed).toEqual([]);
    expect(run.code, run.stderr).toBe(0);
    expect(result.changed).toEqual(firstChanged);
  }, 900_000);

  it('a second run changes nothing', async () => {
    const run = await kbrun(['--lab', '--output', 'json', '-l', APPLY, fixture]);
    expect(run.code, run.stderr).toBe(0);
    expect(outcome(run, APPLY).changed).toEqual([]);
    expect(recapOf(run.stdout)[APPLY]).toMatchObject({ changed: 0, failed: 0 });
    // --check after convergence predicts no change either.
    const check = await kbrun(['--lab', '--check', '--output', 'json', '-l', APPLY, fixture]);
    expect(outcome(check, APPLY).changed).toEqual([]);
  }, 900_000);

  it('the host is in the state the modules describe', async () => {
    const sh = async (command: string) => (await exec(APPLY, 'sh', '-c', command)).stdout.trim();
    expect(await sh('ufw status verbose | head -3')).toMatch(/Status: active[\s\S]*Default: deny \(incoming\)/);
    expect(await sh('ufw status | grep -c "22/tcp.*ALLOW.*10.0.0.0/16"')).toBe('1');
    expect(await sh('findmnt -n -o FSTYPE,OPTIONS /data/lb_internal')).toMatch(/^xfs\s+\S*noatime/);
    expect(await sh('grep /data/lb_internal /etc/fstab')).toMatch(/^UUID=[0-9a-f-]+ \/data\/lb_internal xfs defaults,noatime 0 0$/);
    expect(await sh('id deploy')).toBe('uid=2501(deploy) gid=2500(keybuzz) groups=2500(keybuzz),27(sudo)');
    expect(await sh('cat /home/deploy/.ssh/authorized_keys')).toMatch(/^from="10\.0\.0\.0\/16" ssh-ed25519 /);
    expect(await sh('hostname')).toBe(`${APPLY}.lab.keybuzz.io`);
    expect(await sh('readlink /etc/localtime')).toMatch(/Europe\/Paris$/);
    expect(await sh('sysctl -n net.ipv4.ip_forward')).toBe('1');
    expect(await sh('cat /etc/sysctl.d/60-kbrun.conf')).toBe('net.ipv4.ip_forward=1\nvm.swappiness=10');
    expect(await sh('systemctl is-active kbrun-demo kbrun-demo2; systemctl is-enabled kbrun-demo kbrun-demo2')).toBe('active\nactive\nenabled\nenabled');
    expect(await sh('crontab -l; cat /etc/cron.d/kbrun')).toBe('#Ansible: backup\n0 3 * * * /usr/local/bin/backup.sh\n#Ansible: rotate\n@daily root logrotate /etc/logrotate.conf');
    expect(await sh('stat -c %a /opt/GPL-3.txt; cat /opt/app/README; ls /srv/common-licenses | grep -c GPL')).toMatch(/^640\nkbrun system pack fixture\n[1-9]/);
    expect(await sh("dpkg-query -W -f '${Status}\\n' ufw jq unzip")).toBe('install ok installed\ninstall ok installed\ninstall ok installed');
    expect(await sh('ls /etc/apt/sources.list.d; ls /etc/apt/keyrings')).toBe('kbrun-fixture.sources\nkbrun-lab-copy.list\nkbrun-fixture.gpg');
  }, 120_000);

  it('filesystem never formats a volume that holds a filesystem; ufw refuses to lock kbrun out', async () => {
    project = tempProject({
      'reformat.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - community.general.filesystem: { dev: /dev/sdb, fstype: ext4 }\n',
      'lockout.yml': [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - community.general.ufw: { rule: allow, port: "22", proto: tcp, from_ip: 10.0.0.0/16, delete: true }',
      ].join('\n'),
    });
    const reformat = await kbrun(['--lab', '--output', 'json', '-l', APPLY, project.path('reformat.yml')]);
    expect(reformat.code).toBe(2);
    expect(outcome(reformat, APPLY).failed.join('\n')).toContain("'/dev/sdb' is already used as xfs, use force=true to overwrite");
    const lockout = await kbrun(['--lab', '--output', 'json', '-l', APPLY, project.path('lockout.yml')]);
    expect(lockout.code).toBe(2);
    expect(outcome(lockout, APPLY).failed.join('\n')).toContain('no rule allowing SSH (port 22/tcp');
    // Still reachable, and the rule is still there.
    expect((await exec(APPLY, 'sh', '-c', 'ufw status | grep -c "22/tcp.*ALLOW"')).stdout.trim()).toBe('1');
    const again = await kbrun(['--lab', '--output', 'json', '-l', APPLY, fixture]);
    expect(again.code, again.stderr).toBe(0);
  }, 300_000);
});
