import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { HostKeyPolicy, KnownHostsFiles } from './host-key-check.js';
import { parseSshArgs, type StrictHostKeyChecking } from './ssh-args.js';

/** One SSH server to log in to. */
export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
}

/** Defaults for every host, from the factory's options (a host's variables override them). */
export interface SshDefaults {
  /** Where `~` points (known_hosts, default identities); default: the user's home. */
  homeDirectory: string;
  /** Login name when neither `ansible_user` nor `-l`/`User=` is given. */
  user: string;
  /** An extra known_hosts file read before `~/.ssh/known_hosts`; keys accepted on first use are written there. */
  knownHostsFile: string | undefined;
  hostKeyPolicy: HostKeyPolicy;
  connectTimeoutMs: number;
  maxSessions: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** The ssh-agent socket; undefined: no agent. */
  agentSocket: string | undefined;
}

/** Everything needed to connect to one host, resolved from its variables. */
export interface SshTarget {
  /** The inventory name. */
  name: string;
  endpoint: SshEndpoint;
  /** Jump hosts, first hop first (the first is dialled directly, each next one through the previous). */
  jumps: SshEndpoint[];
  /** Private key files to try, in order (explicit ones; the default identities come from `defaultKeyFiles`). */
  keyFiles: string[];
  defaultKeyFiles: string[];
  /** Passphrase of the key files (`ansible_ssh_private_key_passphrase`); never shown. */
  passphrase: string | undefined;
  /** Login password (`ansible_ssh_pass` / `ansible_password`); never shown. */
  password: string | undefined;
  agentSocket: string | undefined;
  hostKeyPolicy: HostKeyPolicy;
  knownHosts: KnownHostsFiles;
  connectTimeoutMs: number;
  maxSessions: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

/** How messages name an endpoint: `user@host:port`. */
export function endpointLabel(endpoint: SshEndpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.user}@${host}:${endpoint.port}`;
}

/** How messages name a target: `web1 (root@127.0.0.10:22)`, or just `root@127.0.0.10:22` when the names agree. */
export function targetLabel(target: Pick<SshTarget, 'name' | 'endpoint'>): string {
  const endpoint = endpointLabel(target.endpoint);
  return target.name === target.endpoint.host ? endpoint : `${target.name} (${endpoint})`;
}

/** The default defaults: the current user, ~/.ssh, strict host keys, 10 s connect timeout, 10 sessions, 15 s keepalives. */
export function defaultSshDefaults(): SshDefaults {
  return {
    homeDirectory: homedir(),
    user: userInfo().username,
    knownHostsFile: undefined,
    hostKeyPolicy: 'strict',
    connectTimeoutMs: 10_000,
    maxSessions: 10,
    keepaliveIntervalMs: 15_000,
    keepaliveCountMax: 3,
    agentSocket: process.env['SSH_AUTH_SOCK'] || undefined,
  };
}

/**
 * Resolves a host's connection settings from its variables (Ansible's names), its ssh arguments and the defaults.
 * Precedence follows Ansible's ssh command line: `ansible_*` variables, then `ansible_ssh_common_args`, then
 * `ansible_ssh_extra_args`, then the defaults. Throws an Error naming the variable when a value is unusable.
 */
export function resolveSshTarget(name: string, vars: Readonly<Record<string, unknown>>, defaults: SshDefaults): SshTarget {
  const args = parseSshArgs(text(vars, 'ansible_ssh_common_args'), text(vars, 'ansible_ssh_extra_args'));
  const home = defaults.homeDirectory;
  const user = text(vars, 'ansible_user', 'ansible_ssh_user') ?? args.user ?? defaults.user;
  const host = text(vars, 'ansible_host', 'ansible_ssh_host') ?? name;
  const port = integer(vars, ['ansible_port', 'ansible_ssh_port'], 1, 65535) ?? args.port ?? 22;
  const timeoutSeconds = number(vars, 'ansible_ssh_timeout', 'ansible_timeout');
  const keyFile = text(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file');
  const userFiles = args.userKnownHostsFiles ?? [...(defaults.knownHostsFile ? [defaults.knownHostsFile] : []), '~/.ssh/known_hosts'];
  const read = [...userFiles, '/etc/ssh/ssh_known_hosts'].map((f) => expandHome(f, home));
  return {
    name,
    endpoint: { host, port, user },
    jumps: args.proxyJump ? parseJumpHosts(args.proxyJump, user) : [],
    keyFiles: [...(keyFile !== undefined ? [keyFile] : []), ...args.identityFiles].map((f) => expandHome(f, home)),
    defaultKeyFiles: ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f)),
    passphrase: text(vars, 'ansible_ssh_private_key_passphrase'),
    password: text(vars, 'ansible_ssh_pass', 'ansible_password', 'ansible_ssh_password'),
    agentSocket: defaults.agentSocket,
    hostKeyPolicy: policyOf(args.strictHostKeyChecking, vars['ansible_ssh_host_key_checking'] ?? vars['ansible_host_key_checking'], defaults.hostKeyPolicy),
    knownHosts: { read, writeFile: read[0]! },
    connectTimeoutMs: timeoutSeconds !== undefined ? timeoutSeconds * 1000 : (args.connectTimeoutMs ?? defaults.connectTimeoutMs),
    maxSessions: integer(vars, ['kbrun_ssh_max_sessions'], 1, 10_000) ?? defaults.maxSessions,
    keepaliveIntervalMs: args.serverAliveIntervalMs ?? defaults.keepaliveIntervalMs,
    keepaliveCountMax: args.serverAliveCountMax ?? defaults.keepaliveCountMax,
  };
}

/** Parses a ProxyJump list (`[user@]host[:port],…` or `ssh://[user@]host[:port]`); a hop without a user logs in as `user`. */
export function parseJumpHosts(spec: string, user: string): SshEndpoint[] {
  return spec
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '')
    .map((hop) => {
      const match = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:@/]+)(?::(\d+))?\/?$/.exec(hop);
      if (!match) throw new Error(`ProxyJump hop '${hop}' is not of the form [user@]host[:port]`);
      const port = match[3] === undefined ? 22 : Number(match[3]);
      if (port < 1 || port > 65535) throw new Error(`ProxyJump hop '${hop}' has an invalid port`);
      const host = match[2]!.startsWith('[') ? match[2]!.slice(1, -1) : match[2]!;
      return { host, port, user: match[1] ?? user };
    });
}

/** `~` and `~/…` against the home directory. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

function policyOf(strict: StrictHostKeyChecking | undefined, variable: unknown, fallback: HostKeyPolicy): HostKeyPolicy {
  if (strict !== undefined) return strict === 'yes' ? 'strict' : strict === 'no' ? 'off' : 'accept-new';
  if (variable === undefined || variable === null || variable === '') return fallback;
  if (variable === true || (typeof variable === 'string' && /^(yes|true|on|1)$/i.test(variable))) return 'strict';
  if (variable === false || (typeof variable === 'string' && /^(no|false|off|0)$/i.test(variable))) return 'off';
  if (variable === 'accept-new') return 'accept-new';
  throw new Error(`ansible_host_key_checking must be true, false or accept-new, got ${JSON.stringify(variable)}`);
}

function text(vars: Readonly<Record<string, unknown>>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = vars[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    throw new Error(`${name} must be a string, got ${typeof value}`);
  }
  return undefined;
}

function number(vars: Readonly<Record<string, unknown>>, ...names: string[]): number | undefined {
  const value = text(vars, ...names);
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${names[0]} must be a positive number of seconds, got '${value}'`);
  return n;
}

function integer(vars: Readonly<Record<string, unknown>>, names: string[], min: number, max: number): number | undefined {
  const value = text(vars, ...names);
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${names[0]} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}
