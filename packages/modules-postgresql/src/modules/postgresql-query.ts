import { defineModule } from '@kbrun/core';
import type pg from 'pg';
import { LOGIN_PROPERTIES, pgFailure, withPg, type LoginArgs } from '../lib/connect.js';
import { ident, sqlValue } from '../lib/sql.js';

/** Arguments of `postgresql_query`. */
export interface PostgresqlQueryArgs extends LoginArgs {
  query: string;
  positional_args?: unknown[];
  named_args?: Record<string, unknown>;
  db?: string;
  login_db?: string;
  autocommit: boolean;
  as_single_query: boolean;
  encoding?: string;
  search_path?: string[];
}

/**
 * The query with its arguments bound as psycopg2 binds them (client side, each value a quoted literal): `%s` takes
 * the next positional argument, `%(name)s` a named one, `%%` is a percent sign. Without arguments the text is sent
 * as it is.
 */
export function bindArguments(query: string, positional: readonly unknown[] | undefined, named: Readonly<Record<string, unknown>> | undefined): string {
  if (positional === undefined && named === undefined) return query;
  let next = 0;
  return query.replace(/%(%|s|\(([^)]*)\)s)/g, (whole, what: string, key: string | undefined) => {
    if (what === '%') return '%';
    if (key !== undefined) {
      if (named === undefined || !Object.hasOwn(named, key)) throw new Error(`named argument '${key}' is not in named_args`);
      return sqlValue(named[key]);
    }
    if (positional === undefined || next >= positional.length) throw new Error(`not enough positional_args for the %s placeholders in the query (${whole} #${next + 1})`);
    return sqlValue(positional[next++]);
  });
}

/** psycopg2's cursor.statusmessage: the command tag (`INSERT 0 1`, `SELECT 2`, `CREATE TABLE`). */
function statusMessage(result: pg.QueryResult): string {
  const command = result.command ?? '';
  if (command === 'INSERT') return `INSERT ${result.oid ?? 0} ${result.rowCount ?? 0}`;
  if (result.rowCount !== null && result.rowCount !== undefined && ['SELECT', 'UPDATE', 'DELETE', 'MERGE', 'FETCH', 'MOVE', 'COPY'].includes(command)) return `${command} ${result.rowCount}`;
  return command;
}

/** Whether a statement changed something, as community.postgresql judges it from the status message. */
function statementChanged(status: string): boolean {
  if (status.includes('SELECT') || status === 'SHOW' || status === 'SET' || status === 'BEGIN' || status === 'COMMIT' || status === 'ROLLBACK') return false;
  if (/(UPDATE|INSERT|DELETE|MERGE)/.test(status)) return (status.split(' ').at(-1) ?? '0') !== '0';
  return true;
}

/** A row with values JSON can carry (timestamps as text, bytea as hex). */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : v;
  return out;
}

/** `postgresql_query`: runs a query (with bound arguments) from the target's side and returns its rows. */
export const postgresqlQuery = defineModule<PostgresqlQueryArgs>({
  name: 'postgresql_query',
  description:
    "Runs SQL against a PostgreSQL database (positional_args/named_args bound as psycopg2 binds them) and returns query_result, query_all_results, rowcount and statusmessage; check mode runs it in a transaction that is rolled back.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'SQL to run: one statement, or several separated by semicolons (each one result in query_all_results).' },
      positional_args: { type: 'array', description: 'Values for %s placeholders, in order.' },
      named_args: { type: 'object', description: 'Values for %(name)s placeholders.' },
      db: { type: 'string', description: 'Database to connect to (default postgres).' },
      login_db: { type: 'string', description: 'Alias of db.' },
      autocommit: { type: 'boolean', default: false, description: 'Run outside a transaction (needed by VACUUM, CREATE DATABASE…); not in check mode.' },
      as_single_query: { type: 'boolean', default: true, description: 'Accepted for compatibility: the text is always sent as one simple query.' },
      encoding: { type: 'string', description: 'client_encoding for the session.' },
      search_path: { type: 'array', items: { type: 'string' }, description: 'Schemas to set as search_path first.' },
      ...LOGIN_PROPERTIES,
    },
    required: ['query'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    if (ctx.check && args.autocommit) return { failed: true, changed: false, msg: 'autocommit cannot be used in check mode (the query could not be rolled back)' };
    if (args.positional_args !== undefined && args.named_args !== undefined) return { failed: true, changed: false, msg: 'parameters are mutually exclusive: positional_args|named_args' };
    let query: string;
    try {
      query = bindArguments(args.query, args.positional_args, args.named_args);
    } catch (error) {
      return { failed: true, changed: false, msg: (error as Error).message };
    }
    try {
      return await withPg(args, ctx, args.db ?? args.login_db, async (client) => {
        if (args.encoding) await client.query(`SET client_encoding TO ${ident(args.encoding)}`);
        if (args.search_path?.length) await client.query(`SET search_path TO ${args.search_path.map(ident).join(', ')}`);
        const transactional = !args.autocommit;
        if (transactional) await client.query('BEGIN');
        let results: pg.QueryResult[];
        try {
          const raw = (await client.query(query)) as pg.QueryResult | pg.QueryResult[];
          results = Array.isArray(raw) ? raw : [raw];
          if (transactional) await client.query(ctx.check ? 'ROLLBACK' : 'COMMIT');
        } catch (error) {
          if (transactional) await client.query('ROLLBACK').catch(() => undefined);
          return { failed: true, changed: false, query, query_list: [query], msg: `Cannot execute SQL '${query}': ${(error as Error).message}` };
        }
        const last = results.at(-1)!;
        const statuses = results.map(statusMessage);
        return {
          changed: statuses.some(statementChanged),
          query,
          query_list: [query],
          query_result: (last.rows ?? []).map(plainRow),
          query_all_results: results.map((r) => (r.rows ?? []).map(plainRow)),
          rowcount: last.rowCount ?? 0,
          statusmessage: statusMessage(last),
        };
      });
    } catch (error) {
      return pgFailure(error, { query });
    }
  },
});
