import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KbrunError } from '@kbrun/core';
import { ensureBaseImage, type BaseImage } from './base-image.js';
import { lockDirectory } from './dir-lock.js';
import { ensureInotifyInstances } from './inotify-limit.js';
import { startForwarder } from './forwarder.js';
import { addHostNamespace, deleteNamespace, ensureSwitch, listNamespaces, namespacePath, readNamespaceView } from './lab-network.js';
import { labLocationFromEnv, labNamespacePrefix, labPaths, NAMESPACE_PREFIX, type LabLocation, type LabPaths } from './lab-paths.js';
import { hostRunning, lockLab, readLabState, writeLabState, type LabHostState, type LabState } from './lab-state.js';
import { bootHost, HOST_PATH, mountHostRoot, stopHost, waitForSsh, writeHostIdentity } from './machine.js';
import { ensurePackageRepo, isMountPoint, type PackageRepo } from './package-repo.js';
import { isAlive, listProcesses, memoryOfPidNamespace, namespaceIdentity, readProcess, signal, waitGone } from './processes.js';
import { runChecked, runCommand } from './run-command.js';
import { assertSealed, LAB_NETWORK, sealingViolations, SWITCH_ADDRESS, type NamespaceRole, type NamespaceView, type SealingViolation } from './sealing.js';
import { DEFAULT_LAB_INVENTORY, selectLabHosts, type LabHostSpec } from './select-hosts.js';
import { attachVolume, detachLoopDevice, labVolumeId, labVolumeMiB, listLoopDevices, volumeByIdPath } from './volume.js';

/** Options every lab command takes: which lab (default: `KBRUN_LAB`, else `default`), and where progress lines go. */
export interface LabOptions extends LabLocation {
  print?: (line: string) => void;
}

/** Options of `kbrun lab up`. */
export interface LabUpOptions extends LabOptions {
  inventory?: readonly string[];
  /** The Debian mirror for the one-time base build and package fetch (`KBRUN_LAB_MIRROR`). */
  mirror?: string;
  packagesFile?: string;
  /** How long a host may take to boot until its sshd answers (default 180 s). */
  bootTimeoutMs?: number;
}

/** What `kbrun lab up` did. */
export interface LabUpResult {
  state: LabState;
  booted: string[];
  alreadyRunning: string[];
  baseBuiltMs: number | undefined;
  repoBuiltMs: number | undefined;
}

/** Why the lab cannot run on this machine (not root, a missing program), with how to fix it; undefined when it can. */
export function labPrerequisitesMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'kbrun lab must run as root (namespaces, mounts, loop devices)';
  const tools: Array<[string, string]> = [
    ['debootstrap', 'debootstrap'],
    ['systemd-nspawn', 'systemd-container'],
    ['ip', 'iproute2'],
    ['losetup', 'util-linux'],
    ['nsenter', 'util-linux'],
    ['ssh-keygen', 'openssh-client'],
  ];
  const missing = tools.filter(([tool]) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' }).status !== 0);
  if (missing.length === 0) return undefined;
  return `${missing.map(([t]) => t).join(', ')} not found: apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')}`;
}

function resolvePaths(options: LabOptions): LabPaths {
  return labPaths({ ...labLocationFromEnv(), ...options });
}

function requirePrerequisites(): void {
  const missing = labPrerequisitesMissing();
  if (missing) throw new KbrunError('E_LAB', missing, { hint: '.ci/run installs what the lab needs on Debian' });
}

/**
 * `kbrun lab up HOST…`: boots each host the patterns name (those already running are left alone, stopped ones are
 * started again), after building the base image and package repository if this machine has none for their recipe,
 * and after checking that the lab network is sealed. Returns once every host's sshd answers on its loopback endpoint.
 */
export async function labUp(patterns: readonly string[], options: LabUpOptions = {}): Promise<LabUpResult> {
  requirePrerequisites();
  const paths = resolvePaths(options);
  const print = options.print ?? (() => undefined);
  const specs = await selectLabHosts(options.inventory ?? [DEFAULT_LAB_INVENTORY], patterns);
  for (const spec of specs) if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$/.test(spec.name)) throw new KbrunError('E_LAB', `host name ${JSON.stringify(spec.name)} cannot name a lab machine (letters, digits, - and _ only)`);
  const mirror = options.mirror ?? process.env['KBRUN_LAB_MIRROR'];
  // One build of the machine's caches at a time (labs coming up together, such as test files, wait for it and reuse it).
  await mkdir(paths.cacheRoot, { recursive: true });
  const releaseCache = await lockDirectory(join(paths.cacheRoot, 'build.lock'), { waitMs: 60 * 60_000, busy: (owner) => `kbrun (PID ${owner}) has been building the lab's base image or package repository for an hour` });
  let base: BaseImage;
  let repo: PackageRepo;
  try {
    base = await ensureBaseImage(paths.cacheRoot, { print, ...(mirror ? { mirror } : {}) });
    if (base.builtNowMs !== undefined) print(`lab: base image ${base.key} built in ${(base.builtNowMs / 1000).toFixed(1)} s`);
    repo = await ensurePackageRepo(paths.cacheRoot, base, { print, ...(mirror ? { mirror } : {}), ...(options.packagesFile ? { packagesFile: options.packagesFile } : {}) });
    if (repo.builtNowMs !== undefined) print(`lab: package repository ${repo.key} (${repo.debs} packages) built in ${(repo.builtNowMs / 1000).toFixed(1)} s`);
  } finally {
    await releaseCache();
  }
  const release = await lockLab(paths);
  try {
    const previous = await readLabState(paths);
    if (previous && previous.baseImage.key !== base.key) {
      throw new KbrunError('E_LAB', `lab '${paths.name}' runs on base image ${previous.baseImage.key}, not the current recipe's ${base.key}`, { hint: 'kbrun lab down, then kbrun lab up' });
    }
    if (previous && previous.repo.key !== repo.key) {
      // The package list changed: hosts booted from now on (new ones, restarted ones) read the new repository.
      print(`lab: the package list changed: hosts booted from now on use repository ${repo.key} (running hosts keep ${previous.repo.key} until restarted)`);
      previous.repo = { key: repo.key, dir: repo.dir, debs: repo.debs };
    }
    const state: LabState = previous ?? {
      version: 1,
      name: paths.name,
      network: `${LAB_NETWORK.address}/${LAB_NETWORK.prefix}`,
      switchNamespace: paths.switchNamespace,
      switchAddress: SWITCH_ADDRESS,
      baseImage: { key: base.key, root: base.root },
      repo: { key: repo.key, dir: repo.dir, debs: repo.debs },
      keyFile: paths.keyFile,
      knownHostsFile: paths.knownHostsFile,
      ansibleInventoryFile: paths.ansibleInventoryFile,
      hosts: {},
    };
    for (const spec of specs) {
      const other = Object.values(state.hosts).find((h) => h.address === spec.address && h.name !== spec.name);
      if (other) throw new KbrunError('E_LAB', `${spec.name}'s address ${spec.address} is already ${other.name}'s in lab '${paths.name}'`);
    }
    await ensureLabKey(paths);
    await ensureSwitch(paths.switchNamespace);
    const fresh = specs.filter((s) => !state.hosts[s.name]);
    for (const spec of fresh) state.hosts[spec.name] = await createHost(paths, spec);
    for (const spec of specs) await prepareRoot(paths, state.hosts[spec.name]!, base.root);
    await writeLabState(paths, state);
    const raised = await ensureInotifyInstances();
    if (raised) print(raised);
    // Sealing is judged on every namespace of the lab and on the machine's own, before anything boots.
    assertSealed(await checkSealing(paths, Object.values(state.hosts)), paths.name);
    // A forwarder for every host without a live one (the new hosts, or after a crash of the old one).
    const needForwarder = Object.values(state.hosts).filter((h) => !isAlive(h.forwarder.pid, h.forwarder.start));
    if (needForwarder.length > 0) {
      const forwarder = await startForwarder(paths.switchNamespace, needForwarder.map((h) => h.address), join(paths.dir, 'forwarder.log'));
      for (const h of needForwarder) {
        h.forwarder = { pid: forwarder.pid, start: forwarder.start };
        h.sshPort = forwarder.ports.get(h.address)!;
      }
    }
    await writeLabState(paths, state);
    const alreadyRunning = specs.filter((s) => hostRunning(state.hosts[s.name]!)).map((s) => s.name);
    const toBoot = specs.filter((s) => !alreadyRunning.includes(s.name)).map((s) => state.hosts[s.name]!);
    const failures: string[] = [];
    await Promise.all(
      toBoot.map(async (host) => {
        try {
          await boot(host, repo.dir, options.bootTimeoutMs ?? 180_000);
          print(`lab: ${host.name} up at ${host.address} (ssh 127.0.0.1:${host.sshPort}) in ${((host.bootMs ?? 0) / 1000).toFixed(1)} s`);
        } catch (error) {
          failures.push(`${host.name}: ${(error as Error).message}`);
        }
      }),
    );
    await writeLabFiles(paths, state);
    await writeLabState(paths, state);
    if (failures.length > 0) throw new KbrunError('E_LAB', `some lab hosts did not come up:\n${failures.join('\n')}`, { hint: 'kbrun lab status; kbrun lab down removes everything' });
    return { state, booted: toBoot.map((h) => h.name), alreadyRunning, baseBuiltMs: base.builtNowMs, repoBuiltMs: repo.builtNowMs };
  } finally {
    await release();
  }
}

async function ensureLabKey(paths: LabPaths): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  if (existsSync(paths.keyFile)) return;
  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `kbrun-lab-${paths.name}`, '-f', paths.keyFile]);
}

/** Builds everything of a new host but its boot: namespace and address, volume, overlay root, identity. */
async function createHost(paths: LabPaths, spec: LabHostSpec): Promise<LabHostState> {
  const dir = paths.hostDir(spec.name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const namespace = paths.hostNamespace(spec.name);
  const veth = await addHostNamespace(paths.switchNamespace, namespace, spec.address);
  const host: LabHostState = {
    name: spec.name,
    address: spec.address,
    namespace,
    veth,
    machine: `${labNamespacePrefix(paths.name)}${spec.name}`,
    root: join(dir, 'root'),
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    dockerDir: join(dir, 'docker'),
    consoleLog: join(dir, 'console.log'),
    volume: undefined,
    sshPort: 0,
    forwarder: { pid: 0, start: '' },
    status: 'created',
    nspawn: undefined,
    leader: undefined,
    bootMs: undefined,
    bootedAt: undefined,
  };
  if (spec.volume) {
    const id = labVolumeId(spec.address);
    const sizeMiB = labVolumeMiB(spec.volume.sizeGb);
    const image = join(dir, 'volume.img');
    const loopDevice = await attachVolume(image, sizeMiB);
    host.volume = { id, name: spec.volume.name, planGb: spec.volume.sizeGb, sizeMiB, image, loopDevice, byIdPath: volumeByIdPath(id), mountpoint: spec.volume.mountpoint };
  }
  return host;
}

/** Mounts (if needed), boots and waits for sshd; records the processes and the boot time in `host`. */
async function boot(host: LabHostState, repoDir: string, timeoutMs: number): Promise<void> {
  if (!(await isMountPoint(host.root))) throw new KbrunError('E_LAB', `${host.name}: its root ${host.root} is not mounted`, { hint: 'kbrun lab down, then kbrun lab up' });
  const started = Date.now();
  const processes = await bootHost(host, repoDir);
  host.nspawn = processes.nspawn;
  host.leader = processes.leader;
  host.status = 'running';
  await waitForSsh(host, timeoutMs);
  host.bootMs = Date.now() - started;
  host.bootedAt = new Date(started).toISOString();
}

/** The known_hosts file (each host under its fleet address and its loopback endpoint) and the Ansible inventory. */
async function writeLabFiles(paths: LabPaths, state: LabState): Promise<void> {
  const known: string[] = [];
  const inventory: string[] = [
    `# kbrun lab '${paths.name}': its hosts' loopback endpoints, for ansible-playbook (kbrun --lab needs none of this).`,
    `# Use it after the fleet inventory so these win: ansible-playbook -i inventory/hosts.yml -i ${paths.ansibleInventoryFile} …`,
    'all:',
    '  hosts:',
  ];
  for (const host of Object.values(state.hosts).sort((a, b) => a.name.localeCompare(b.name))) {
    const identity = JSON.parse(await readFile(join(paths.hostDir(host.name), 'identity.json'), 'utf8')) as { keys: string[] };
    for (const key of identity.keys) known.push(`${host.address} ${key}`, `[127.0.0.1]:${host.sshPort} ${key}`);
    inventory.push(
      `    ${host.name}:`,
      '      ansible_host: 127.0.0.1',
      `      ansible_port: ${host.sshPort}`,
      '      ansible_user: root',
      `      ansible_ssh_private_key_file: ${paths.keyFile}`,
      `      ansible_ssh_common_args: -o UserKnownHostsFile=${paths.knownHostsFile} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
      `      lab_address: ${host.address}`,
      `      kbrun_lab: ${paths.name}`,
    );
  }
  await writeFile(paths.knownHostsFile, `${known.join('\n')}\n`, { mode: 0o600 });
  await writeFile(paths.ansibleInventoryFile, `${inventory.join('\n')}\n`, { mode: 0o600 });
}

/** Every namespace of the lab and the machine's own, judged; see `sealingViolations`. */
export async function checkSealing(paths: LabPaths, hosts: ReadonlyArray<Pick<LabHostState, 'namespace'>>): Promise<SealingViolation[]> {
  const views: Array<{ role: NamespaceRole; view: NamespaceView }> = [{ role: 'machine', view: await readNamespaceView(undefined) }];
  views.push({ role: 'switch', view: await readNamespaceView(paths.switchNamespace) });
  for (const host of hosts) views.push({ role: 'host', view: await readNamespaceView(host.namespace) });
  // A lab namespace the state does not know is no lab host: its presence is a violation too.
  const known = new Set([paths.switchNamespace, ...hosts.map((h) => h.namespace)]);
  const stray = (await listNamespaces()).filter((n) => n.startsWith(labNamespacePrefix(paths.name)) && !known.has(n));
  return [...sealingViolations(views, LAB_NETWORK), ...stray.map((namespace) => ({ namespace, problem: 'belongs to no lab host' }))];
}

/** `kbrun lab up` step for a new host: mount its root and write its identity (kept apart so a crash can be retried). */
async function prepareRoot(paths: LabPaths, host: LabHostState, baseRoot: string): Promise<void> {
  const identityFile = join(paths.hostDir(host.name), 'identity.json');
  if (!(await isMountPoint(host.root))) await mountHostRoot(host, baseRoot);
  if (existsSync(identityFile)) return;
  const publicKey = await readFile(`${paths.keyFile}.pub`, 'utf8');
  const keys = await writeHostIdentity(host, publicKey);
  await writeFile(identityFile, `${JSON.stringify({ keys }, null, 2)}\n`);
}

/** The status of one lab host, as `kbrun lab status` shows it. */
export interface LabHostStatus {
  name: string;
  state: 'created' | 'running' | 'killed' | 'poweroff' | 'died';
  address: string;
  endpoint: string;
  memoryBytes: number | undefined;
  bootMs: number | undefined;
  volume: { id: number; byIdPath: string; sizeMiB: number; planGb: number; loopDevice: string } | undefined;
}

/** `kbrun lab status`: every host of the lab, its state, fleet address, loopback endpoint and memory (PSS of its processes). */
export async function labStatus(options: LabOptions = {}): Promise<{ lab: string; hosts: LabHostStatus[]; state: LabState | undefined }> {
  const paths = resolvePaths(options);
  const state = await readLabState(paths);
  if (!state) return { lab: paths.name, hosts: [], state };
  const hosts = Object.values(state.hosts)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((h): LabHostStatus => {
      const running = hostRunning(h);
      const pidns = running ? readProcess(h.leader!.pid)?.pidns : undefined;
      return {
        name: h.name,
        state: running ? 'running' : h.status === 'running' ? 'died' : h.status,
        address: h.address,
        endpoint: `127.0.0.1:${h.sshPort}`,
        memoryBytes: pidns ? memoryOfPidNamespace(pidns) : undefined,
        bootMs: h.bootMs,
        volume: h.volume ? { id: h.volume.id, byIdPath: h.volume.byIdPath, sizeMiB: h.volume.sizeMiB, planGb: h.volume.planGb, loopDevice: h.volume.loopDevice } : undefined,
      };
    });
  return { lab: paths.name, hosts, state };
}

async function requireHost(paths: LabPaths, name: string): Promise<{ state: LabState; host: LabHostState }> {
  const state = await readLabState(paths);
  const host = state?.hosts[name];
  if (!state || !host) {
    const known = state ? Object.keys(state.hosts).sort().join(', ') : '';
    throw new KbrunError('E_LAB', `${name} is not in lab '${paths.name}'${known ? ` (its hosts: ${known})` : ' (the lab is not up)'}`, { hint: `kbrun lab up ${name}` });
  }
  return { state, host };
}

/** `kbrun lab stop HOST`: SIGKILL of the machine (a crash), or with `graceful` a clean power-off. */
export async function labStop(name: string, options: LabOptions & { graceful?: boolean } = {}): Promise<void> {
  requirePrerequisites();
  const paths = resolvePaths(options);
  const release = await lockLab(paths);
  try {
    const { state, host } = await requireHost(paths, name);
    await stopHost(host, options.graceful ? 'poweroff' : 'kill');
    host.status = options.graceful ? 'poweroff' : 'killed';
    host.nspawn = undefined;
    host.leader = undefined;
    await writeLabState(paths, state);
  } finally {
    await release();
  }
}

/** `kbrun lab start HOST`: boots a stopped host again, with the same root, volume and address; waits for its sshd. */
export async function labStart(name: string, options: LabOptions & { bootTimeoutMs?: number } = {}): Promise<LabHostState> {
  requirePrerequisites();
  const paths = resolvePaths(options);
  const release = await lockLab(paths);
  try {
    const { state, host } = await requireHost(paths, name);
    if (hostRunning(host)) throw new KbrunError('E_LAB', `${name} is running already`, { hint: `kbrun lab stop ${name} first` });
    // nspawn's own process may outlive a killed init for a moment.
    if (host.nspawn && isAlive(host.nspawn.pid, host.nspawn.start)) await stopHost(host, 'kill');
    if (!isAlive(host.forwarder.pid, host.forwarder.start)) throw new KbrunError('E_LAB', `${name}'s forwarder is gone`, { hint: `kbrun lab up ${name} starts a new one` });
    try {
      await boot(host, state.repo.dir, options.bootTimeoutMs ?? 180_000);
    } finally {
      await writeLabState(paths, state);
    }
    return host;
  } finally {
    await release();
  }
}

/**
 * `kbrun lab exec HOST -- CMD…`: runs a command inside a host (nsenter into every namespace of its init, with a
 * clean environment), the terminal attached; resolves to its exit code. No command: a login shell.
 */
export async function labExec(name: string, command: readonly string[], options: LabOptions & { stdio?: 'inherit' | 'pipe'; input?: string } = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  requirePrerequisites();
  const paths = resolvePaths(options);
  const { host } = await requireHost(paths, name);
  if (!hostRunning(host)) throw new KbrunError('E_LAB', `${name} is not running`, { hint: `kbrun lab start ${name}` });
  const argv = command.length > 0 ? [...command] : ['/bin/bash', '-l'];
  const env = { PATH: HOST_PATH, HOME: '/root', USER: 'root', LOGNAME: 'root', LANG: 'C.UTF-8', TERM: process.env['TERM'] ?? 'dumb' };
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', ['--target', String(host.leader!.pid), '--all', '--root', '--wd', '--', ...argv], { env, stdio: options.stdio === 'pipe' ? ['pipe', 'pipe', 'pipe'] : 'inherit' });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin?.end(options.input ?? '');
    child.once('error', reject);
    child.once('close', (code, sig) => resolve({ exitCode: code ?? (sig ? 128 + (typeof sig === 'string' ? 9 : 0) : 1), stdout, stderr }));
  });
}

/** What `kbrun lab down` removed, and anything it could not. */
export interface LabDownReport {
  labs: string[];
  killed: number;
  unmounted: string[];
  detached: string[];
  namespaces: string[];
  leftovers: string[];
}

/**
 * `kbrun lab down`: removes every process, mount, loop device, namespace and file of the lab, found by its naming
 * conventions (namespaces `kbrun-lab.<lab>.*`, everything under its directory), not only from its state file, so it
 * also cleans up after a crashed run. `all` does it for every lab on the machine.
 */
export async function labDown(options: LabOptions & { all?: boolean } = {}): Promise<LabDownReport> {
  requirePrerequisites();
  const paths = resolvePaths(options);
  const labs = options.all ? await allLabNames(paths.stateRoot) : [paths.name];
  const report: LabDownReport = { labs, killed: 0, unmounted: [], detached: [], namespaces: [], leftovers: [] };
  for (const lab of labs) await downOne(labPaths({ name: lab, stateRoot: paths.stateRoot, cacheRoot: paths.cacheRoot }), report);
  return report;
}

/** Every lab on the machine: their state directories and their namespaces. */
async function allLabNames(stateRoot: string): Promise<string[]> {
  const names = new Set<string>();
  for (const entry of await readdir(stateRoot).catch(() => [] as string[])) names.add(entry);
  for (const ns of await listNamespaces()) if (ns.startsWith(NAMESPACE_PREFIX)) names.add(ns.slice(NAMESPACE_PREFIX.length).split('.')[0]!);
  return [...names].filter((n) => /^[a-z0-9][a-z0-9-]{0,23}$/.test(n)).sort();
}

async function downOne(paths: LabPaths, report: LabDownReport): Promise<void> {
  const prefix = labNamespacePrefix(paths.name);
  const dirPrefix = `${paths.dir}/`;
  const namespaces = (await listNamespaces()).filter((n) => n.startsWith(prefix));
  const identities = new Set(namespaces.map((n) => namespaceIdentity(namespacePath(n))).filter((i): i is string => i !== undefined));
  // 1. Processes: everything in a lab namespace (hosts' processes, forwarders, lab exec shells), and nspawn itself.
  const victims = listProcesses().filter(
    (p) => p.pid !== process.pid && ((p.netns !== undefined && identities.has(p.netns)) || (p.cmdline[0]?.endsWith('systemd-nspawn') === true && p.cmdline.some((a) => a.includes(dirPrefix)))),
  );
  for (const p of victims) signal(p.pid, 'SIGKILL');
  const survivors = await waitGone(victims, 15_000);
  report.killed += victims.length - survivors.length;
  for (const p of survivors) report.leftovers.push(`process ${p.pid} survived SIGKILL`);
  // 2. Mounts under the lab directory, deepest first; nspawn's lock file of each root goes with it.
  const mounts = (await mountsUnder(dirPrefix)).sort((a, b) => b.length - a.length);
  for (const mount of mounts) {
    let lockFile: string | undefined;
    try {
      const s = statSync(mount);
      lockFile = `/run/systemd/nspawn/locks/inode-${s.dev}:${s.ino}`;
    } catch {
      // unreadable: no lock to remove
    }
    let result = await runCommand('umount', [mount]);
    if (result.exitCode !== 0) result = await runCommand('umount', ['--lazy', mount]);
    if (result.exitCode === 0) {
      report.unmounted.push(mount);
      if (lockFile) await rm(lockFile, { force: true });
    } else report.leftovers.push(`mount ${mount}: ${result.stderr.trim()}`);
  }
  // 3. Loop devices backed by the lab's volume images.
  for (const loop of await listLoopDevices()) {
    if (!loop.backingFile.startsWith(dirPrefix)) continue;
    await detachLoopDevice(loop.device);
    report.detached.push(loop.device);
  }
  // 4. Namespaces, and what a killed nspawn leaves in /run.
  for (const namespace of namespaces) {
    await deleteNamespace(namespace);
    report.namespaces.push(namespace);
  }
  for (const entry of await readdir('/run/systemd/nspawn/propagate').catch(() => [] as string[])) {
    if (entry.startsWith(prefix)) await rm(join('/run/systemd/nspawn/propagate', entry), { recursive: true, force: true });
  }
  // 5. The lab directory, once nothing is mounted under it any more.
  const still = await mountsUnder(dirPrefix);
  if (still.length > 0) report.leftovers.push(...still.map((m) => `mount ${m} (lab directory kept)`));
  else await rm(paths.dir, { recursive: true, force: true });
  for (const namespace of (await listNamespaces()).filter((n) => n.startsWith(prefix))) report.leftovers.push(`namespace ${namespace}`);
  for (const loop of await listLoopDevices()) if (loop.backingFile.startsWith(dirPrefix)) report.leftovers.push(`loop device ${loop.device}`);
}

/** Mount points at or under a directory prefix (from /proc/self/mountinfo; octal escapes decoded). */
async function mountsUnder(prefix: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => `${p}/`.startsWith(prefix));
}

/** How `kbrun --lab` reaches the lab: each lab host's loopback endpoint, the lab key and known_hosts. */
export interface LabAccess {
  lab: string;
  keyFile: string;
  knownHostsFile: string;
  /** A directory standing for `~` of the SSH client: no personal keys or known_hosts reach the lab. */
  sshHome: string;
  /** Fleet address → loopback port, for the hosts in the lab (running or not). */
  endpoints: Map<string, { host: string; port: number }>;
  /** Fleet address → inventory name. */
  names: Map<string, string>;
}

/** Reads what `kbrun --lab` needs from the lab's state; throws when the lab is not up. */
export async function labAccess(options: LabOptions = {}): Promise<LabAccess> {
  const paths = resolvePaths(options);
  const state = await readLabState(paths);
  if (!state || Object.keys(state.hosts).length === 0) throw new KbrunError('E_LAB', `lab '${paths.name}' is not up`, { hint: 'kbrun lab up HOST… first' });
  const sshHome = join(paths.dir, 'ssh-home');
  await mkdir(sshHome, { recursive: true, mode: 0o700 });
  return {
    lab: paths.name,
    keyFile: state.keyFile,
    knownHostsFile: state.knownHostsFile,
    sshHome,
    endpoints: new Map(Object.values(state.hosts).map((h) => [h.address, { host: '127.0.0.1', port: h.sshPort }])),
    names: new Map(Object.values(state.hosts).map((h) => [h.address, h.name])),
  };
}
