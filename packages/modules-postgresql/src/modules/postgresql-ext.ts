import { defineModule } from '@kbrun/core';
import { LOGIN_PROPERTIES, pgFailure, withSession, type LoginArgs } from '../lib/connect.js';
import { runInTransaction } from '../lib/psql-session.js';
import { ident, literal } from '../lib/sql.js';

/** Arguments of `postgresql_ext`. */
export interface PostgresqlExtArgs extends LoginArgs {
  name?: string;
  ext?: string;
  db?: string;
  login_db?: string;
  schema?: string;
  version?: string;
  cascade: boolean;
  state: 'present' | 'absent';
}

/** `postgresql_ext`: adds, updates or removes an extension in a database (community.postgresql.postgresql_ext). */
export const postgresqlExt = defineModule<PostgresqlExtArgs>({
  name: 'postgresql_ext',
  description: "Adds, updates (version, 'latest') or removes a PostgreSQL extension in a database, in a schema, with CASCADE.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'Name of the extension.' },
      ext: { type: 'string', description: 'Alias of name.' },
      db: { type: 'string', description: 'Database to add the extension to (default postgres).' },
      login_db: { type: 'string', description: 'Alias of db.' },
      schema: { type: 'string', description: 'Schema to install the extension in (moved there when installed elsewhere).' },
      version: { type: 'string', description: "Version to install or update to; 'latest' is the extension's default_version." },
      cascade: { type: 'boolean', default: false, description: 'CASCADE: install what it requires / drop what depends on it.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present or absent.' },
      ...LOGIN_PROPERTIES,
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    const name = args.name ?? args.ext;
    if (name === undefined || name === '') return { failed: true, changed: false, msg: 'name (or ext) is required' };
    const queries: string[] = [];
    try {
      return await withSession(args, ctx, args.db ?? args.login_db, async (client) => {
        const current = (
          await client.query<{ version: string; schema: string }>('SELECT e.extversion AS version, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1', [name])
        ).rows[0];
        const prev_version = current?.version ?? '';
        let version = prev_version;
        if (args.state === 'absent') {
          if (current) {
            queries.push(`DROP EXTENSION ${ident(name)}${args.cascade ? ' CASCADE' : ''}`);
            version = '';
          }
        } else {
          const available = (await client.query<{ default_version: string | null }>('SELECT default_version FROM pg_available_extensions WHERE name = $1', [name])).rows[0];
          const versions = (await client.query<{ version: string }>('SELECT version FROM pg_available_extension_versions WHERE name = $1', [name])).rows.map((r) => r.version);
          if (!available && !current) return { failed: true, changed: false, queries, prev_version, version, msg: `Extension ${name} is not available` };
          const wanted = args.version === undefined ? undefined : args.version === 'latest' ? (available?.default_version ?? undefined) : args.version;
          if (wanted !== undefined && !versions.includes(wanted) && wanted !== prev_version) {
            return { failed: true, changed: false, queries, prev_version, version, msg: `Extension ${name} version ${wanted} is not available (available: ${versions.join(', ')})` };
          }
          if (!current) {
            const parts = [`CREATE EXTENSION ${ident(name)}`];
            if (args.schema) parts.push(`SCHEMA ${ident(args.schema)}`);
            if (wanted !== undefined) parts.push(`VERSION ${literal(wanted)}`);
            if (args.cascade) parts.push('CASCADE');
            queries.push(parts.join(' '));
            version = wanted ?? available?.default_version ?? '';
          } else {
            if (wanted !== undefined && wanted !== current.version) {
              queries.push(`ALTER EXTENSION ${ident(name)} UPDATE TO ${literal(wanted)}`);
              version = wanted;
            }
            if (args.schema && args.schema !== current.schema) queries.push(`ALTER EXTENSION ${ident(name)} SET SCHEMA ${ident(args.schema)}`);
          }
        }
        const changed = queries.length > 0;
        if (changed && !ctx.check) {
          const error = await runInTransaction(client, queries);
          if (error) return { failed: true, changed: false, queries, prev_version, version: prev_version, msg: error.message };
          if (args.state === 'present') {
            version = (await client.query<{ v: string }>('SELECT extversion AS v FROM pg_extension WHERE extname = $1', [name])).rows[0]?.v ?? version;
          }
        }
        return { changed, queries, prev_version, version };
      });
    } catch (error) {
      return pgFailure(error, { queries });
    }
  },
});
