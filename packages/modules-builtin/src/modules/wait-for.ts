import { defineModule, dial, KbrunError, type ModuleContext, type ModuleResult } from '@kbrun/core';
import type { Socket } from 'node:net';
import { compilePythonRegex } from '../lib/python-regex.js';

/** Arguments of `wait_for`. */
export interface WaitForArgs {
  host?: string;
  port?: number;
  path?: string;
  state?: 'started' | 'stopped' | 'present' | 'absent';
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

/** `wait_for`: waits for a TCP port (checked from the controller) or a file on the target, like ansible.builtin.wait_for. */
export const waitFor = defineModule<WaitForArgs>({
  name: 'wait_for',
  description:
    'Waits until a TCP port accepts (or refuses) connections — checked from the controller through the guarded dialer — or until a file on the target exists (optionally containing `search_regex`) or is gone.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      host: { type: 'string', default: '127.0.0.1', description: 'The host whose port is checked (from the controller).' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'The TCP port to wait for.' },
      path: { type: 'string', description: 'A file on the target to wait for.' },
      state: {
        type: 'string',
        enum: ['started', 'stopped', 'present', 'absent'],
        default: 'started',
        description:
          'started/present: wait until the port accepts connections or the file exists (and matches search_regex); stopped/absent: until the port refuses connections or the file is gone. `drained` is not supported.',
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
    let regex: RegExp | undefined;
    if (args.search_regex !== undefined) {
      const compiled = compilePythonRegex(args.search_regex, 'm');
      if ('error' in compiled) return { failed: true, changed: false, msg: compiled.error };
      regex = compiled.regex;
    }
    const wantPresent = state === 'started' || state === 'present';
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

    const probe = (): Promise<Probe> =>
      clock.time(() =>
        args.port !== undefined
          ? probePort(ctx, host, args.port, Math.min(connectMs, Math.max(1, timeoutMs - clock.elapsedMs)), wantPresent ? regex : undefined)
          : probePath(ctx, args.path!, wantPresent ? regex : undefined),
      );
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
  if (args.port !== undefined) return !wantPresent ? `Timeout when waiting for ${host}:${args.port} to stop.` : `Timeout when waiting for ${host}:${args.port}`;
  if (!wantPresent) return `Timeout when waiting for ${args.path} to be absent.`;
  if (args.search_regex !== undefined) return `Timeout when waiting for search string ${args.search_regex} in ${args.path}`;
  return `Timeout when waiting for file ${args.path}`;
}

async function probePort(ctx: ModuleContext, host: string, port: number, timeoutMs: number, regex: RegExp | undefined): Promise<Probe> {
  let socket: Socket;
  try {
    socket = await dial(host, port, { timeoutMs, signal: ctx.signal });
  } catch (error) {
    // The loopback guard refused the address: no retry can change that.
    if (error instanceof KbrunError && error.code === 'E_NET_GUARD') return { fatal: error.message };
    if (ctx.signal.aborted) throw error;
    return { ok: false, reason: (error as Error).message };
  }
  if (!regex) {
    socket.destroy();
    return { ok: true };
  }
  // Read what the service sends until the pattern matches, the peer closes, or the attempt times out.
  return new Promise<Probe>((resolve) => {
    let data = '';
    const finish = (probe: Probe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(probe);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: 'search_regex not seen' }), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const match = regex.exec(data);
      if (match) finish({ ok: true, match });
    });
    socket.on('end', () => finish({ ok: false, reason: 'connection closed before search_regex matched' }));
    socket.on('error', (error) => finish({ ok: false, reason: error.message }));
  });
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
