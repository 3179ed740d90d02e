import { ConnectionError, defineModule, KbrunError, TcpConnectError, type ModuleContext, type ModuleResult } from '@kbrun/core';
import type { Duplex } from 'node:stream';
import { compilePythonRegex } from '../lib/python-regex.js';
import { activeConnections, canonicalAddress, parseTcpTable, TCP_STATES } from '../lib/tcp-table.js';

/** Arguments of `wait_for`. */
export interface WaitForArgs {
  host?: string;
  port?: number;
  path?: string;
  state?: 'started' | 'stopped' | 'present' | 'absent' | 'drained';
  exclude_hosts?: string[] | string;
  active_connection_states?: string[] | string;
  timeout?: number;
  delay?: number;
  sleep?: number;
  connect_timeout?: number;
  search_regex?: string;
  msg?: string;
}

// Elapsed time is counted, not read from the wall clock: the sum of the written milliseconds slept on the
// engine clock plus the real time of each check. On a scaled (simulation) clock `elapsed` therefore stays in the
// playbook's seconds; on a real clock the two are the same.
class Stopwatch {
  private waitedMs = 0;
  private checkMs = 0;
  constructor(private readonly ctx: ModuleContext) {}

  get elapsedMs(): number {
    return this.waitedMs + this.checkMs;
  }

  async sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    await this.ctx.sleep(ms);
    this.waitedMs += ms;
  }

  async time<T>(work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.checkMs += performance.now() - start;
    }
  }
}

type Probe = { ok: true; match?: RegExpExecArray } | { ok: false; reason: string } | { fatal: string };

const DEFAULT_ACTIVE_STATES = ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'];

/**
 * `wait_for`: waits for a TCP port or a file, like ansible.builtin.wait_for, from the target's point of view: the port
 * is checked through a stream the connection opens from the target (over SSH, the target's sshd connects), so
 * `port: 5432` on a database host checks that host; `connection: local` / `delegate_to: localhost` check from the
 * controller.
 */
export const waitFor = defineModule<WaitForArgs>({
  name: 'wait_for',
  description:
    "Waits until a TCP port accepts connections (optionally sending `search_regex`), refuses them, or has no active connections left (drained) — checked from the target's network, as Ansible's module running on the target does (over SSH the target's sshd opens the connection; with connection: local or delegate_to: localhost, the controller through the guarded dialer) — or until a file on the target exists (optionally containing `search_regex`) or is gone.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      host: {
        type: 'string',
        default: '127.0.0.1',
        description: "The host whose port is checked, as the target resolves and reaches it (127.0.0.1 is the target itself). For drained, the local address the connections must have (0.0.0.0 or :: for any).",
      },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'The TCP port to wait for.' },
      path: { type: 'string', description: 'A file on the target to wait for.' },
      state: {
        type: 'string',
        enum: ['started', 'stopped', 'present', 'absent', 'drained'],
        default: 'started',
        description:
          'started/present: wait until the port accepts connections or the file exists (and matches search_regex); stopped/absent: until the port refuses connections or the file is gone; drained: until the port has no active connections on the target (read from /proc/net/tcp and tcp6: Linux targets).',
      },
      exclude_hosts: {
        anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }],
        description: 'With state=drained: connections from these hosts or addresses do not count (a list, or names separated by commas; names are resolved on the target).',
      },
      active_connection_states: {
        anyOf: [{ type: 'array', items: { type: 'string', enum: Object.keys(TCP_STATES) } }, { type: 'string' }],
        default: DEFAULT_ACTIVE_STATES,
        description: `With state=drained: the TCP states that count as active connections (${Object.keys(TCP_STATES).join(', ')}).`,
      },
      timeout: { type: 'number', minimum: 0, default: 300, description: 'Seconds to wait before failing.' },
      delay: { type: 'number', minimum: 0, default: 0, description: 'Seconds to wait before the first check.' },
      sleep: { type: 'number', minimum: 0, default: 1, description: 'Seconds between checks.' },
      connect_timeout: { type: 'number', minimum: 0, default: 5, description: 'Seconds one connection attempt may take.' },
      search_regex: { type: 'string', description: 'A regular expression the file content (or the data the port sends) must match.' },
      msg: { type: 'string', description: 'The failure message instead of the default one.' },
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    const state = args.state ?? 'started';
    const host = args.host ?? '127.0.0.1';
    if (args.port !== undefined && args.path !== undefined) {
      return { failed: true, changed: false, msg: 'port and path parameter can not both be passed to wait_for' };
    }
    if (state === 'drained' && args.port === undefined) {
      return { failed: true, changed: false, msg: 'state=drained should only be used for checking a port in the wait_for module' };
    }
    if (args.exclude_hosts !== undefined && state !== 'drained') {
      return { failed: true, changed: false, msg: 'exclude_hosts should only be with state=drained' };
    }
    const unknownState = listOf(args.active_connection_states ?? DEFAULT_ACTIVE_STATES).find((name) => TCP_STATES[name] === undefined);
    if (unknownState !== undefined) {
      return { failed: true, changed: false, msg: `unknown TCP state '${unknownState}' in active_connection_states (expected one of ${Object.keys(TCP_STATES).join(', ')})` };
    }
    let regex: RegExp | undefined;
    if (args.search_regex !== undefined) {
      const compiled = compilePythonRegex(args.search_regex, 'm');
      if ('error' in compiled) return { failed: true, changed: false, msg: compiled.error };
      regex = compiled.regex;
    }
    const wantPresent = state === 'started' || state === 'present' || state === 'drained';
    const timeoutMs = (args.timeout ?? 300) * 1000;
    const sleepMs = (args.sleep ?? 1) * 1000;
    const connectMs = (args.connect_timeout ?? 5) * 1000;
    const clock = new Stopwatch(ctx);
    const what =
      args.port !== undefined ? `${host}:${args.port}` : args.path !== undefined ? args.path : `${args.timeout ?? 300}s`;
    const seconds = () => Math.floor(clock.elapsedMs / 1000);
    const base = (): ModuleResult => {
      const result: ModuleResult = { changed: false, elapsed: seconds(), state };
      if (args.port !== undefined) result['port'] = args.port;
      if (args.path !== undefined) result['path'] = args.path;
      if (args.search_regex !== undefined) result['search_regex'] = args.search_regex;
      return result;
    };

    await clock.sleep((args.delay ?? 0) * 1000);
    if (args.port === undefined && args.path === undefined) {
      ctx.progress(`sleeping ${args.timeout ?? 300}s`);
      await clock.sleep(timeoutMs);
      return base();
    }

    const remainingMs = () => Math.max(1, timeoutMs - clock.elapsedMs);
    let drain: DrainTarget | undefined;
    const probe = (): Promise<Probe> =>
      clock.time(async () => {
        if (args.path !== undefined) return probePath(ctx, args.path, wantPresent ? regex : undefined);
        if (state !== 'drained') return probePort(ctx, host, args.port!, Math.min(connectMs, remainingMs()), wantPresent ? regex : undefined, remainingMs());
        drain ??= await drainTarget(ctx, host, args);
        return 'fatal' in drain ? drain : probeDrained(ctx, args.port!, drain);
      });
    for (let attempt = 1; ; attempt++) {
      const outcome = await probe();
      if ('fatal' in outcome) return { ...base(), failed: true, msg: outcome.fatal };
      if (outcome.ok === wantPresent) {
        const result = base();
        const match = outcome.ok ? outcome.match : undefined;
        result['match_groups'] = match ? match.slice(1).map((g) => g ?? null) : [];
        result['match_groupdict'] = match?.groups ? { ...match.groups } : {};
        return result;
      }
      if (clock.elapsedMs >= timeoutMs) break;
      ctx.progress(`waiting for ${what} to be ${state} (${seconds()}s of ${args.timeout ?? 300}s, attempt ${attempt})`);
      await clock.sleep(Math.min(sleepMs, timeoutMs - clock.elapsedMs));
    }
    return { ...base(), failed: true, msg: args.msg ?? timeoutMessage(args, host, wantPresent) };
  },
});

function timeoutMessage(args: WaitForArgs, host: string, wantPresent: boolean): string {
  if (args.port !== undefined && args.state === 'drained') return `Timeout when waiting for ${host}:${args.port} to drain`;
  if (args.port !== undefined) return !wantPresent ? `Timeout when waiting for ${host}:${args.port} to stop.` : `Timeout when waiting for ${host}:${args.port}`;
  if (!wantPresent) return `Timeout when waiting for ${args.path} to be absent.`;
  if (args.search_regex !== undefined) return `Timeout when waiting for search string ${args.search_regex} in ${args.path}`;
  return `Timeout when waiting for file ${args.path}`;
}

/**
 * One connection attempt from the target's network. A port that does not answer is a retry; a refusal no retry can
 * change (the loopback guard on the controller, a target's sshd that does not forward) ends the wait; a target that
 * cannot be reached at all is a ConnectionError the engine reports as unreachable.
 */
async function probePort(ctx: ModuleContext, host: string, port: number, connectMs: number, regex: RegExp | undefined, readMs: number): Promise<Probe> {
  let stream: Duplex;
  try {
    stream = await ctx.connection.openTcp(host, port, { timeoutMs: connectMs, signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted || error instanceof ConnectionError) throw error;
    if (error instanceof KbrunError && error.code === 'E_NET_GUARD') return { fatal: error.message };
    if (error instanceof TcpConnectError && error.reason === 'prohibited') return { fatal: error.message };
    return { ok: false, reason: (error as Error).message };
  }
  if (!regex) {
    stream.destroy();
    return { ok: true };
  }
  // Read what the service sends until the pattern matches, the peer closes, or the wait's time is up.
  return new Promise<Probe>((resolve) => {
    let data = '';
    const finish = (probe: Probe) => {
      clearTimeout(timer);
      stream.destroy();
      resolve(probe);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: 'search_regex not seen' }), readMs);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      data += chunk;
      const match = regex.exec(data);
      if (match) finish({ ok: true, match });
    });
    stream.on('end', () => finish({ ok: false, reason: 'connection closed before search_regex matched' }));
    stream.on('error', (error) => finish({ ok: false, reason: error.message }));
  });
}

/** What state=drained looks for: canonical local addresses, excluded remote addresses, counted states. */
type DrainTarget = { addresses: Set<string>; excluded: Set<string>; states: Set<number> } | { fatal: string };

async function drainTarget(ctx: ModuleContext, host: string, args: WaitForArgs): Promise<DrainTarget> {
  const addresses = await resolveOnTarget(ctx, host);
  if ('fatal' in addresses) return addresses;
  const excluded = new Set<string>();
  for (const name of listOf(args.exclude_hosts ?? [])) {
    const resolved = await resolveOnTarget(ctx, name);
    if ('fatal' in resolved) return resolved;
    for (const address of resolved.addresses) excluded.add(address);
  }
  const states = new Set(listOf(args.active_connection_states ?? DEFAULT_ACTIVE_STATES).map((name) => TCP_STATES[name]!));
  return { addresses: addresses.addresses, excluded, states };
}

/** A list argument given as a list or as one comma-separated string (as Ansible accepts both). */
function listOf(value: string[] | string): string[] {
  return (typeof value === 'string' ? value.split(',') : value).map((item) => item.trim()).filter((item) => item !== '');
}

/** Canonical addresses of a host as the target resolves it (an IP literal as it is; a name with getent on the target). */
async function resolveOnTarget(ctx: ModuleContext, host: string): Promise<{ addresses: Set<string> } | { fatal: string }> {
  const literal = canonicalAddress(host);
  if (literal !== undefined) return { addresses: new Set([literal]) };
  const { rc, stdout } = await ctx.connection.exec(['getent', 'ahosts', host], { signal: ctx.signal });
  const addresses = new Set(stdout.split('\n').map((line) => canonicalAddress(line.trim().split(/\s+/)[0] ?? '')).filter((a): a is string => a !== undefined));
  if (rc !== 0 || addresses.size === 0) return { fatal: `cannot resolve ${host} on the target (getent ahosts ${host} exited with ${rc})` };
  return { addresses };
}

/** Counts the target's active connections on the port (its TCP tables; tcp6 may be missing when IPv6 is off). */
async function probeDrained(ctx: ModuleContext, port: number, drain: Exclude<DrainTarget, { fatal: string }>): Promise<Probe> {
  const { stdout } = await ctx.connection.exec(['cat', '/proc/net/tcp', '/proc/net/tcp6'], { signal: ctx.signal });
  if (!/^\s*sl\s+local_address/m.test(stdout)) return { fatal: 'state=drained reads /proc/net/tcp on the target, which this target does not have (Linux only)' };
  const active = activeConnections(parseTcpTable(stdout), { port, addresses: drain.addresses, excluded: drain.excluded, states: drain.states });
  return active.length === 0 ? { ok: true } : { ok: false, reason: `${active.length} active connection(s)` };
}

async function probePath(ctx: ModuleContext, path: string, regex: RegExp | undefined): Promise<Probe> {
  if (!regex) {
    const { rc } = await ctx.connection.exec(['test', '-e', path], { signal: ctx.signal });
    return rc === 0 ? { ok: true } : { ok: false, reason: 'absent' };
  }
  // The content is matched here (not with grep on the target) so Python-style patterns and their groups work as in Ansible.
  const content = await ctx.connection.get(path);
  if (content === null) return { ok: false, reason: 'absent' };
  const match = regex.exec(content.toString('utf8'));
  return match ? { ok: true, match } : { ok: false, reason: 'no match' };
}
