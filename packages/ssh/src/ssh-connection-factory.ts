import type { Duplex } from 'node:stream';
import { ConnectionError, type ConnectionFactory } from '@kbrun/core';
import type { Client } from 'ssh2';
import { HostKeyCheck, KnownHostsStore, type HostKeyPolicy } from './host-key-check.js';
import { JumpPool, type JumpLease } from './jump-pool.js';
import { knownHostsName } from './known-hosts.js';
import { login } from './open-ssh-client.js';
import { planAuthentication } from './ssh-auth.js';
import { SshConnection, type OpenedClient } from './ssh-connection.js';
import { defaultSshDefaults, resolveSshTarget, targetLabel, type SshDefaults, type SshEndpoint, type SshTarget } from './ssh-target.js';
import { dialEndpoint, forwardThrough } from './tcp-route.js';

/** Options of `sshConnectionFactory`; a host's variables override them where Ansible has a variable for it. */
export interface SshFactoryOptions {
  /** A known_hosts file read before `~/.ssh/known_hosts`; keys accepted under `accept-new` are recorded there. */
  knownHostsFile?: string;
  /** true (default): keys must be known; false: any key is accepted; 'accept-new': unknown keys are recorded and trusted. */
  hostKeyChecking?: boolean | 'accept-new';
  /** TCP connect and SSH handshake timeout, each (default 10 000 ms; `ansible_timeout` overrides). */
  connectTimeoutMs?: number;
  /** Channels open at once per host (default 10, sshd's MaxSessions; `kbrun_ssh_max_sessions` overrides). */
  maxSessions?: number;
  /** Keepalive period and how many may go unanswered before the connection is declared dead (15 000 ms, 3). */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Where `~` points for known_hosts and default identities (default: the user's home directory). */
  homeDirectory?: string;
  /** Login name when a host has no `ansible_user` (default: the current user). */
  user?: string;
  /** ssh-agent socket (default: $SSH_AUTH_SOCK); null: no agent. */
  agentSocket?: string | null;
}

/** A connection factory for the engine's `connections: { ssh }`, and the means to end everything it opened. */
export interface SshConnectionFactory {
  factory: ConnectionFactory;
  /** The latest connection made for each inventory name, for tests and benchmarks. */
  connections: ReadonlyMap<string, SshConnection>;
  /** Jump host connections open right now. */
  jumpConnections(): number;
  /** Closes every connection and jump host connection. */
  closeAll(): Promise<void>;
}

/**
 * Creates the SSH connection factory: each host gets an `SshConnection` built from its variables (logging in at its
 * first command); connections share the known_hosts files read once and a pool of jump host connections.
 */
export function sshConnectionFactory(options: SshFactoryOptions = {}): SshConnectionFactory {
  const defaults = resolveDefaults(options);
  const knownHosts = new KnownHostsStore();
  const jumps = new JumpPool();
  const connections = new Map<string, SshConnection>();
  const everyConnection = new Set<SshConnection>();

  const loginOver = async (target: SshTarget, endpoint: SshEndpoint, label: string, sock: Duplex, isTarget: boolean, signal?: AbortSignal): Promise<Client> => {
    try {
      const hostKey = await HostKeyCheck.prepare(knownHosts, target.hostKeyPolicy, target.knownHosts, knownHostsName(endpoint.host, endpoint.port), label);
      // The target's password is for the target: jump hosts get keys and the agent only.
      const auth = await planAuthentication(target, endpoint.user, isTarget);
      return await login({
        endpoint,
        label,
        sock,
        auth,
        hostKey,
        handshakeTimeoutMs: target.connectTimeoutMs,
        keepaliveIntervalMs: target.keepaliveIntervalMs,
        keepaliveCountMax: target.keepaliveCountMax,
        signal,
      });
    } catch (error) {
      sock.destroy();
      throw error;
    }
  };

  const connectHop = async (target: SshTarget, endpoint: SshEndpoint, label: string, via: JumpLease | undefined): Promise<Client> => {
    const sock = via
      ? await forwardThrough(via.client, via.label, endpoint, label, target.connectTimeoutMs)
      : await dialEndpoint(endpoint, label, target.connectTimeoutMs);
    return loginOver(target, endpoint, label, sock, false);
  };

  // `signal` abandons this target's login; jump hosts are shared and left to the pool.
  const loginTo = async (target: SshTarget, signal: AbortSignal): Promise<OpenedClient> => {
    const label = targetLabel(target);
    if (target.jumps.length === 0) {
      const sock = await dialEndpoint(target.endpoint, label, target.connectTimeoutMs, signal).catch((error: unknown) => {
        throw signal.aborted ? new ConnectionError(`ssh to ${label}: the login was abandoned (the connection was closed)`) : error;
      });
      return { client: await loginOver(target, target.endpoint, label, sock, true, signal), release: () => undefined };
    }
    let lease: JumpLease;
    try {
      lease = await jumps.acquire(target.jumps, (endpoint, hopLabel, via) => connectHop(target, endpoint, hopLabel, via));
    } catch (error) {
      throw error instanceof ConnectionError ? new ConnectionError(`${label}: ${error.message}`) : error;
    }
    try {
      const sock = await forwardThrough(lease.client, lease.label, target.endpoint, label, target.connectTimeoutMs);
      return { client: await loginOver(target, target.endpoint, label, sock, true, signal), release: lease.release };
    } catch (error) {
      lease.release();
      throw error;
    }
  };

  return {
    factory: async (host, vars) => {
      const connection = new SshConnection(resolveSshTarget(host, vars, defaults), loginTo);
      connections.set(host, connection);
      everyConnection.add(connection);
      return connection;
    },
    connections,
    jumpConnections: () => jumps.size,
    closeAll: async () => {
      await Promise.allSettled([...everyConnection].map((c) => c.close()));
      await jumps.closeAll();
    },
  };
}

function resolveDefaults(options: SshFactoryOptions): SshDefaults {
  const defaults = defaultSshDefaults();
  const positive = (value: number | undefined, name: string): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`sshConnectionFactory: ${name} must be a positive number, got ${value}`);
    return value;
  };
  const policy: HostKeyPolicy | undefined =
    options.hostKeyChecking === undefined ? undefined : options.hostKeyChecking === 'accept-new' ? 'accept-new' : options.hostKeyChecking ? 'strict' : 'off';
  return {
    homeDirectory: options.homeDirectory ?? defaults.homeDirectory,
    user: options.user ?? defaults.user,
    knownHostsFile: options.knownHostsFile ?? defaults.knownHostsFile,
    hostKeyPolicy: policy ?? defaults.hostKeyPolicy,
    connectTimeoutMs: positive(options.connectTimeoutMs, 'connectTimeoutMs') ?? defaults.connectTimeoutMs,
    maxSessions: Math.floor(positive(options.maxSessions, 'maxSessions') ?? defaults.maxSessions),
    keepaliveIntervalMs: positive(options.keepaliveIntervalMs, 'keepaliveIntervalMs') ?? defaults.keepaliveIntervalMs,
    keepaliveCountMax: Math.floor(positive(options.keepaliveCountMax, 'keepaliveCountMax') ?? defaults.keepaliveCountMax),
    agentSocket: options.agentSocket === null ? undefined : (options.agentSocket ?? defaults.agentSocket),
  };
}
