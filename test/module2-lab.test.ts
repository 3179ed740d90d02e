import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect } from 'vitest';
import { labPaths, labPrerequisitesMissing } from '@kbrun/lab';
import { commandMissing, requires } from './helpers/prerequisite.js';
import { events, recapOf, runKbrun, type KbrunRun } from './helpers/run-kbrun.js';

// Module 2 (playbooks/02_base_os.yml) and the cleanup (playbooks/00_cleanup.yml) on lab hosts, through the kbrun
// binary and `kbrun lab` itself, in labs of their own (KBRUN_LAB): --check on the fresh hosts predicts the first
// run's changes task by task, the first run converges, the second changes nothing, the hosts are in the state
// Module 2 describes; ansible-playbook running the same playbook on the same host of another lab leaves the same
// state; the cleanup is refused without confirm=yes and on protected hosts before any change, shows its plan under
// --check, and wipes what 02 made (02 then works again); `kbrun lab down` leaves nothing behind.
// Lab hosts are containers: swap and vm.* sysctls are skipped there by the roles (base_os_in_container).
// Needs root, debootstrap and systemd-nspawn; the Ansible comparison needs ansible-playbook (CI=true fails without).
const root = new URL('..', import.meta.url).pathname;
const base = `${root}playbooks/02_base_os.yml`;
const cleanup = `${root}playbooks/00_cleanup.yml`;
const lab = `m2k${process.pid}`;
const ansibleLab = `m2a${process.pid}`;
const HOSTS = ['haproxy-01', 'haproxy-02'] as const;
const [A, B] = HOSTS;
const MOUNT = '/data/lb_internal';
const labMissing = labPrerequisitesMissing();
const it = requires(labMissing);
const itAnsible = requires(labMissing ?? commandMissing('ansible-playbook', ['--version'], "install Debian's ansible (apt-get install ansible)"));

function kbrun(args: readonly string[], env: Record<string, string> = {}, name = lab): Promise<KbrunRun> {
  return runKbrun(args, { cwd: root, env: { KBRUN_LAB: name, ...env } });
}

async function sh(host: string, script: string, name = lab): Promise<KbrunRun> {
  return kbrun(['lab', 'exec', host, '--', 'sh', '-c', script], {}, name);
}

/** `host task [label]` for each (non-aggregate) changed result of a run: what a run changed, task by task. */
function changedSet(run: KbrunRun): string[] {
  return events(run.stdout)
    .filter((e) => e['type'] === 'host_result' && e['status'] === 'changed' && e['loop'] !== true)
    .map((e) => `${String(e['host'])} ${String(e['task'])}${e['label'] === undefined ? '' : ` [${String(e['label'])}]`}`)
    .sort();
}

function failures(run: KbrunRun): string {
  return events(run.stdout)
    .filter((e) => e['type'] === 'host_result' && e['status'] === 'failed')
    .map((e) => `${String(e['host'])} ${String(e['task'])}: ${JSON.stringify((e['result'] as Record<string, unknown>)['msg'])}`)
    .join('\n');
}

/** What Module 2 leaves on a host, with the volume's UUID left out: the state two runners must agree on. */
const STATE_SCRIPT = `
echo "## ufw"; ufw status verbose
echo "## sshd"; sshd -T | grep -E '^(permitrootlogin|pubkeyauthentication|passwordauthentication|kbdinteractiveauthentication|permitemptypasswords|maxauthtries|logingracetime|clientaliveinterval|clientalivecountmax|allowtcpforwarding|allowagentforwarding|x11forwarding) ' | sort
echo "## drop-in"; cat /etc/ssh/sshd_config.d/00-keybuzz-hardening.conf
echo "## mount"; findmnt -n -o TARGET,FSTYPE,OPTIONS ${MOUNT}
uuid=$(findmnt -n -o UUID ${MOUNT}); echo "fstab: $(grep -E '[[:space:]]${MOUNT}[[:space:]]' /etc/fstab | sed "s/$uuid/<uuid of the mounted filesystem>/")"
echo "## modes"; stat -c '%n %a %U:%G %F' /opt/keybuzz-installer /opt/keybuzz-installer/credentials ${MOUNT} ${MOUNT}/*
echo "## resolv.conf"; cat /etc/resolv.conf
echo "## services"; for s in docker ssh ufw; do echo "$s $(systemctl is-active $s) $(systemctl is-enabled $s)"; done
echo "## timezone"; readlink /etc/localtime
echo "## apt sources"; ls /etc/apt/sources.list.d
echo "## packages (ansible-playbook's apt module installs python3-apt for itself)"
dpkg-query -W -f '\${db:Status-Abbrev} \${Package} \${Version}\\n' | grep -E '^ii' | grep -vE ' (python3-apt|python-apt-common|distro-info-data) ' | sort
`;

/** Old state for the cleanup to remove: Docker objects, a Docker-era service, configuration, a file on the volume. */
const SEED_SCRIPT = `set -e
tar -c -T /dev/null | docker import - keybuzz/empty:1 >/dev/null
docker volume create kbdata >/dev/null
docker network create kbnet >/dev/null
docker create --name kb-old -v kbdata:/data --network kbnet keybuzz/empty:1 /none >/dev/null
mkdir -p /etc/redis /opt/keybuzz/stack
echo old > /etc/redis/redis.conf
echo old > /opt/keybuzz/stack/compose.yml
printf '[Unit]\\nDescription=old redis in docker\\n[Service]\\nExecStart=/bin/sleep infinity\\n[Install]\\nWantedBy=multi-user.target\\n' > /etc/systemd/system/redis-docker.service
systemctl daemon-reload
systemctl enable --now redis-docker.service 2>/dev/null
echo kept > ${MOUNT}/haproxy/mark
`;

/** Whether the old state of SEED_SCRIPT is all still there (nothing was changed). */
async function seedIntact(host: string): Promise<boolean> {
  const check = await sh(host, `test -f ${MOUNT}/haproxy/mark && test -f /etc/redis/redis.conf && test -d /opt/keybuzz/stack && systemctl is-active -q redis-docker && docker inspect kb-old >/dev/null`);
  return check.code === 0;
}

/** What is left of a lab on the machine: its directory, namespaces, loop devices and processes. */
function labLeftovers(name: string): string[] {
  const left: string[] = [];
  const paths = labPaths({ name });
  if (existsSync(paths.dir)) left.push(`directory ${paths.dir}`);
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of netns.split('\n')) if (line.startsWith(`kbrun-lab.${name}.`)) left.push(`namespace ${line.split(' ')[0]}`);
  const loops = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' });
  for (const line of loops.split('\n')) if (line.includes(paths.dir)) left.push(`loop device ${line.trim()}`);
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  for (const line of ps.split('\n')) if (line.includes(`kbrun-lab.${name}.`)) left.push(`process ${line.trim()}`);
  return left;
}

function ansiblePlaybook(args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ansible-playbook', args, {
      cwd: root,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_FORCE_COLOR: '0' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

let predicted: string[] = [];
let kbrunState = '';
let oldUuid = '';
const timings: Record<string, number> = {};

async function timed(name: string, run: () => Promise<KbrunRun>): Promise<KbrunRun> {
  const started = Date.now();
  const result = await run();
  timings[name] = (Date.now() - started) / 1000;
  return result;
}

describe('Module 2 and the cleanup on lab hosts', () => {
  afterAll(async () => {
    if (labMissing !== undefined) return;
    await kbrun(['lab', 'down'], {}, lab);
    await kbrun(['lab', 'down'], {}, ansibleLab);
    if (Object.keys(timings).length > 0) console.info(`module2-lab timings (s): ${JSON.stringify(timings)}`);
  }, 180_000);

  it('boots haproxy-01 and haproxy-02 in a lab of their own', async () => {
    const up = await kbrun(['lab', 'up', ...HOSTS]);
    expect(up.code, up.stderr).toBe(0);
  }, 1_800_000);

  it('--check on the fresh hosts exits 0 and changes nothing', async () => {
    const check = await kbrun(['--lab', '--check', '--output', 'json', '-l', HOSTS.join(','), base]);
    expect(check.code, failures(check) || check.stderr).toBe(0);
    predicted = changedSet(check);
    expect(predicted.length).toBeGreaterThan(30);
    for (const host of HOSTS) {
      expect((await sh(host, 'command -v ufw docker || true')).stdout.trim()).toBe('');
      expect((await sh(host, 'blkid /dev/sdb')).code).not.toBe(0);
      expect((await sh(host, 'test -e /opt/keybuzz-installer || test -e /etc/ssh/sshd_config.d/00-keybuzz-hardening.conf')).code).not.toBe(0);
    }
  }, 300_000);

  it('the first run exits 0 and changes exactly what --check predicted, task by task', async () => {
    const run = await timed('02 first run, 2 hosts', () => kbrun(['--lab', '--output', 'json', '-l', HOSTS.join(','), base]));
    expect(run.code, failures(run) || run.stderr).toBe(0);
    expect(changedSet(run)).toEqual(predicted);
    for (const host of HOSTS) expect(recapOf(run.stdout)[host]).toMatchObject({ failed: 0, unreachable: 0 });
  }, 900_000);

  it('the second run changes nothing', async () => {
    const run = await timed('02 second run, 2 hosts', () => kbrun(['--lab', '--output', 'json', '-l', HOSTS.join(','), base]));
    expect(run.code, failures(run) || run.stderr).toBe(0);
    expect(changedSet(run)).toEqual([]);
    for (const host of HOSTS) expect(recapOf(run.stdout)[host]).toMatchObject({ changed: 0, failed: 0 });
  }, 300_000);

  it('inside the hosts: UFW active, sshd without passwords, the volume XFS mounted by UUID, the directories', async () => {
    for (const host of HOSTS) {
      const ufw = (await sh(host, 'ufw status verbose')).stdout;
      expect(ufw).toContain('Status: active');
      expect(ufw).toContain('Default: deny (incoming), allow (outgoing)');
      expect(ufw).toMatch(/^22\/tcp\s+ALLOW IN\s+10\.0\.0\.0\/16/m);
      for (const port of [5432, 6432, 6379, 8404]) expect(ufw).toMatch(new RegExp(`^${port}/tcp\\s+ALLOW IN\\s+10\\.0\\.0\\.0/16`, 'm'));
      const sshd = (await sh(host, 'sshd -T')).stdout.split('\n');
      expect(sshd).toEqual(expect.arrayContaining(['passwordauthentication no', 'kbdinteractiveauthentication no', 'permitrootlogin without-password', 'pubkeyauthentication yes']));
      const mount = (await sh(host, `findmnt -n -o FSTYPE,UUID,SOURCE ${MOUNT}`)).stdout.trim().split(/\s+/);
      expect(mount[0]).toBe('xfs');
      expect(mount[2]).toBe('/dev/sdb');
      expect((await sh(host, `grep -E '[[:space:]]${MOUNT}[[:space:]]' /etc/fstab`)).stdout).toMatch(new RegExp(`^UUID=${mount[1]} ${MOUNT} xfs discard,nofail,defaults 0 0$`, 'm'));
      expect((await sh(host, `stat -c '%a %n' /opt/keybuzz-installer/credentials ${MOUNT}/haproxy ${MOUNT}/pgbouncer`)).stdout).toBe(
        `700 /opt/keybuzz-installer/credentials\n755 ${MOUNT}/haproxy\n755 ${MOUNT}/pgbouncer\n`,
      );
      expect((await sh(host, 'systemctl is-active docker')).stdout.trim()).toBe('active');
    }
    kbrunState = (await sh(A, STATE_SCRIPT)).stdout;
    oldUuid = (await sh(B, `findmnt -n -o UUID ${MOUNT}`)).stdout.trim();
  }, 120_000);

  it("no lab address or route appears in the machine's own namespace", () => {
    const machine = execFileSync('ip', ['-j', 'addr', 'show'], { encoding: 'utf8' }) + execFileSync('ip', ['-j', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
    expect(machine).not.toMatch(/"10\.0\.\d+\.\d+/);
  });

  itAnsible('ansible-playbook running the same playbook on haproxy-01 of another lab leaves the same state', async () => {
    const up = await kbrun(['lab', 'up', A], {}, ansibleLab);
    expect(up.code, up.stderr).toBe(0);
    const inventory = labPaths({ name: ansibleLab }).ansibleInventoryFile;
    const started = Date.now();
    const run = await ansiblePlaybook(['-i', `${root}inventory/hosts.yml`, '-i', inventory, '-l', A, base]);
    timings['02 by ansible-playbook, 1 host'] = (Date.now() - started) / 1000;
    expect(run.code, run.out.slice(-4000)).toBe(0);
    const again = await ansiblePlaybook(['-i', `${root}inventory/hosts.yml`, '-i', inventory, '-l', A, base]);
    expect(again.out).toMatch(new RegExp(`${A}\\s+: ok=\\d+\\s+changed=0\\s+unreachable=0\\s+failed=0`));
    const ansibleState = (await sh(A, STATE_SCRIPT, ansibleLab)).stdout;
    expect(ansibleState).toContain('Status: active');
    expect(ansibleState).toBe(kbrunState);
    expect((await kbrun(['lab', 'down'], {}, ansibleLab)).code).toBe(0);
  }, 900_000);

  it('the cleanup is refused without -e confirm=yes, before any change', async () => {
    expect((await sh(B, SEED_SCRIPT)).code).toBe(0);
    expect(await seedIntact(B)).toBe(true);
    const run = await kbrun(['--lab', '--output', 'json', '-l', B, cleanup]);
    expect(run.code).toBe(2);
    expect(failures(run)).toContain('-e confirm=yes');
    expect(recapOf(run.stdout)[B]).toMatchObject({ changed: 0, failed: 1 });
    expect(await seedIntact(B)).toBe(true);
  }, 120_000);

  it('the cleanup is refused on a protected host, for every host of the run, before any change', async () => {
    const run = await kbrun(['--lab', '--output', 'json', '-l', `install-01,${B}`, '-e', 'confirm=yes', cleanup]);
    expect(run.code).toBe(2);
    expect(failures(run)).toMatch(/^install-01 .*install-01 is protected/m);
    expect(recapOf(run.stdout)[B]).toMatchObject({ changed: 0, failed: 0 });
    expect(await seedIntact(B)).toBe(true);
    // kbrun's own protected_hosts (KBRUN_PROTECTED_HOSTS here) refuses the destructive filesystem check, still first.
    const engine = await kbrun(['--lab', '--output', 'json', '-l', B, '-e', 'confirm=yes', '-e', '{"cleanup_protected_hosts": []}', cleanup], { KBRUN_PROTECTED_HOSTS: B });
    expect(engine.code).toBe(2);
    expect(failures(engine)).toContain('E_PROTECTED_HOST');
    expect(recapOf(engine.stdout)[B]).toMatchObject({ changed: 0, failed: 1 });
    expect(await seedIntact(B)).toBe(true);
  }, 120_000);

  it('the cleanup shows its whole plan under --check and changes nothing', async () => {
    const check = await kbrun(['--lab', '--check', '--output', 'json', '-l', B, cleanup]);
    expect(check.code, failures(check) || check.stderr).toBe(0);
    const plan = events(check.stdout).find((e) => e['type'] === 'host_result' && String(e['task']).endsWith('Show the plan'));
    const lines = (plan?.['result'] as Record<string, unknown> | undefined)?.['msg'];
    expect(lines).toEqual([
      'containers stopped and removed: 1',
      'images removed: 1',
      'Docker volumes removed: kbdata',
      'Docker networks removed: 1',
      'services stopped and disabled: redis-docker',
      'unit files deleted: /etc/systemd/system/redis-docker.service',
      'configuration deleted: /etc/redis',
      'entries deleted from /opt/keybuzz: 1',
      `volume /dev/disk/by-id/scsi-0HC_Volume_100000012 unmounted from ${MOUNT}, its mount point taken out of /etc/fstab, re-formatted xfs: ALL ITS DATA IS LOST`,
    ]);
    expect(changedSet(check)).toEqual(
      expect.arrayContaining([`${B} cleanup : Delete the configuration [/etc/redis]`, `${B} cleanup : Unmount the volume [${MOUNT}]`, `${B} cleanup : Re-format the volume (every byte on it is lost)`]),
    );
    expect(await seedIntact(B)).toBe(true);
  }, 120_000);

  it('the cleanup wipes what 02 made and the old state; 02 then works again', async () => {
    const run = await timed('00_cleanup, 1 host', () => kbrun(['--lab', '--output', 'json', '-l', B, '-e', 'confirm=yes', cleanup]));
    expect(run.code, failures(run) || run.stderr).toBe(0);
    const left = await sh(
      B,
      `findmnt ${MOUNT}; grep -c ${MOUNT} /etc/fstab; docker ps -aq; docker image ls -q; docker volume ls -q; docker network ls -q --filter type=custom; ls /etc/redis /etc/systemd/system/redis-docker.service /opt/keybuzz/stack 2>/dev/null; systemctl is-active redis-docker`,
    );
    expect(left.stdout.trim()).toBe('0\ninactive');
    const fresh = await sh(B, 'mount /dev/sdb /mnt && ls -A /mnt; umount /mnt; blkid -s UUID -o value /dev/sdb');
    expect(fresh.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.stdout.trim()).not.toBe(oldUuid);
    expect((await sh(A, `test -d ${MOUNT}/haproxy && findmnt ${MOUNT} >/dev/null`)).code).toBe(0);

    const again = await kbrun(['--lab', '--output', 'json', '-l', B, base]);
    expect(again.code, failures(again) || again.stderr).toBe(0);
    expect(changedSet(again)).toEqual(expect.arrayContaining([`${B} data_volume : Mount the volume by UUID (and in /etc/fstab)`]));
    expect(changedSet(again).some((c) => c.includes('Format the volume'))).toBe(false);
    const uuid = (await sh(B, `findmnt -n -o UUID ${MOUNT}`)).stdout.trim();
    expect(uuid).toBe(fresh.stdout.trim());
    expect((await sh(B, `ls ${MOUNT}`)).stdout).toBe('haproxy\nlogs\npgbouncer\n');
  }, 600_000);

  it('kbrun lab down leaves nothing behind', async () => {
    for (const name of [lab, ansibleLab]) {
      const down = await kbrun(['lab', 'down'], {}, name);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(labLeftovers(name)).toEqual([]);
    }
  }, 180_000);
});
