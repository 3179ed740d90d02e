import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dial } from '@kbrun/core';

const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = '/usr/bin/ssh-keygen';

/** Why real OpenSSH servers cannot be started here (for `requires()` in test/helpers/prerequisite.ts), or undefined when they can. */
export const sshdMissing: string | undefined = (() => {
  if (process.platform !== 'linux') return `sshd tests need Linux (this is ${process.platform})`;
  if (!existsSync(SSHD)) return `${SSHD} is not installed (apt-get install openssh-server)`;
  if (!existsSync(SSH_KEYGEN)) return `${SSH_KEYGEN} is not installed (apt-get install openssh-client)`;
  return undefined;
})();

/** Why the sudo/password test user (`testUser: true`) cannot be prepared here, sshd included, or undefined when it can. */
export const testUserMissing: string | undefined = (() => {
  if (sshdMissing !== undefined) return sshdMissing;
  if (process.getuid?.() !== 0) return 'preparing the sudo/password test user (kbrun-test) needs root';
  for (const tool of ['/usr/sbin/useradd', '/usr/sbin/chpasswd', '/usr/sbin/usermod', '/usr/bin/sudo', '/usr/sbin/visudo']) {
    if (!existsSync(tool)) return `${tool} is not installed (the sudo/password test user cannot be prepared; apt-get install sudo)`;
  }
  return undefined;
})();

/** One sshd to start. */
export interface SshdHostSpec {
  /** Inventory name (default `sshN`). */
  name?: string;
  /** Loopback address it listens on (default 127.0.0.<firstAddress + index>). */
  address?: string;
  /** sshd's MaxSessions (default 10, as sshd's own default). */
  maxSessions?: number;
  /** sshd's LogLevel (default VERBOSE; DEBUG1 logs each forwarding it does: jump hosts, streams from the target). */
  logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG1';
  /** sshd's AllowTcpForwarding (default yes; `no` refuses direct-tcpip channels: jump hosts and streams from the target). */
  allowTcpForwarding?: 'yes' | 'no' | 'local' | 'remote';
}

/** What to start. */
export interface SshdHarnessOptions {
  /** Hosts `ssh1…sshN` on consecutive addresses (ignored when `hosts` is given). */
  count?: number;
  /** Last byte of the first host's address (default 10: 127.0.0.10, 127.0.0.11, …). */
  firstAddress?: number;
  hosts?: SshdHostSpec[];
  /** Also prepare the local user `kbrun-test` for password login and sudo with a password (root only). */
  testUser?: boolean;
}

/** One running sshd. */
export interface SshdHost {
  name: string;
  address: string;
  port: number;
  /** The sshd listener's PID (undefined while stopped). */
  readonly pid: number | undefined;
  /** The `ssh-ed25519 AAAA…` public host key. */
  hostKey: string;
  logFile: string;
  /** What sshd has logged so far. */
  log(): string;
  /** Ends the listener and its connections: SIGTERM, then SIGKILL for what is left after 2 s. */
  stop(): Promise<void>;
  /** Kills the listener and every process it started (connections, their commands) at once, as a crash would. */
  kill(): Promise<void>;
  /** Ends the open connections (their sshd processes and commands) but keeps listening. */
  dropConnections(): Promise<void>;
  /** Starts the listener again (same address, port and host key). */
  start(): Promise<void>;
}

/** The local user the harness can prepare for password and sudo tests. */
export interface SshdTestUser {
  name: string;
  /** A random password set for this run (the account is locked again by `stop()`). */
  password: string;
}

/** A fleet of real sshd processes on loopback addresses, with their keys and a known_hosts file. */
export interface SshdHarness {
  dir: string;
  hosts: SshdHost[];
  /** Private key (OpenSSH format, no passphrase) that every host authorises for every user. */
  clientKey: string;
  /** known_hosts with a `[127.0.0.X]:PORT` line for every host. */
  knownHostsFile: string;
  /** Set when `testUser` was asked for and could be prepared; otherwise `testUserSkipReason` says why. */
  testUser: SshdTestUser | undefined;
  testUserSkipReason: string;
  host(name: string): SshdHost;
  /** Ansible connection variables for a host (root, the client key, the harness's known_hosts). */
  hostVars(name: string, extra?: Record<string, unknown>): Record<string, unknown>;
  /** An inventory YAML of the given hosts (default: all) in group `nodes`, with `vars` on every host. */
  inventory(names?: readonly string[], vars?: Record<string, unknown>): string;
  /** Stops every sshd it started (only those) and removes the temporary directory. */
  stop(): Promise<void>;
}

const TEST_USER = 'kbrun-test';
// PIDs this module started and has not seen exit, killed synchronously if the test process exits first.
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Starts the sshd processes (in parallel) and waits until each accepts TCP connections. */
export async function startSshdHarness(options: SshdHarnessOptions = {}): Promise<SshdHarness> {
  if (sshdMissing !== undefined) throw new Error(sshdMissing);
  const dir = mkdtempSync(join(tmpdir(), 'kbrun-sshd-'));
  // Users other than root (the sudo test user) must reach authorized_keys; host keys stay private (0600).
  chmodSync(dir, 0o755);
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const clientKey = join(dir, 'client_ed25519');
  keygen(clientKey, 'kbrun-harness-client');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o644 });
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const first = options.firstAddress ?? 10;
  const specs = options.hosts ?? Array.from({ length: options.count ?? 1 }, (_, i) => ({ name: `ssh${i + 1}` }));
  const hosts: SshdHost[] = [];
  try {
    const started = await Promise.all(specs.map((spec, i) => startHost(dir, spec, spec.name ?? `ssh${i + 1}`, spec.address ?? `127.0.0.${first + i}`)));
    hosts.push(...started);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, hosts.map((h) => `[${h.address}]:${h.port} ${h.hostKey}\n`).join(''));
  let testUser: SshdTestUser | undefined;
  let testUserSkipReason = options.testUser ? '' : 'the harness was not asked for a test user';
  if (options.testUser) {
    const prepared = prepareTestUser();
    if ('reason' in prepared) testUserSkipReason = prepared.reason;
    else testUser = prepared;
  }
  const byName = (name: string) => {
    const host = hosts.find((h) => h.name === name);
    if (!host) throw new Error(`no harness host named ${name}`);
    return host;
  };
  const hostVars = (name: string, extra: Record<string, unknown> = {}) => {
    const host = byName(name);
    return {
      ansible_connection: 'ssh',
      ansible_host: host.address,
      ansible_port: host.port,
      ansible_user: 'root',
      ansible_ssh_private_key_file: clientKey,
      ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHostsFile}`,
      ...extra,
    };
  };
  return {
    dir,
    hosts,
    clientKey,
    knownHostsFile,
    testUser,
    testUserSkipReason,
    host: byName,
    hostVars,
    inventory: (names = hosts.map((h) => h.name), vars = {}) => {
      const lines = ['all:', '  children:', '    nodes:', '      hosts:'];
      for (const name of names) {
        lines.push(`        ${name}:`);
        for (const [key, value] of Object.entries(hostVars(name, vars))) lines.push(`          ${key}: ${JSON.stringify(value)}`);
      }
      return `${lines.join('\n')}\n`;
    },
    stop: async () => {
      await Promise.all(hosts.map((h) => h.stop()));
      if (testUser) lockTestUser();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startHost(dir: string, spec: SshdHostSpec, name: string, address: string): Promise<SshdHost> {
  const port = await freePort(address);
  const hostKeyFile = join(dir, `${name}_host_ed25519`);
  keygen(hostKeyFile, `${name}-host`);
  const config = join(dir, `${name}_sshd_config`);
  writeFileSync(
    config,
    [
      `ListenAddress ${address}:${port}`,
      `HostKey ${hostKeyFile}`,
      `PidFile ${join(dir, `${name}_sshd.pid`)}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin yes',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `MaxSessions ${spec.maxSessions ?? 10}`,
      'MaxStartups 200:30:400',
      'MaxAuthTries 10',
      'LoginGraceTime 30',
      `AllowTcpForwarding ${spec.allowTcpForwarding ?? 'yes'}`,
      'X11Forwarding no',
      'PrintMotd no',
      'UseDNS no',
      'Subsystem sftp internal-sftp',
      // bash sources ~/.bashrc for commands sshd runs unless it is a nested shell; SHLVL=1 keeps the machine's own
      // shell start-up (pyenv and the like, 100+ ms here) out of every command the tests time.
      'SetEnv SHLVL=1',
      `LogLevel ${spec.logLevel ?? 'VERBOSE'}`,
      '',
    ].join('\n'),
  );
  const logFile = join(dir, `${name}_sshd.log`);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const descendants = (root: number): number[] => {
    const parents = new Map<number, number[]>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const list = parents.get(ppid) ?? [];
        list.push(Number(entry));
        parents.set(ppid, list);
      } catch {
        // the process ended while we looked
      }
    }
    const found: number[] = [];
    const queue = [root];
    while (queue.length > 0) {
      for (const pid of parents.get(queue.shift()!) ?? []) {
        found.push(pid);
        queue.push(pid);
      }
    }
    return found;
  };
  const signal = (pids: number[], sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  const waitGone = async (pids: number[], ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && pids.some((pid) => existsSync(`/proc/${pid}`) && !isZombie(pid))) await sleep(20);
    return pids.filter((pid) => existsSync(`/proc/${pid}`) && !isZombie(pid));
  };

  const host: SshdHost = {
    name,
    address,
    port,
    get pid() {
      return child?.pid;
    },
    hostKey: readFileSync(`${hostKeyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' '),
    logFile,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    start: async () => {
      if (child) return;
      const fd = openSync(logFile, 'a');
      const started = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', fd, fd] });
      closeSync(fd);
      child = started;
      const pid = started.pid!;
      running.add(pid);
      let done = false;
      exited = new Promise((resolve) => {
        started.once('exit', () => {
          done = true;
          running.delete(pid);
          if (child === started) child = undefined;
          resolve();
        });
      });
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (done) throw new Error(`sshd for ${name} exited at start:\n${host.log()}`);
        try {
          (await dial(address, port, { timeoutMs: 500 })).destroy();
          return;
        } catch {
          if (Date.now() > deadline) throw new Error(`sshd for ${name} did not listen on ${address}:${port} within 10 s:\n${host.log()}`);
          await sleep(25);
        }
      }
    },
    stop: async () => {
      const pid = child?.pid;
      if (pid === undefined) return;
      const all = [pid, ...descendants(pid)];
      signal(all, 'SIGTERM');
      signal(await waitGone(all, 2000), 'SIGKILL');
      await exited;
    },
    kill: async () => {
      const pid = child?.pid;
      if (pid === undefined) return;
      signal([pid, ...descendants(pid)], 'SIGKILL');
      await exited;
    },
    dropConnections: async () => {
      const pid = child?.pid;
      if (pid === undefined) return;
      const sessions = descendants(pid);
      signal(sessions, 'SIGTERM');
      signal(await waitGone(sessions, 2000), 'SIGKILL');
    },
  };
  await host.start();
  return host;
}

function keygen(file: string, comment: string): void {
  execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Prepares `kbrun-test` (idempotent): created with useradd when missing, given a fresh random password, allowed sudo
 * with that password (/etc/sudoers.d/kbrun-test, checked by visudo; no cached credentials, no lecture).
 * Only as root; the account is locked again when the harness stops.
 */
function prepareTestUser(): SshdTestUser | { reason: string } {
  if (testUserMissing !== undefined) return { reason: testUserMissing };
  try {
    try {
      execFileSync('/usr/bin/id', [TEST_USER], { stdio: 'ignore' });
    } catch {
      execFileSync('/usr/sbin/useradd', ['--create-home', '--shell', '/bin/sh', TEST_USER], { stdio: 'ignore' });
    }
    const password = `Kb-${randomBytes(12).toString('base64url')}`;
    execFileSync('/usr/sbin/chpasswd', [], { input: `${TEST_USER}:${password}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
    execFileSync('/usr/sbin/usermod', ['--unlock', TEST_USER], { stdio: 'ignore' });
    const rule = `# kbrun test user (test/helpers/sshd-harness.ts): sudo with its password, no cached credentials\nDefaults:${TEST_USER} timestamp_timeout=0, lecture=never\n${TEST_USER} ALL=(ALL:ALL) ALL\n`;
    const staged = join(tmpdir(), `kbrun-sudoers-${process.pid}`);
    writeFileSync(staged, rule, { mode: 0o440 });
    try {
      execFileSync('/usr/sbin/visudo', ['-c', '-q', '-f', staged], { stdio: 'ignore' });
      writeFileSync(`/etc/sudoers.d/${TEST_USER}`, rule, { mode: 0o440 });
    } finally {
      rmSync(staged, { force: true });
    }
    return { name: TEST_USER, password };
  } catch (error) {
    return { reason: `the sudo/password test user could not be prepared: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Locks the test user's password again (its random password is useless after the run anyway). */
function lockTestUser(): void {
  try {
    execFileSync('/usr/sbin/usermod', ['--lock', TEST_USER], { stdio: 'ignore' });
  } catch {
    // best effort
  }
}
