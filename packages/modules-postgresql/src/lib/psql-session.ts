import type { ModuleContext } from '@kbrun/core';
import { sqlValue } from './sql.js';

/** What the modules of this pack need from a database session (pg's Client has this shape too). */
export interface PgSession {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** Runs statements in one transaction (BEGIN … COMMIT; ROLLBACK when one fails): the failure, or undefined when all ran. */
export async function runInTransaction(session: PgSession, statements: readonly string[]): Promise<Error | undefined> {
  await session.query('BEGIN');
  try {
    for (const sql of statements) await session.query(sql);
    await session.query('COMMIT');
    return undefined;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    return error as Error;
  }
}

/** Where psql connects: a unix socket directory on the target, as the user the task runs as (become). */
export interface PsqlTarget {
  socketDir: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  timeoutSeconds: number;
}

/** Thrown when psql cannot run or connect (the module reports it as its failure message). */
export class PsqlError extends Error {
  override readonly name = 'PsqlError';
}

/** `$1`… replaced by literals (the statements are the pack's own catalog queries; values quoted by sqlValue). */
function interpolate(sql: string, params: readonly unknown[] | undefined): string {
  if (!params || params.length === 0) return sql;
  return sql.replace(/\$(\d+)/g, (whole, n: string) => (Number(n) >= 1 && Number(n) <= params.length ? sqlValue(params[Number(n) - 1]) : whole));
}

/** The message of psql's failure: the server's ERROR line(s), or psql's own error. */
function psqlMessage(stderr: string): string {
  const errors = stderr
    .split('\n')
    .map((l) => /(?:ERROR|FATAL):\s+(.*)$/.exec(l)?.[1])
    .filter((m): m is string => m !== undefined);
  return errors.length > 0 ? errors.join('; ') : stderr.trim().split('\n').at(-1) ?? 'psql failed';
}

/**
 * A session made of psql runs on the target, for unix-socket (peer) authentication: each SELECT runs at once with its
 * rows returned as JSON (json_agg), SET statements prefix every later run, and statements between BEGIN and COMMIT run
 * together in one `psql --single-transaction`. The password, if any, goes in PGPASSWORD, never on a command line.
 */
export class PsqlSession implements PgSession {
  readonly #prefix: string[] = [];
  #transaction: string[] | undefined;

  constructor(
    private readonly ctx: ModuleContext,
    private readonly target: PsqlTarget,
  ) {}

  async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    const text = interpolate(sql, params).trim().replace(/;\s*$/, '');
    const head = text.slice(0, 12).toUpperCase();
    if (head === 'BEGIN') {
      this.#transaction = [];
      return { rows: [], rowCount: null };
    }
    if (head === 'ROLLBACK') {
      this.#transaction = undefined;
      return { rows: [], rowCount: null };
    }
    if (head === 'COMMIT') {
      const statements = this.#transaction ?? [];
      this.#transaction = undefined;
      if (statements.length > 0) await this.#run(statements, true);
      return { rows: [], rowCount: null };
    }
    if (/^(SELECT|WITH)\b/.test(head)) {
      const out = await this.#run([`SELECT coalesce(json_agg(q), '[]'::json) FROM (${text}) q`], false);
      const rows = JSON.parse(out.trim() || '[]') as R[];
      return { rows, rowCount: rows.length };
    }
    if (/^SET\b/.test(head) && this.#transaction === undefined) {
      this.#prefix.push(text);
      return { rows: [], rowCount: null };
    }
    if (this.#transaction !== undefined) this.#transaction.push(text);
    else await this.#run([text], false);
    return { rows: [], rowCount: null };
  }

  async #run(statements: readonly string[], single: boolean): Promise<string> {
    const t = this.target;
    const argv = ['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', t.socketDir, '-p', String(t.port), '-U', t.user, '-d', t.database, ...(single ? ['--single-transaction'] : []), '-f', '-'];
    const env: Record<string, string> = { PGAPPNAME: 'kbrun', PGCONNECT_TIMEOUT: String(t.timeoutSeconds) };
    if (t.password !== undefined) env['PGPASSWORD'] = t.password;
    const stdin = `${[...this.#prefix, ...statements].map((s) => `${s};`).join('\n')}\n`;
    const result = await this.ctx.connection.exec(argv, { stdin, env, signal: this.ctx.signal });
    if (result.rc === 127) throw new PsqlError(`psql is not installed on the target ${this.ctx.host} (login_unix_socket runs psql there): install postgresql-client`);
    if (result.rc !== 0) {
      const message = psqlMessage(result.stderr);
      if (/connection to server|could not connect|Peer authentication|password authentication/i.test(result.stderr)) {
        throw new PsqlError(`unable to connect to database ${t.database} through ${t.socketDir} as ${t.user}: ${message}`);
      }
      throw new Error(message);
    }
    return result.stdout;
  }
}
