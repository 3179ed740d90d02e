import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dial, KbrunError } from '@kbrun/core';
import { namespacePath } from './lab-network.js';
import { REPO_MOUNT_POINT } from './lab-paths.js';
import type { LabHostState } from './lab-state.js';
import { childrenOf, isAlive, readProcess, signal, waitGone } from './processes.js';
import { runChecked } from './run-command.js';

/** systemd's "power off" signal (SIGRTMIN+4 with glibc's SIGRTMIN of 34). */
const SIGRTMIN_PLUS_4 = 38;

/** The PATH commands run with inside a lab host. */
export const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Mounts a host's overlay root (its own upper layer over the shared, read-only base). */
export async function mountHostRoot(host: Pick<LabHostState, 'root' | 'upper' | 'work' | 'dockerDir'>, baseRoot: string): Promise<void> {
  for (const dir of [host.root, host.upper, host.work, host.dockerDir]) await mkdir(dir, { recursive: true });
  await runChecked('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${baseRoot},upperdir=${host.upper},workdir=${host.work}`, host.root]);
}

/**
 * Writes what makes a host itself into its root, before its first boot: hostname, hosts file, machine id, its own
 * SSH host keys (returned as known_hosts key text), the lab key in root's authorized_keys, and the by-id link of its
 * volume (a tmpfiles rule: `/dev/disk/by-id/scsi-0HC_Volume_<id>` → `../../sdb`, as on Hetzner).
 */
export async function writeHostIdentity(host: LabHostState, labPublicKey: string): Promise<string[]> {
  const at = (path: string) => join(host.root, path);
  await writeFile(at('etc/hostname'), `${host.name}\n`);
  await writeFile(at('etc/hosts'), `127.0.0.1\tlocalhost\n${host.address}\t${host.name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  await writeFile(at('etc/machine-id'), `${randomBytes(16).toString('hex')}\n`);
  const publicKeys: string[] = [];
  for (const type of ['ed25519', 'ecdsa']) {
    const file = at(`etc/ssh/ssh_host_${type}_key`);
    await runChecked('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `root@${host.name}`, '-f', file]);
    const [keyType, blob] = (await readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/);
    publicKeys.push(`${keyType} ${blob}`);
  }
  await mkdir(at('root/.ssh'), { recursive: true, mode: 0o700 });
  await chmod(at('root/.ssh'), 0o700);
  await writeFile(at('root/.ssh/authorized_keys'), `${labPublicKey.trim()}\n`, { mode: 0o600 });
  if (host.volume) {
    await mkdir(at('etc/tmpfiles.d'), { recursive: true });
    await writeFile(at('etc/tmpfiles.d/kbrun-lab-volume.conf'), `# kbrun lab: the data volume where Hetzner puts it\nL ${host.volume.byIdPath} - - - - ../../sdb\n`);
  }
  return publicKeys;
}

/** The systemd-nspawn command line of a host (the same at every boot: same root, volume, address). */
export function nspawnArgs(host: LabHostState, repoDir: string): string[] {
  return [
    '--quiet',
    '--register=no',
    '--keep-unit',
    '--boot',
    `--directory=${host.root}`,
    `--machine=${host.machine}`,
    `--hostname=${host.name}`,
    `--network-namespace-path=${namespacePath(host.namespace)}`,
    '--resolv-conf=off',
    '--timezone=off',
    '--link-journal=no',
    '--console=read-only',
    // iptables/nftables (ufw, Docker) in the host's own network namespace: nothing outside it is reachable anyway.
    '--capability=CAP_NET_ADMIN',
    `--bind-ro=${repoDir}:${REPO_MOUNT_POINT}`,
    // Docker's overlay2 cannot stack on the host's overlay root: its directory is a plain one of the machine's disk.
    `--bind=${host.dockerDir}:/var/lib/docker`,
    // The loop device as /dev/sdb, and under its own name so blkid (mount UUID=…) finds it in /proc/partitions.
    ...(host.volume ? [`--bind=${host.volume.loopDevice}:/dev/sdb`, `--bind=${host.volume.loopDevice}`] : []),
  ];
}

/** Boots a host detached (it outlives kbrun) and returns nspawn's and the container init's processes. */
export async function bootHost(host: LabHostState, repoDir: string): Promise<{ nspawn: { pid: number; start: string }; leader: { pid: number; start: string } }> {
  const log = openSync(host.consoleLog, 'a', 0o600);
  // /proc/sys/net writable (net.* sysctls belong to the host's own namespace; the rest of /proc/sys stays read-only).
  const env = { ...process.env, SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network' };
  const child = spawn('systemd-nspawn', nspawnArgs(host, repoDir), { stdio: ['ignore', log, log], detached: true, env });
  closeSync(log);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('error', (error) => reject(new KbrunError('E_LAB', `cannot run systemd-nspawn: ${error.message}`, { hint: 'apt-get install systemd-container' })));
    child.once('spawn', () => resolve(child.pid!));
  });
  child.unref();
  const nspawn = { pid, start: readProcess(pid)?.start ?? '' };
  // The container's init is the nspawn child living in another PID namespace.
  const ownPidns = readProcess(process.pid)?.pidns;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const c of childrenOf(pid)) {
      const info = readProcess(c);
      if (info && info.pidns !== ownPidns) return { nspawn, leader: { pid: c, start: info.start } };
    }
    if (!isAlive(pid, nspawn.start)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  signal(pid, 'SIGKILL');
  throw new KbrunError('E_LAB', `${host.name} did not start: ${await consoleTail(host)}`);
}

/** Waits until the host's sshd answers through its loopback endpoint (its banner arrives); throws with the console's tail. */
export async function waitForSsh(host: LabHostState, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!host.nspawn || !isAlive(host.nspawn.pid, host.nspawn.start)) throw new KbrunError('E_LAB', `${host.name} stopped while booting: ${await consoleTail(host)}`);
    if (await sshBanner(host.sshPort)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new KbrunError('E_LAB', `${host.name}: sshd did not answer on 127.0.0.1:${host.sshPort} within ${Math.round(timeoutMs / 1000)} s: ${await consoleTail(host)}`);
}

/** True when an SSH server's banner arrives from 127.0.0.1:port within a second (through kbrun's guarded dialer). */
async function sshBanner(port: number): Promise<boolean> {
  try {
    const socket = await dial('127.0.0.1', port, { timeoutMs: 1000 });
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), 1000);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(ok);
      };
      socket.once('data', (data: Buffer) => done(data.toString('latin1').startsWith('SSH-')));
      socket.once('error', () => done(false));
      socket.once('close', () => done(false));
    });
  } catch {
    return false;
  }
}

/**
 * Stops a host: `kill` is SIGKILL of the machine (its init and nspawn at once: a crash, nothing shuts down);
 * `poweroff` asks its systemd for a clean power-off and waits (up to 90 s, then kills).
 */
export async function stopHost(host: LabHostState, how: 'kill' | 'poweroff'): Promise<void> {
  const processes = [host.leader, host.nspawn].filter((p): p is { pid: number; start: string } => p !== undefined && isAlive(p.pid, p.start));
  if (how === 'poweroff' && host.leader && isAlive(host.leader.pid, host.leader.start)) {
    signal(host.leader.pid, SIGRTMIN_PLUS_4);
    if ((await waitGone(processes, 90_000)).length === 0) return;
  }
  for (const p of processes) if (isAlive(p.pid, p.start)) signal(p.pid, 'SIGKILL');
  const left = await waitGone(processes, 15_000);
  if (left.length > 0) throw new KbrunError('E_LAB', `${host.name}: processes ${left.map((p) => p.pid).join(', ')} survived SIGKILL`);
}

/** The last lines of a host's console, for error messages. */
export async function consoleTail(host: Pick<LabHostState, 'consoleLog'>): Promise<string> {
  const text = await readFile(host.consoleLog, 'utf8').catch(() => '');
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').slice(-8);
  return lines.length > 0 && lines[0] !== '' ? `console (${host.consoleLog}):\n${lines.join('\n')}` : `see ${host.consoleLog}`;
}
