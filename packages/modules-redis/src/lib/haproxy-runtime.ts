// HAProxy's runtime API (the stats socket at level admin) from the target's side: a unix socket through the
// target's own `socat` or `nc -U` (one command per connection, as HAProxy's non-interactive mode answers), or a
// TCP socket (`tcp:127.0.0.1:9999`, `stats socket ipv4@127.0.0.1:9999 level admin`) through the connection's stream.
import { shellQuote, type ModuleContext } from '@kbrun/core';

/** Sends one runtime API command, resolves with HAProxy's answer (text). */
export async function haproxyCommand(ctx: ModuleContext, socket: string, command: string): Promise<string> {
  const tcp = /^tcp:(.+):(\d+)$/.exec(socket);
  if (tcp) {
    const stream = await ctx.connection.openTcp(tcp[1]!, Number(tcp[2]), { timeoutMs: 5000, signal: ctx.signal });
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      stream.write(`${command}\n`);
    });
  }
  // socat if the target has it, else OpenBSD netcat (-N: close our side after the command so HAProxy answers and hangs up).
  const script = `if command -v socat >/dev/null 2>&1; then exec socat -t 5 - UNIX-CONNECT:${shellQuote(socket)}; else exec nc -N -U -w 5 ${shellQuote(socket)}; fi`;
  const result = await ctx.connection.exec(['sh', '-c', script], { stdin: `${command}\n`, timeoutMs: 15_000, signal: ctx.signal });
  if (result.rc !== 0) throw new Error(`the runtime API at ${socket} did not answer (rc ${result.rc}): ${result.stderr.trim() || 'is HAProxy running, and socat or netcat-openbsd installed?'}`);
  return result.stdout;
}

/** One server of `show servers state` (the fields kbrun uses). */
export interface ServerState {
  backend: string;
  server: string;
  address: string;
  /** 0 stopped (down), 1 starting, 2 running (up), 3 stopping. */
  opState: number;
  /** Admin flags: 0x01 forced maintenance, 0x08 forced drain (others: inherited/config/resolver/hostname maintenance). */
  adminState: number;
  weight: number;
}

/** Parses `show servers state` (version 1 format). */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split('\n').map((l) => l.trim());
  const header = lines.find((l) => l.startsWith('# be_id'));
  if (header === undefined) {
    if (/^(Unknown|Can't find|No such)/im.test(text)) return [];
    throw new Error(`unexpected answer to 'show servers state': ${text.trim().slice(0, 200)}`);
  }
  const names = header.slice(2).split(/\s+/);
  const column = (fields: string[], name: string) => fields[names.indexOf(name)] ?? '';
  return lines
    .filter((l) => l !== '' && !l.startsWith('#') && /^\d+ /.test(l))
    .map((l) => l.split(/\s+/))
    .map((f) => ({
      backend: column(f, 'be_name'),
      server: column(f, 'srv_name'),
      address: column(f, 'srv_addr'),
      opState: Number(column(f, 'srv_op_state')),
      adminState: Number(column(f, 'srv_admin_state')),
      weight: Number(column(f, 'srv_uweight')),
    }));
}

/** The state a server is in, in the module's words: disabled (forced maintenance), drain, or enabled. */
export function adminStateName(state: ServerState): 'enabled' | 'disabled' | 'drain' {
  if (state.adminState & 0x01) return 'disabled'; // forced maintenance (runtime, or the `disabled` keyword: 0x04 may stay set once it is ready)
  if (state.adminState & 0x08) return 'drain';
  return 'enabled';
}
