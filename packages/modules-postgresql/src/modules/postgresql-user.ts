import { defineModule, processSecrets } from '@kbrun/core';
import { LOGIN_PROPERTIES, pgFailure, withSession, type LoginArgs } from '../lib/connect.js';
import { md5Password, parseScramVerifier, scramMatches, scramVerifier } from '../lib/scram.js';
import { runInTransaction } from '../lib/psql-session.js';
import { ident, literal } from '../lib/sql.js';

/** Arguments of `postgresql_user`. */
export interface PostgresqlUserArgs extends LoginArgs {
  name?: string;
  user?: string;
  password?: string;
  db?: string;
  login_db?: string;
  state: 'present' | 'absent';
  encrypted: boolean;
  expires?: string;
  no_password_changes: boolean;
  role_attr_flags: string;
  conn_limit?: number;
  comment?: string;
  fail_on_user: boolean;
  fail_on_role?: boolean;
}

/** Role attributes role_attr_flags may name, and their pg_authid columns. */
const FLAGS: Readonly<Record<string, string>> = {
  SUPERUSER: 'rolsuper',
  CREATEROLE: 'rolcreaterole',
  CREATEDB: 'rolcreatedb',
  INHERIT: 'rolinherit',
  LOGIN: 'rolcanlogin',
  REPLICATION: 'rolreplication',
  BYPASSRLS: 'rolbypassrls',
};

/** `CREATEDB,NOSUPERUSER` → { CREATEDB: true, SUPERUSER: false }; throws on an unknown flag. */
export function parseFlags(text: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const raw of text.split(',').map((f) => f.trim().toUpperCase()).filter(Boolean)) {
    const negative = raw.startsWith('NO') && FLAGS[raw.slice(2)] !== undefined;
    const flag = negative ? raw.slice(2) : raw;
    if (FLAGS[flag] === undefined) throw new Error(`Invalid role_attr_flags specified: ${raw} (known: ${Object.keys(FLAGS).flatMap((f) => [f, `NO${f}`]).join(', ')})`);
    out[flag] = !negative;
  }
  return out;
}

interface RoleRow {
  rolpassword: string | null;
  rolvaliduntil_matches: boolean | null;
  rolconnlimit: number;
  comment: string | null;
  [column: string]: unknown;
}

/** What `password` asks for compared with the stored one: null = nothing to do, else the literal to store. */
function passwordPlan(args: PostgresqlUserArgs, user: string, stored: string | null | undefined, encryption: string, iterations: number): string | null {
  const password = args.password!;
  if (password === '') return stored === null ? null : 'NULL';
  if (/^SCRAM-SHA-256\$/.test(password) || /^md5[0-9a-f]{32}$/.test(password)) return stored === password ? null : literal(password);
  if (stored !== undefined && stored !== null) {
    const verifier = parseScramVerifier(stored);
    if (verifier && scramMatches(verifier, password)) return null;
    if (!verifier && stored === md5Password(password, user)) return null;
  }
  // The clear password never leaves the controller: the server gets the verifier it would compute itself.
  return literal(encryption === 'md5' ? md5Password(password, user) : scramVerifier(password, iterations));
}

/** `postgresql_user`: creates, alters or removes a role with login (community.postgresql.postgresql_user). */
export const postgresqlUser = defineModule<PostgresqlUserArgs>({
  name: 'postgresql_user',
  description:
    'Creates, alters or removes a PostgreSQL user (a role with LOGIN): password (compared with the stored SCRAM verifier, never shown), role_attr_flags, expires, conn_limit, comment.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'Name of the user (role).' },
      user: { type: 'string', description: 'Alias of name.' },
      password: {
        type: 'string',
        description:
          "The password: clear text (stored as a SCRAM-SHA-256 verifier made on the controller, or md5 under password_encryption=md5), an existing 'SCRAM-SHA-256$…' or 'md5…' hash, or '' for no password.",
      },
      db: { type: 'string', description: 'Database to connect to (default postgres).' },
      login_db: { type: 'string', description: 'Alias of db.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: create or alter; absent: drop.' },
      encrypted: { type: 'boolean', default: true, description: 'Accepted for compatibility: PostgreSQL 10+ always stores passwords hashed.' },
      expires: { type: 'string', description: "VALID UNTIL: a timestamp, or 'infinity'." },
      no_password_changes: { type: 'boolean', default: false, description: 'Set the password when creating the user only; never change it afterwards.' },
      role_attr_flags: { type: 'string', default: '', description: 'Comma-separated role attributes: [NO]SUPERUSER, [NO]CREATEROLE, [NO]CREATEDB, [NO]INHERIT, [NO]LOGIN, [NO]REPLICATION, [NO]BYPASSRLS.' },
      conn_limit: { type: 'integer', minimum: -1, description: 'CONNECTION LIMIT (-1: none).' },
      comment: { type: 'string', description: 'COMMENT ON ROLE.' },
      fail_on_user: { type: 'boolean', default: true, description: 'absent: fail when the user cannot be dropped (false: report user_removed: false).' },
      fail_on_role: { type: 'boolean', description: 'Alias of fail_on_user.' },
      ...LOGIN_PROPERTIES,
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    const name = args.name ?? args.user;
    if (name === undefined || name === '') return { failed: true, changed: false, msg: 'name (or user) is required' };
    if (args.password) processSecrets().redactor.add(args.password);
    let flags: Record<string, boolean>;
    try {
      flags = parseFlags(args.role_attr_flags ?? '');
    } catch (error) {
      return { failed: true, changed: false, msg: (error as Error).message };
    }
    const queries: string[] = [];
    try {
      return await withSession(args, ctx, args.db ?? args.login_db, async (client) => {
        // pg_authid holds the verifier (superusers only); pg_roles shows '********' in its place.
        const columns = `${Object.values(FLAGS).join(', ')}, rolconnlimit, shobj_description(oid, 'pg_authid') AS comment`;
        const validUntil = args.expires === undefined ? 'NULL::boolean' : `(rolvaliduntil IS NOT DISTINCT FROM ${literal(args.expires)}::timestamptz)`;
        let row: RoleRow | undefined;
        let storedKnown = true;
        try {
          row = (await client.query<RoleRow>(`SELECT rolpassword, ${validUntil} AS rolvaliduntil_matches, ${columns} FROM pg_authid WHERE rolname = $1`, [name])).rows[0];
        } catch {
          storedKnown = false;
          row = (await client.query<RoleRow>(`SELECT NULL::text AS rolpassword, ${validUntil} AS rolvaliduntil_matches, ${columns} FROM pg_roles WHERE rolname = $1`, [name])).rows[0];
        }
        if (args.state === 'absent') {
          if (!row) return { changed: false, user: name, queries, user_removed: false };
          queries.push(`DROP USER ${ident(name)}`);
          if (ctx.check) return { changed: true, user: name, queries, user_removed: true };
          try {
            await client.query(queries[0]!);
          } catch (error) {
            if (args.fail_on_role ?? args.fail_on_user) return { failed: true, changed: false, user: name, queries, msg: `Unable to remove user ${name}: ${(error as Error).message}` };
            return { changed: false, user: name, queries, user_removed: false, msg: `Unable to remove user ${name}: ${(error as Error).message}` };
          }
          return { changed: true, user: name, queries, user_removed: true };
        }
        const settings = (await client.query<{ enc: string; iter: string | null }>("SELECT current_setting('password_encryption') AS enc, current_setting('scram_iterations', true) AS iter")).rows[0]!;
        const iterations = Number(settings.iter ?? 4096) || 4096;
        const statements: Array<{ sql: string; shown: string }> = [];
        const clauses: string[] = [];
        const shown: string[] = [];
        if (args.password !== undefined && (!row || !args.no_password_changes)) {
          const stored = row ? (storedKnown ? row.rolpassword : undefined) : null;
          const plan = passwordPlan(args, name, stored, settings.enc, iterations);
          if (plan !== null) {
            clauses.push(plan === 'NULL' ? 'PASSWORD NULL' : `ENCRYPTED PASSWORD ${plan}`);
            shown.push(plan === 'NULL' ? 'PASSWORD NULL' : "ENCRYPTED PASSWORD '********'");
          }
        }
        for (const [flag, wanted] of Object.entries(flags)) {
          if (!row || row[FLAGS[flag]!] !== wanted) {
            clauses.push(wanted ? flag : `NO${flag}`);
            shown.push(wanted ? flag : `NO${flag}`);
          }
        }
        if (args.expires !== undefined && (!row || row.rolvaliduntil_matches !== true)) {
          clauses.push(`VALID UNTIL ${literal(args.expires)}`);
          shown.push(`VALID UNTIL ${literal(args.expires)}`);
        }
        if (args.conn_limit !== undefined && (!row || row.rolconnlimit !== args.conn_limit)) {
          clauses.push(`CONNECTION LIMIT ${args.conn_limit}`);
          shown.push(`CONNECTION LIMIT ${args.conn_limit}`);
        }
        if (!row) statements.push({ sql: `CREATE USER ${ident(name)}${clauses.length ? ` WITH ${clauses.join(' ')}` : ''}`, shown: `CREATE USER ${ident(name)}${shown.length ? ` WITH ${shown.join(' ')}` : ''}` });
        else if (clauses.length) statements.push({ sql: `ALTER USER ${ident(name)} WITH ${clauses.join(' ')}`, shown: `ALTER USER ${ident(name)} WITH ${shown.join(' ')}` });
        if (args.comment !== undefined && (row?.comment ?? '') !== args.comment) {
          const sql = `COMMENT ON ROLE ${ident(name)} IS ${literal(args.comment)}`;
          statements.push({ sql, shown: sql });
        }
        for (const statement of statements) queries.push(statement.shown);
        const changed = statements.length > 0;
        if (changed && !ctx.check) {
          const error = await runInTransaction(client, statements.map((statement) => statement.sql));
          // PostgreSQL's messages name objects, not statement text; the password was never in it (only a verifier).
          if (error) return { failed: true, changed: false, user: name, queries, msg: error.message };
        }
        return { changed, user: name, queries };
      });
    } catch (error) {
      return pgFailure(error, { user: name, queries });
    }
  },
});
