import type { Duplex } from 'node:stream';
import { ConnectionError, processSecrets, TcpConnectError, type ModuleContext } from '@kbrun/core';
import pg from 'pg';
import { PsqlSession, type PgSession } from './psql-session.js';

/** community.postgresql's connection arguments (the postgres doc fragment), shared by every module of the pack. */
export interface LoginArgs {
  login_user: string;
  login_password?: string;
  login_host: string;
  login_unix_socket?: string;
  port?: number;
  login_port?: number;
  ssl_mode: 'allow' | 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
  ca_cert?: string;
  ssl_rootcert?: string;
  ssl_cert?: string;
  ssl_key?: string;
  connect_params?: Record<string, string | number | boolean>;
  session_role?: string;
  connect_timeout?: number;
}

/** The JSON Schema properties of LoginArgs. */
export const LOGIN_PROPERTIES = {
  login_user: { type: 'string', default: 'postgres', description: 'The role to connect as.' },
  login: { type: 'string', description: 'Alias of login_user.' },
  login_password: { type: 'string', description: 'Its password (SCRAM or md5 authentication; never shown).' },
  login_host: {
    type: 'string',
    default: '',
    description: "Host to connect to, as the target sees it (the TCP stream is opened by the target); '' means 127.0.0.1, the target itself.",
  },
  login_unix_socket: {
    type: 'string',
    description: "Unix socket directory on the target (e.g. /var/run/postgresql): the module runs psql there instead, as the task's user (become_user: postgres for peer authentication); postgresql_query needs TCP.",
  },
  port: { type: 'integer', minimum: 1, maximum: 65535, default: 5432, description: 'Port to connect to.' },
  login_port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Alias of port.' },
  ssl_mode: {
    enum: ['allow', 'disable', 'prefer', 'require', 'verify-ca', 'verify-full'],
    default: 'prefer',
    description: "libpq's sslmode: prefer tries TLS and falls back to plain; require encrypts without checking; verify-ca/verify-full check ca_cert (and the host name).",
  },
  ca_cert: { type: 'string', description: 'CA certificate file on the target (verify-ca, verify-full).' },
  ssl_rootcert: { type: 'string', description: 'Alias of ca_cert.' },
  ssl_cert: { type: 'string', description: 'Client certificate file on the target.' },
  ssl_key: { type: 'string', description: 'Client key file on the target.' },
  connect_params: { type: 'object', description: 'Extra connection parameters: application_name, options, statement_timeout, connect_timeout.' },
  session_role: { type: 'string', description: 'SET ROLE to this role after connecting.' },
  trust_input: { type: 'boolean', default: true, description: 'Accepted for compatibility: kbrun quotes every identifier and literal it builds.' },
} as const;

/** Types as psycopg2 returns them where JSON can carry them: bigint (count(*)) as a number when it is exact. */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') {
      return (text: string) => {
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : text;
      };
    }
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
} as unknown as pg.CustomTypesConfig;

/** Thrown for connection failures the user can act on (reported as the module's failure message). */
export class PgConnectError extends Error {
  override readonly name = 'PgConnectError';
}

/** A client on a TCP stream opened by the target (pg drives an already-open Duplex through this thin socket face). */
function socketFace(stream: Duplex): Duplex {
  const face = stream as Duplex & Record<string, unknown>;
  face['setNoDelay'] = () => face;
  face['setKeepAlive'] = () => face;
  face['ref'] = () => face;
  face['unref'] = () => face;
  face['connect'] = () => {
    queueMicrotask(() => face.emit('connect'));
    return face;
  };
  return face;
}

async function targetFile(ctx: ModuleContext, path: string | undefined): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  const data = await ctx.connection.get(path);
  if (data === null) throw new PgConnectError(`${path} does not exist on the target ${ctx.host}`);
  return data;
}

async function sslOptions(args: LoginArgs, ctx: ModuleContext, host: string): Promise<pg.ClientConfig['ssl']> {
  const mode = args.ssl_mode ?? 'prefer';
  if (mode === 'disable' || mode === 'allow') return false;
  const ca = await targetFile(ctx, args.ca_cert ?? args.ssl_rootcert);
  const cert = await targetFile(ctx, args.ssl_cert);
  const key = await targetFile(ctx, args.ssl_key);
  const common = { ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  if (mode === 'verify-full') return { ...common, ...(ca ? { ca } : {}), rejectUnauthorized: true, servername: /^[\d.:]+$/.test(host) ? undefined : host };
  if (mode === 'verify-ca') return { ...common, ...(ca ? { ca } : {}), rejectUnauthorized: true, checkServerIdentity: () => undefined };
  return { ...common, rejectUnauthorized: false };
}

/** Connects to PostgreSQL from the target: a TCP stream the target opens, the pg client speaking over it. */
export async function connectPg(args: LoginArgs & { login?: string }, ctx: ModuleContext, database: string | undefined): Promise<pg.Client> {
  if (args.login_unix_socket !== undefined && args.login_unix_socket !== '') {
    throw new PgConnectError('postgresql_query needs a TCP connection (login_host, default 127.0.0.1): login_unix_socket is supported by the other modules of the pack, through psql');
  }
  // A password written literally in a playbook is a secret too, from here on, wherever output goes.
  if (args.login_password) processSecrets().redactor.add(args.login_password);
  const host = args.login_host === undefined || args.login_host === '' ? '127.0.0.1' : args.login_host;
  const port = args.login_port ?? args.port ?? 5432;
  const user = args.login ?? args.login_user ?? 'postgres';
  const params = args.connect_params ?? {};
  const timeoutMs = Number(params['connect_timeout'] ?? args.connect_timeout ?? 10) * 1000;
  const attempt = async (ssl: pg.ClientConfig['ssl']): Promise<pg.Client> => {
    let stream: Duplex;
    try {
      stream = await ctx.connection.openTcp(host, port, { timeoutMs, signal: ctx.signal });
    } catch (error) {
      if (error instanceof TcpConnectError) throw new PgConnectError(`unable to connect to database: ${error.message}`);
      throw error;
    }
    const client = new pg.Client({
      stream: () => socketFace(stream),
      host,
      port,
      user,
      ...(args.login_password !== undefined ? { password: args.login_password } : {}),
      database: database ?? 'postgres',
      ssl: ssl ?? false,
      connectionTimeoutMillis: timeoutMs,
      types: TYPES,
      application_name: typeof params['application_name'] === 'string' ? params['application_name'] : 'kbrun',
      ...(typeof params['options'] === 'string' ? { options: params['options'] } : {}),
      ...(params['statement_timeout'] !== undefined ? { statement_timeout: Number(params['statement_timeout']) } : {}),
    });
    // A TLS or stream error is emitted on its own; the connect promise then only says the connection ended.
    let cause: Error | undefined;
    client.on('error', (error: Error) => (cause ??= error));
    // A refused certificate is an error of the TLS socket pg puts over the stream, often after the stream's close.
    const connection = (client as unknown as { connection: { on(e: string, f: () => void): void; stream: Duplex } }).connection;
    connection.on('sslconnect', () => connection.stream.on('error', (error: Error) => (cause ??= error)));
    try {
      await client.connect();
    } catch (error) {
      stream.destroy();
      throw cause && /terminated/i.test((error as Error).message) ? cause : error;
    }
    return client;
  };
  const ssl = await sslOptions(args, ctx, host);
  let client: pg.Client;
  try {
    try {
      client = await attempt(ssl);
    } catch (error) {
      // prefer: a server without TLS is used in clear, as libpq does.
      if ((args.ssl_mode ?? 'prefer') === 'prefer' && ssl && /does not support SSL/.test((error as Error).message)) client = await attempt(false);
      else throw error;
    }
  } catch (error) {
    if (error instanceof PgConnectError) throw error;
    if (error instanceof ConnectionError) throw error;
    throw new PgConnectError(`unable to connect to database ${database ?? 'postgres'} on ${host}:${port} as ${user}: ${(error as Error).message}`);
  }
  if (args.session_role !== undefined && args.session_role !== '') {
    await client.query(`SET ROLE "${args.session_role.replace(/"/g, '""')}"`);
  }
  return client;
}

/** Runs `body` with a connected client and always closes it (its stream holds an SSH channel place). */
export async function withPg<T>(args: LoginArgs, ctx: ModuleContext, database: string | undefined, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectPg(args, ctx, database);
  try {
    return await body(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs `body` with a session: over TCP from the target (pg) by default, or through psql on the target when
 * `login_unix_socket` is given (peer authentication as the become user).
 */
export async function withSession<T>(args: LoginArgs & { login?: string }, ctx: ModuleContext, database: string | undefined, body: (session: PgSession) => Promise<T>): Promise<T> {
  if (args.login_unix_socket === undefined || args.login_unix_socket === '') {
    return withPg(args, ctx, database, (client) => body({ query: (sql, params) => client.query(sql, params as unknown[] | undefined) as never }));
  }
  if (args.login_password) processSecrets().redactor.add(args.login_password);
  const session = new PsqlSession(ctx, {
    socketDir: args.login_unix_socket,
    port: args.login_port ?? args.port ?? 5432,
    user: args.login ?? args.login_user ?? 'postgres',
    ...(args.login_password !== undefined ? { password: args.login_password } : {}),
    database: database ?? 'postgres',
    timeoutSeconds: Number(args.connect_params?.['connect_timeout'] ?? args.connect_timeout ?? 10),
  });
  if (args.session_role !== undefined && args.session_role !== '') await session.query(`SET ROLE "${args.session_role.replace(/"/g, '""')}"`);
  return body(session);
}

/** A failure result for errors the user can act on; anything else (an unreachable target) is thrown on. */
export function pgFailure(error: unknown, extra: Record<string, unknown> = {}): { failed: true; changed: false; msg: string } & Record<string, unknown> {
  if (error instanceof ConnectionError) throw error;
  return { failed: true, changed: false, msg: (error as Error).message, ...extra };
}
