// A Redis (or Sentinel) session from the target's side: a TCP stream the connection opens from the target, the
// RESP client on it, AUTH when a password is given, and the failures a module reports as results.
import { ConnectionError, TcpConnectError, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { RedisReplyError, RespClient } from './resp.js';

/** The login arguments every module of the pack takes (community.general's names). */
export interface LoginArgs {
  login_host?: string;
  login_port?: number;
  login_user?: string;
  login_password?: string;
  connect_timeout?: number;
}

/** The JSON Schema of the login arguments, with the default port of the service (6379 Redis, 26379 Sentinel). */
export function loginSchema(defaultPort: number): Record<string, Record<string, unknown>> {
  return {
    login_host: { type: 'string', default: '127.0.0.1', description: "The server to connect to, as the target reaches it (127.0.0.1 or localhost is the target itself)." },
    login_port: { type: 'integer', minimum: 1, maximum: 65535, default: defaultPort, description: 'Its port.' },
    login_user: { type: 'string', description: 'ACL user to authenticate as (AUTH user password); without it, AUTH password (the default user, requirepass).' },
    login_password: { type: 'string', description: 'Password (requirepass, or the ACL user\'s). Never shown: its name is secret.' },
    connect_timeout: { type: 'number', minimum: 0.1, default: 5, description: 'Seconds to wait for the connection and each reply.' },
  };
}

/** Raised inside `withRedis` for failures that end the module with `failed: true` and this message. */
export class RedisModuleFailure extends Error {
  override readonly name = 'RedisModuleFailure';
}

/**
 * Opens a session to login_host:login_port from the target, authenticates, runs `work`, closes the stream. A port
 * that cannot be reached, a refused password or an error reply become `{ failed: true, msg }`; an unreachable
 * target stays a ConnectionError (the engine reports the host unreachable).
 */
export async function withRedis(args: LoginArgs, ctx: ModuleContext, work: (client: RespClient) => Promise<ModuleResult>): Promise<ModuleResult> {
  const host = args.login_host === undefined || args.login_host === 'localhost' ? '127.0.0.1' : args.login_host;
  const port = args.login_port ?? 6379;
  const timeoutMs = Math.round((args.connect_timeout ?? 5) * 1000);
  let client: RespClient | undefined;
  try {
    const stream = await ctx.connection.openTcp(host, port, { timeoutMs, signal: ctx.signal });
    client = new RespClient(stream, timeoutMs);
    if (args.login_password !== undefined && args.login_password !== '') {
      if (args.login_user !== undefined) await client.call('AUTH', args.login_user, args.login_password);
      else await client.call('AUTH', args.login_password);
    }
    return await work(client);
  } catch (error) {
    if (error instanceof ConnectionError || ctx.signal.aborted) throw error;
    if (error instanceof TcpConnectError || error instanceof RedisModuleFailure) return { failed: true, changed: false, msg: error.message };
    if (error instanceof RedisReplyError) return { failed: true, changed: false, msg: `${host}:${port} answered: ${error.message}` };
    return { failed: true, changed: false, msg: `${host}:${port}: ${(error as Error).message}` };
  } finally {
    client?.close();
  }
}
