import { defineModule } from '@kbrun/core';
import { LOGIN_PROPERTIES, pgFailure, withSession, type LoginArgs } from '../lib/connect.js';
import { ident, literal } from '../lib/sql.js';

/** Arguments of `postgresql_db`. */
export interface PostgresqlDbArgs extends LoginArgs {
  name?: string;
  db?: string;
  state: 'present' | 'absent' | 'rename';
  target?: string;
  owner?: string;
  template?: string;
  encoding?: string;
  lc_collate?: string;
  lc_ctype?: string;
  conn_limit?: string | number;
  tablespace?: string;
  maintenance_db: string;
  force: boolean;
  comment?: string;
}

interface DbRow {
  owner: string;
  encoding: string;
  lc_collate: string;
  lc_ctype: string;
  conn_limit: number;
  tablespace: string;
  comment: string | null;
}

/** `postgresql_db`: creates or removes a database and keeps its owner, connection limit, tablespace and comment. */
export const postgresqlDb = defineModule<PostgresqlDbArgs>({
  name: 'postgresql_db',
  description: 'Creates or removes a PostgreSQL database (owner, template, encoding, lc_collate, lc_ctype, conn_limit, tablespace, comment), as community.postgresql.postgresql_db does for state present/absent.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'Name of the database.' },
      db: { type: 'string', description: 'Alias of name.' },
      state: { enum: ['present', 'absent', 'rename'], default: 'present', description: 'present: create (or alter); absent: drop; rename: to target. (dump and restore are not implemented.)' },
      target: { type: 'string', description: 'rename: the new name.' },
      owner: { type: 'string', description: 'Owner role.' },
      template: { type: 'string', description: 'Template database to create from.' },
      encoding: { type: 'string', description: 'Encoding (e.g. UTF-8); cannot be changed once created.' },
      lc_collate: { type: 'string', description: 'LC_COLLATE; cannot be changed once created.' },
      lc_ctype: { type: 'string', description: 'LC_CTYPE; cannot be changed once created.' },
      conn_limit: { type: ['string', 'integer'], description: 'CONNECTION LIMIT (-1: none).' },
      tablespace: { type: 'string', description: 'Default tablespace.' },
      maintenance_db: { type: 'string', default: 'postgres', description: 'The database to connect to.' },
      force: { type: 'boolean', default: false, description: 'absent: DROP DATABASE … WITH (FORCE) (ends its sessions; PostgreSQL 13+).' },
      comment: { type: 'string', description: 'COMMENT ON DATABASE.' },
      ...LOGIN_PROPERTIES,
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    const name = args.name ?? args.db;
    if (name === undefined || name === '') return { failed: true, changed: false, msg: 'name (or db) is required' };
    const executed_commands: string[] = [];
    try {
      return await withSession(args, ctx, args.maintenance_db, async (client) => {
        const row = (
          await client.query<DbRow>(
            `SELECT pg_get_userbyid(d.datdba) AS owner, pg_encoding_to_char(d.encoding) AS encoding, d.datcollate AS lc_collate, d.datctype AS lc_ctype,
                    d.datconnlimit AS conn_limit, t.spcname AS tablespace, shobj_description(d.oid, 'pg_database') AS comment
               FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = $1`,
            [name],
          )
        ).rows[0];
        if (args.state === 'rename') {
          if (!args.target) return { failed: true, changed: false, db: name, executed_commands, msg: 'state rename needs target' };
          const targetExists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [args.target])).rowCount !== 0;
          if (row && targetExists) return { failed: true, changed: false, db: name, executed_commands, msg: `Both the source ${name} and the target ${args.target} databases exist` };
          if (!row && !targetExists) return { failed: true, changed: false, db: name, executed_commands, msg: `The source and the target databases do not exist: ${name}, ${args.target}` };
          if (row) executed_commands.push(`ALTER DATABASE ${ident(name)} RENAME TO ${ident(args.target)}`);
        } else if (args.state === 'absent') {
          if (row) executed_commands.push(`DROP DATABASE ${ident(name)}${args.force ? ' WITH (FORCE)' : ''}`);
        } else if (!row) {
          const parts = [`CREATE DATABASE ${ident(name)}`];
          if (args.owner) parts.push(`OWNER ${ident(args.owner)}`);
          if (args.template) parts.push(`TEMPLATE ${ident(args.template)}`);
          if (args.encoding) parts.push(`ENCODING ${literal(args.encoding)}`);
          if (args.lc_collate) parts.push(`LC_COLLATE ${literal(args.lc_collate)}`);
          if (args.lc_ctype) parts.push(`LC_CTYPE ${literal(args.lc_ctype)}`);
          if (args.conn_limit !== undefined && args.conn_limit !== '') parts.push(`CONNECTION LIMIT ${Number(args.conn_limit)}`);
          if (args.tablespace) parts.push(`TABLESPACE ${ident(args.tablespace)}`);
          executed_commands.push(parts.join(' '));
          if (args.comment !== undefined) executed_commands.push(`COMMENT ON DATABASE ${ident(name)} IS ${literal(args.comment)}`);
        } else {
          const normalize = (v: string) => v.toUpperCase().replace(/-/g, '');
          if (args.encoding && normalize(args.encoding) !== normalize(row.encoding)) {
            return { failed: true, changed: false, db: name, executed_commands, msg: `Changing encoding is not supported. Current encoding: ${row.encoding}` };
          }
          if (args.lc_collate && args.lc_collate !== row.lc_collate) return { failed: true, changed: false, db: name, executed_commands, msg: `Changing LC_COLLATE is not supported. Current LC_COLLATE: ${row.lc_collate}` };
          if (args.lc_ctype && args.lc_ctype !== row.lc_ctype) return { failed: true, changed: false, db: name, executed_commands, msg: `Changing LC_CTYPE is not supported. Current LC_CTYPE: ${row.lc_ctype}` };
          if (args.owner && args.owner !== row.owner) executed_commands.push(`ALTER DATABASE ${ident(name)} OWNER TO ${ident(args.owner)}`);
          if (args.conn_limit !== undefined && args.conn_limit !== '' && Number(args.conn_limit) !== row.conn_limit) {
            executed_commands.push(`ALTER DATABASE ${ident(name)} CONNECTION LIMIT ${Number(args.conn_limit)}`);
          }
          if (args.tablespace && args.tablespace !== row.tablespace) executed_commands.push(`ALTER DATABASE ${ident(name)} SET TABLESPACE ${ident(args.tablespace)}`);
          if (args.comment !== undefined && args.comment !== (row.comment ?? '')) executed_commands.push(`COMMENT ON DATABASE ${ident(name)} IS ${literal(args.comment)}`);
        }
        const changed = executed_commands.length > 0;
        // CREATE/DROP DATABASE cannot run inside a transaction block: one statement at a time.
        if (changed && !ctx.check) for (const sql of executed_commands) await client.query(sql);
        return { changed, db: name, executed_commands };
      });
    } catch (error) {
      return pgFailure(error, { db: name, executed_commands });
    }
  },
});
