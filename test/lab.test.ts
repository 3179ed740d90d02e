import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { afterAll, describe, expect } from 'vitest';
import { labPaths, labPrerequisitesMissing, type LabHostStatus } from '@kbrun/lab';
import { requires } from './helpers/prerequisite.js';
import { events, recapOf, runKbrun, type KbrunRun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

// `kbrun lab` end to end, through the kbrun binary itself: two fleet hosts booted in a lab of their own (so other
// labs on the machine are untouched), then everything the lab promises, then `kbrun lab down` leaving nothing.
// Needs root, debootstrap and systemd-nspawn (CI=true fails without them); the base image is cached per machine.
const root = new URL('..', import.meta.url).pathname;
const inventory = `${root}inventory/hosts.yml`;
const lab = `t${process.pid}`;
const paths = labPaths({ name: lab });
const [A, B, OUTSIDE] = ['haproxy-01', 'redis-01', 'redis-02'] as const;
const it = requires(labPrerequisitesMissing());

function kbrun(args: readonly string[]): Promise<KbrunRun> {
  return runKbrun(args, { cwd: root, env: { KBRUN_LAB: lab } });
}

async function exec(host: string, ...command: string[]): Promise<KbrunRun> {
  return kbrun(['lab', 'exec', host, '--', ...command]);
}

async function status(): Promise<Record<string, LabHostStatus>> {
  const run = await kbrun(['lab', 'status', '--json']);
  expect(run.code, run.stderr).toBe(0);
  const parsed = JSON.parse(run.stdout) as { hosts: LabHostStatus[] };
  return Object.fromEntries(parsed.hosts.map((h) => [h.name, h]));
}

/** The machine's own namespace as `ip -j` shows it: addresses and routes of every table. */
function machineNetwork(): string {
  return execFileSync('ip', ['-j', 'addr', 'show'], { encoding: 'utf8' }) + execFileSync('ip', ['-j', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
}

const address: Record<string, string> = {};
let project: TempProject | undefined;

describe('kbrun lab', () => {
  afterAll(async () => {
    project?.cleanup();
    if (labPrerequisitesMissing() === undefined) await kbrun(['lab', 'down']);
  }, 120_000);

  it('lab up boots the hosts with their fleet addresses, reachable only through loopback endpoints', async () => {
    const up = await kbrun(['lab', 'up', A, B]);
    expect(up.code, up.stderr).toBe(0);
    const hosts = await status();
    for (const name of [A, B]) {
      expect(hosts[name]?.state).toBe('running');
      expect(hosts[name]?.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
      address[name] = hosts[name]!.address;
      expect(address[name]).toMatch(/^10\.0\.\d+\.\d+$/);
    }
    expect(readFileSync(`${root}inventory/hosts.yml`, 'utf8')).toContain(`ansible_host: ${address[A]}`);
    expect((await exec(A, 'hostname')).stdout.trim()).toBe(A);
    expect((await exec(B, 'ip', '-4', '-o', 'addr', 'show', 'eth0')).stdout).toContain(`${address[B]}/16`);
    expect((await exec(A, 'systemctl', 'is-system-running', '--wait')).stdout.trim()).toMatch(/^(running|degraded)$/);
  }, 900_000);

  it('lab exec passes the exit code through', async () => {
    expect((await exec(A, 'sh', '-c', 'exit 7')).code).toBe(7);
  });

  it('hosts reach each other on the lab network, and nothing outside it', async () => {
    const ssh = await exec(A, 'bash', '-c', `exec 3<>/dev/tcp/${address[B]}/22 && head -c 7 <&3`);
    expect(ssh.stdout).toBe('SSH-2.0');
    const ownAddress = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    for (const target of [ownAddress ?? '192.0.2.2', '1.1.1.1', '10.1.0.1']) {
      const out = await exec(A, 'bash', '-c', `exec 3<>/dev/tcp/${target}/22`);
      expect(out.code, `${target} must be unreachable`).not.toBe(0);
      expect(out.stderr).toMatch(/Network is unreachable/);
    }
  });

  it("the machine's own namespace has no lab address or route; lab check says sealed", async () => {
    expect(machineNetwork()).not.toMatch(/"10\.0\.\d+\.\d+/);
    const check = await kbrun(['lab', 'check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('is sealed');
  });

  it("a host's net.* sysctls are its own (the machine's stay as they were, vm.* are refused); its own bridges keep the lab sealed", async () => {
    const machineForwarding = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
    expect((await exec(A, 'sysctl', '-w', 'net.ipv4.ip_forward=1')).code).toBe(0);
    expect((await exec(A, 'cat', '/proc/sys/net/ipv4/ip_forward')).stdout.trim()).toBe('1');
    expect((await exec(A, 'sysctl', '-w', 'vm.swappiness=10')).code).not.toBe(0);
    expect(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8')).toBe(machineForwarding);
    // What Docker does on a host: a bridge with its own network. The lab stays sealed.
    expect((await exec(A, 'sh', '-c', 'ip link add docker0 type bridge && ip addr add 172.17.0.1/16 dev docker0 && ip link set docker0 up')).code).toBe(0);
    expect((await kbrun(['lab', 'check'])).code).toBe(0);
    expect((await exec(A, 'ip', 'link', 'del', 'docker0')).code).toBe(0);
  });

  it('the volume is at the by-id path and /dev/sdb, and can be formatted XFS and mounted inside', async () => {
    const hosts = await status();
    const byId = hosts[A]!.volume!.byIdPath;
    expect(byId).toMatch(/^\/dev\/disk\/by-id\/scsi-0HC_Volume_\d+$/);
    expect((await exec(A, 'readlink', '-f', byId)).stdout.trim()).toBe('/dev/sdb');
    expect((await exec(A, 'mkfs.xfs', '-q', '-f', byId)).code).toBe(0);
    expect((await exec(A, 'mkdir', '-p', '/data/lb_internal')).code).toBe(0);
    const uuid = (await exec(A, 'blkid', '-s', 'UUID', '-o', 'value', '/dev/sdb')).stdout.trim();
    expect((await exec(A, 'sh', '-c', `echo "UUID=${uuid} /data/lb_internal xfs defaults 0 0" >> /etc/fstab`)).code).toBe(0);
    expect((await exec(A, 'mount', '/data/lb_internal')).code).toBe(0);
    expect((await exec(A, 'findmnt', '-n', '-o', 'FSTYPE', '/data/lb_internal')).stdout.trim()).toBe('xfs');
    expect((await exec(A, 'sh', '-c', 'echo kept > /data/lb_internal/mark')).code).toBe(0);
  });

  it('apt installs a package from the local repository with no network', async () => {
    const install = await exec(B, 'sh', '-c', 'apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq && jq --version');
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/jq-1\.\d/);
    expect((await exec(B, 'apt-get', 'indextargets', '--format', '$(URI)')).stdout).toMatch(/^file:\/var\/lib\/kbrun-lab\/apt-repo/m);
  }, 120_000);

  it('kbrun --lab runs a playbook with the fleet inventory; a host not in the lab is UNREACHABLE with the reason', async () => {
    project = tempProject({
      'site.yml': `- hosts: ${A}:${B}:${OUTSIDE}
  gather_facts: false
  tasks:
    - name: who
      command: hostname
      register: who
    - name: greet
      copy: { dest: /root/greeting.txt, content: "hello {{ inventory_hostname }}\\n" }
    - assert: { that: [who.stdout == inventory_hostname] }
`,
    });
    const run = await kbrun(['--lab', '--output', 'json', '-i', inventory, project.path('site.yml')]);
    expect(run.code, run.stderr).toBe(4);
    const recap = recapOf(run.stdout);
    expect(recap[A]).toMatchObject({ ok: 3, changed: 2, unreachable: 0, failed: 0 });
    expect(recap[B]).toMatchObject({ ok: 3, changed: 2, unreachable: 0, failed: 0 });
    expect(recap[OUTSIDE]).toMatchObject({ ok: 0, unreachable: 1 });
    const unreachable = events(run.stdout).find((e) => e['type'] === 'host_result' && e['host'] === OUTSIDE);
    expect(JSON.stringify(unreachable)).toContain(`is not in lab '${lab}'`);
    expect((await exec(B, 'cat', '/root/greeting.txt')).stdout).toBe(`hello ${B}\n`);
    const again = await kbrun(['--lab', '--output', 'json', '-i', inventory, '-l', `${A}:${B}`, project.path('site.yml')]);
    expect(recapOf(again.stdout)[A]).toMatchObject({ ok: 3, changed: 1 });
  }, 120_000);

  it('stop kills a host (a crash) or powers it off; start boots it again with the same root, volume (mounted from fstab) and address', async () => {
    expect((await kbrun(['lab', 'stop', B])).code).toBe(0);
    expect((await status())[B]?.state).toBe('killed');
    expect((await exec(B, 'true')).code).not.toBe(0);
    expect((await kbrun(['lab', 'start', B])).code).toBe(0);
    expect((await exec(B, 'cat', '/root/greeting.txt')).stdout).toBe(`hello ${B}\n`);
    expect((await exec(B, 'ip', '-4', '-o', 'addr', 'show', 'eth0')).stdout).toContain(`${address[B]}/16`);
    expect((await kbrun(['lab', 'stop', '--graceful', A])).code).toBe(0);
    expect((await status())[A]?.state).toBe('poweroff');
    expect((await kbrun(['lab', 'start', A])).code).toBe(0);
    // As on a server, the boot mounts the volume from fstab (by UUID).
    expect((await exec(A, 'cat', '/data/lb_internal/mark')).stdout).toBe('kept\n');
  }, 300_000);

  it('lab up refuses to boot anything when the lab network is not sealed', async () => {
    const hostNs = paths.hostNamespace(A);
    execFileSync('ip', ['-n', hostNs, 'route', 'add', 'default', 'dev', 'eth0']);
    try {
      const check = await kbrun(['lab', 'check']);
      expect(check.code).toBe(1);
      expect(check.stdout).toContain(`${hostNs} has a default route`);
      const up = await kbrun(['lab', 'up', OUTSIDE]);
      expect(up.code).toBe(1);
      expect(up.stderr).toContain('E_LAB_NOT_SEALED');
      expect(up.stderr).toContain(`${hostNs} has a default route (IPv4 via eth0)`);
      expect((await status())[OUTSIDE]?.state).toBe('created');
    } finally {
      execFileSync('ip', ['-n', hostNs, 'route', 'del', 'default']);
    }
    expect((await kbrun(['lab', 'check'])).code).toBe(0);
  });

  it('lab down leaves no process, mount, loop device, namespace or file behind', async () => {
    const down = await kbrun(['lab', 'down']);
    expect(down.code, down.stderr).toBe(0);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`kbrun-lab.${lab}.`);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(paths.dir);
    expect(execFileSync('losetup', ['--list', '--noheadings', '--output', 'BACK-FILE'], { encoding: 'utf8' })).not.toContain(paths.dir);
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(processes).not.toContain(paths.dir);
    expect(existsSync(paths.dir)).toBe(false);
    expect(machineNetwork()).not.toMatch(/"10\.0\.\d+\.\d+/);
  }, 120_000);
});
