import { defineModule, type ModuleContext } from '@kbrun/core';
import { adminStateName, haproxyCommand, parseServersState, type ServerState } from '../lib/haproxy-runtime.js';

/** Arguments of `haproxy` / `haproxy_server` (community.general.haproxy's names). */
export interface HaproxyArgs {
  state: 'enabled' | 'disabled' | 'drain';
  host: string;
  backend?: string;
  socket?: string;
  shutdown_sessions?: boolean;
  wait?: boolean;
  wait_interval?: number;
  wait_retries?: number;
  weight?: string;
  fail_on_not_found?: boolean;
  drain?: boolean;
}

async function readStates(ctx: ModuleContext, socket: string): Promise<ServerState[]> {
  return parseServersState(await haproxyCommand(ctx, socket, 'show servers state'));
}

function checkAnswer(command: string, answer: string): void {
  const text = answer.trim();
  if (text !== '' && !/^(Done|New state|Server state|No server state change)/i.test(text)) throw new Error(`'${command}' failed: ${text}`);
}

/**
 * `haproxy`: a server's administrative state through HAProxy's runtime API (community.general.haproxy): enabled
 * (state ready), disabled (state maint, optionally after draining and with its sessions shut down) or drain. Reads
 * `show servers state` first and sends only what differs; `wait` waits until the server is UP (enabled) or has no
 * sessions left (disabled/drain... as far as the state shows: maintenance reached).
 */
export const haproxy = defineModule<HaproxyArgs>({
  name: 'haproxy',
  description:
    "Sets a server's administrative state in HAProxy through its runtime API (community.general.haproxy): enabled (ready), disabled (maintenance; shutdown_sessions closes its sessions) or drain, in `backend` or every backend holding `host`; only when `show servers state` differs. `socket` is the stats socket on the target (a unix path, reached with the target's socat or nc -U; or tcp:127.0.0.1:PORT through the connection's stream). Result: `servers` (backend, server, address, status, admin).",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      state: { type: 'string', enum: ['enabled', 'disabled', 'drain'], description: 'Wanted administrative state.' },
      host: { type: 'string', description: 'The server name (as in the backend\'s `server NAME` line).' },
      backend: { type: 'string', description: 'The backend; without it, every backend that has a server named `host`.' },
      socket: { type: 'string', default: '/run/haproxy/admin.sock', description: 'The stats socket at level admin: a unix path on the target, or tcp:HOST:PORT.' },
      shutdown_sessions: { type: 'boolean', default: false, description: 'disabled: also close the server\'s established sessions (shutdown sessions server).' },
      wait: { type: 'boolean', default: false, description: 'Wait until the server reports UP (enabled) or is in maintenance (disabled).' },
      wait_interval: { type: 'number', minimum: 0, default: 5, description: 'Seconds between checks while waiting.' },
      wait_retries: { type: 'integer', minimum: 1, default: 25, description: 'Checks before giving up.' },
      weight: { type: 'string', description: 'Also set the weight (an integer, or a percentage with %).' },
      fail_on_not_found: { type: 'boolean', default: false, description: 'Fail when the server is not found (else: ok, unchanged).' },
      drain: { type: 'boolean', default: false, description: 'disabled: drain first (sessions finish) before maintenance.' },
    },
    required: ['state', 'host'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    const socket = args.socket ?? '/run/haproxy/admin.sock';
    let states: ServerState[];
    try {
      states = await readStates(ctx, socket);
    } catch (error) {
      return { failed: true, changed: false, msg: (error as Error).message };
    }
    const targets = states.filter((s) => s.server === args.host && (args.backend === undefined || s.backend === args.backend));
    const report = (list: ServerState[]) => list.map((s) => ({ backend: s.backend, server: s.server, address: s.address, admin: adminStateName(s), status: ['DOWN', 'STARTING', 'UP', 'STOPPING'][s.opState] ?? String(s.opState) }));
    if (targets.length === 0) {
      const msg = `no server ${args.host}${args.backend ? ` in backend ${args.backend}` : ''} at ${socket}`;
      return args.fail_on_not_found ? { failed: true, changed: false, msg } : { changed: false, msg, servers: [] };
    }
    const commands: string[] = [];
    for (const t of targets) {
      const id = `${t.backend}/${t.server}`;
      if (adminStateName(t) !== args.state) {
        if (args.state === 'enabled') commands.push(`set server ${id} state ready`);
        else if (args.state === 'drain') commands.push(`set server ${id} state drain`);
        else {
          if (args.drain) commands.push(`set server ${id} state drain`);
          commands.push(`set server ${id} state maint`);
        }
        if (args.state === 'disabled' && args.shutdown_sessions) commands.push(`shutdown sessions server ${id}`);
      }
      if (args.weight !== undefined && String(t.weight) !== args.weight.replace(/%$/, '')) commands.push(`set server ${id} weight ${args.weight}`);
    }
    if (commands.length === 0) return { changed: false, state: args.state, servers: report(targets) };
    if (ctx.check) return { changed: true, state: args.state, commands, servers: report(targets) };
    try {
      for (const command of commands) checkAnswer(command, await haproxyCommand(ctx, socket, command));
      let after = (await readStates(ctx, socket)).filter((s) => targets.some((t) => t.backend === s.backend && t.server === s.server));
      if (args.wait) {
        const done = (list: ServerState[]) => list.every((s) => (args.state === 'enabled' ? s.opState === 2 && adminStateName(s) === 'enabled' : adminStateName(s) === args.state));
        for (let attempt = 1; !done(after); attempt += 1) {
          if (attempt >= (args.wait_retries ?? 25)) return { failed: true, changed: true, msg: `server ${args.host} did not reach ${args.state} after ${attempt} checks`, servers: report(after) };
          await ctx.sleep((args.wait_interval ?? 5) * 1000);
          after = (await readStates(ctx, socket)).filter((s) => targets.some((t) => t.backend === s.backend && t.server === s.server));
        }
      }
      return { changed: true, state: args.state, commands, servers: report(after) };
    } catch (error) {
      return { failed: true, changed: true, msg: (error as Error).message };
    }
  },
});

/** The same module under the name `haproxy_server` (what it manages: one server's state). */
export const haproxyServer = defineModule<HaproxyArgs>({ ...haproxy, name: 'haproxy_server' });
