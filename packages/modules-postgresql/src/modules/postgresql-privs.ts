import { defineModule } from '@kbrun/core';
import { runInTransaction, type PgSession } from '../lib/psql-session.js';
import { LOGIN_PROPERTIES, pgFailure, withSession, type LoginArgs } from '../lib/connect.js';
import { ident } from '../lib/sql.js';

/** Arguments of `postgresql_privs`. */
export interface PostgresqlPrivsArgs extends LoginArgs {
  db?: string;
  login_db?: string;
  database?: string;
  state: 'present' | 'absent';
  privs?: string;
  priv?: string;
  type: 'table' | 'sequence' | 'database' | 'schema' | 'group' | 'default_privs';
  target_roles?: string;
  objs?: string;
  obj?: string;
  schema?: string;
  roles: string;
  role?: string;
  grant_option?: boolean;
  admin_option?: boolean;
  fail_on_role: boolean;
}

/** default_privs: the object kinds `objs` names, their pg_default_acl letter and what ALL means for them. */
const DEFAULT_KINDS: Readonly<Record<string, { letter: string; all: string[] }>> = {
  TABLES: { letter: 'r', all: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'] },
  SEQUENCES: { letter: 'S', all: ['USAGE', 'SELECT', 'UPDATE'] },
  FUNCTIONS: { letter: 'f', all: ['EXECUTE'] },
  TYPES: { letter: 'T', all: ['USAGE'] },
};

/** What ALL means for each object type, and the acldefault() letter of its catalog. */
const TYPES: Readonly<Record<string, { all: string[]; kind: string; keyword: string }>> = {
  database: { all: ['CREATE', 'CONNECT', 'TEMPORARY'], kind: 'd', keyword: 'DATABASE' },
  schema: { all: ['CREATE', 'USAGE'], kind: 'n', keyword: 'SCHEMA' },
  table: { all: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'], kind: 'r', keyword: 'TABLE' },
  sequence: { all: ['USAGE', 'SELECT', 'UPDATE'], kind: 's', keyword: 'SEQUENCE' },
};

const list = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The granted privileges of one object: grantee → privilege → grantable. */
type Acl = Map<string, Map<string, boolean>>;

const ACL_COLUMNS = "a.privilege_type, a.is_grantable, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee";

async function readAcl(client: PgSession, type: string, obj: string, schema: string): Promise<Acl | undefined> {
  let sql: string;
  let params: string[];
  if (type === 'database') {
    sql = `SELECT ${ACL_COLUMNS} FROM pg_database x, aclexplode(coalesce(x.datacl, acldefault('d', x.datdba))) a WHERE x.datname = $1`;
    params = [obj];
    if ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', params)).rowCount === 0) return undefined;
  } else if (type === 'schema') {
    sql = `SELECT ${ACL_COLUMNS} FROM pg_namespace x, aclexplode(coalesce(x.nspacl, acldefault('n', x.nspowner))) a WHERE x.nspname = $1`;
    params = [obj];
    if ((await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', params)).rowCount === 0) return undefined;
  } else {
    const kinds = type === 'sequence' ? "('S')" : "('r','v','m','f','p')";
    const kind = type === 'sequence' ? 's' : 'r';
    const where = `x.relname = $1 AND x.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $2) AND x.relkind IN ${kinds}`;
    sql = `SELECT ${ACL_COLUMNS} FROM pg_class x, aclexplode(coalesce(x.relacl, acldefault('${kind}', x.relowner))) a WHERE ${where}`;
    params = [obj, schema];
    if ((await client.query(`SELECT 1 FROM pg_class x WHERE ${where}`, params)).rowCount === 0) return undefined;
  }
  const acl: Acl = new Map();
  for (const row of (await client.query<{ privilege_type: string; is_grantable: boolean; grantee: string }>(sql, params)).rows) {
    if (!acl.has(row.grantee)) acl.set(row.grantee, new Map());
    acl.get(row.grantee)!.set(row.privilege_type, row.is_grantable);
  }
  return acl;
}

/** `postgresql_privs`: grants or revokes privileges on databases, schemas, tables and sequences, and group membership. */
export const postgresqlPrivs = defineModule<PostgresqlPrivsArgs>({
  name: 'postgresql_privs',
  description:
    'Grants or revokes privileges on PostgreSQL databases, schemas, tables and sequences (objs ALL_IN_SCHEMA too) and group membership (type group), comparing with the objects\' ACLs first.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      db: { type: 'string', description: 'Database to connect to (and whose objects are meant).' },
      login_db: { type: 'string', description: 'Alias of db.' },
      database: { type: 'string', description: 'Alias of db.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: grant; absent: revoke.' },
      privs: { type: 'string', description: 'Comma-separated privileges (SELECT,INSERT… or ALL); not for type group.' },
      priv: { type: 'string', description: 'Alias of privs.' },
      type: {
        enum: ['table', 'sequence', 'database', 'schema', 'group', 'default_privs'],
        default: 'table',
        description: "Type of the objects (kbrun implements table, sequence, database, schema, group and default_privs of community.postgresql's types).",
      },
      target_roles: { type: 'string', description: 'default_privs: comma-separated roles whose future objects get the privileges (default: the login role).' },
      objs: { type: 'string', description: 'Comma-separated object names; ALL_IN_SCHEMA for every table or sequence of schema; for group, the groups.' },
      obj: { type: 'string', description: 'Alias of objs.' },
      schema: { type: 'string', description: 'Schema of the tables or sequences (default public).' },
      roles: { type: 'string', description: 'Comma-separated roles to grant to or revoke from (PUBLIC for everyone).' },
      role: { type: 'string', description: 'Alias of roles.' },
      grant_option: { type: 'boolean', description: 'WITH GRANT OPTION (true) or revoke only the grant option (false with state present).' },
      admin_option: { type: 'boolean', description: 'Alias of grant_option for type group (WITH ADMIN OPTION).' },
      fail_on_role: { type: 'boolean', default: true, description: 'Fail when a role does not exist (false: skip it with a warning).' },
      ...LOGIN_PROPERTIES,
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    const roles = list(args.roles ?? args.role);
    if (roles.length === 0) return { failed: true, changed: false, msg: 'roles is required' };
    const type = args.type ?? 'table';
    const database = args.db ?? args.login_db ?? args.database;
    const queries: string[] = [];
    const warnings: string[] = [];
    const grantOption = args.grant_option ?? args.admin_option;
    try {
      return await withSession(args, ctx, database, async (client) => {
        const existing = new Set((await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [roles])).rows.map((r) => r.rolname));
        const present: string[] = [];
        for (const role of roles) {
          if (role === 'PUBLIC' || existing.has(role)) present.push(role);
          else if (args.fail_on_role) return { failed: true, changed: false, queries, msg: `Role ${role} does not exist` };
          else warnings.push(`Role ${role} does not exist, skipped`);
        }
        const grantee = (role: string) => (role === 'PUBLIC' ? 'PUBLIC' : ident(role));
        if (type === 'default_privs') {
          const asked = list((args.privs ?? args.priv ?? '').toUpperCase());
          let kinds = list((args.objs ?? args.obj ?? '').toUpperCase());
          if (kinds.length === 1 && kinds[0] === 'ALL_DEFAULT') kinds = ['TABLES', 'SEQUENCES', 'FUNCTIONS', 'TYPES'];
          const badKinds = kinds.filter((k) => DEFAULT_KINDS[k] === undefined);
          if (kinds.length === 0 || badKinds.length) return { failed: true, changed: false, queries, msg: `objs for default_privs: TABLES, SEQUENCES, FUNCTIONS, TYPES or ALL_DEFAULT (got ${badKinds.join(', ') || 'nothing'})` };
          const targets = list(args.target_roles);
          if (targets.length === 0) targets.push((await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u);
          const schema = args.schema;
          for (const target of targets) {
            for (const kind of kinds) {
              const spec = DEFAULT_KINDS[kind]!;
              const privs = asked.includes('ALL') ? spec.all : asked.filter((p) => spec.all.includes(p));
              if (privs.length === 0) continue;
              const rows = (
                await client.query<{ privilege_type: string; is_grantable: boolean; grantee: string }>(
                  `SELECT ${ACL_COLUMNS} FROM pg_default_acl d, aclexplode(d.defaclacl) a
                    WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = $1) AND d.defaclobjtype = $2
                      AND d.defaclnamespace = coalesce((SELECT oid FROM pg_namespace WHERE nspname = $3), 0)`,
                  [target, spec.letter, schema ?? null],
                )
              ).rows;
              const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(target)}${schema ? ` IN SCHEMA ${ident(schema)}` : ''}`;
              for (const role of present) {
                const held = new Map(rows.filter((r) => r.grantee === role).map((r) => [r.privilege_type, r.is_grantable]));
                if (args.state === 'absent') {
                  const revoke = privs.filter((p) => held.has(p));
                  if (revoke.length) queries.push(`${prefix} REVOKE ${revoke.join(', ')} ON ${kind} FROM ${grantee(role)}`);
                  continue;
                }
                const grant = privs.filter((p) => !held.has(p) || (grantOption === true && !held.get(p)));
                if (grant.length) queries.push(`${prefix} GRANT ${grant.join(', ')} ON ${kind} TO ${grantee(role)}${grantOption ? ' WITH GRANT OPTION' : ''}`);
              }
            }
          }
        } else if (type === 'group') {
          for (const group of list(args.objs ?? args.obj)) {
            const members = await client.query<{ member: string; admin: boolean }>(
              'SELECT pg_get_userbyid(m.member) AS member, m.admin_option AS admin FROM pg_auth_members m WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $1)',
              [group],
            );
            const by = new Map(members.rows.map((r) => [r.member, r.admin]));
            for (const role of present) {
              const has = by.has(role);
              if (args.state === 'absent') {
                if (has) queries.push(`REVOKE ${ident(group)} FROM ${grantee(role)}`);
              } else if (!has || (grantOption === true && !by.get(role))) {
                queries.push(`GRANT ${ident(group)} TO ${grantee(role)}${grantOption ? ' WITH ADMIN OPTION' : ''}`);
              } else if (grantOption === false && by.get(role)) queries.push(`REVOKE ADMIN OPTION FOR ${ident(group)} FROM ${grantee(role)}`);
            }
          }
        } else {
          const spec = TYPES[type]!;
          const asked = list((args.privs ?? args.priv ?? '').toUpperCase()).map((p) => (p === 'TEMP' ? 'TEMPORARY' : p));
          if (asked.length === 0) return { failed: true, changed: false, queries, msg: `privs is required for type ${type}` };
          const privs = asked.includes('ALL') || asked.includes('ALL PRIVILEGES') ? spec.all : asked;
          const unknown = privs.filter((p) => !spec.all.includes(p));
          if (unknown.length) return { failed: true, changed: false, queries, msg: `Invalid privileges specified for type ${type}: ${unknown.join(', ')} (valid: ${spec.all.join(', ')}, ALL)` };
          const schema = args.schema ?? 'public';
          let objs = list(args.objs ?? args.obj);
          if (type === 'database' && objs.length === 0 && database) objs = [database];
          if ((type === 'table' || type === 'sequence') && objs.length === 1 && objs[0] === 'ALL_IN_SCHEMA') {
            const kinds = type === 'sequence' ? ['S'] : ['r', 'v', 'm', 'f', 'p'];
            objs = (
              await client.query<{ relname: string }>(
                'SELECT relname FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1) AND relkind::text = ANY($2) ORDER BY relname',
                [schema, kinds],
              )
            ).rows.map((r) => r.relname);
          }
          for (const obj of objs) {
            const acl = await readAcl(client, type, obj, schema);
            if (!acl) return { failed: true, changed: false, queries, msg: `${spec.keyword.toLowerCase()} ${type === 'table' || type === 'sequence' ? `${schema}.` : ''}${obj} does not exist` };
            const target = type === 'table' || type === 'sequence' ? `${ident(schema)}.${ident(obj)}` : ident(obj);
            for (const role of present) {
              const held = acl.get(role) ?? new Map<string, boolean>();
              if (args.state === 'absent') {
                const revoke = privs.filter((p) => held.has(p));
                if (revoke.length) queries.push(`REVOKE ${revoke.join(', ')} ON ${spec.keyword} ${target} FROM ${grantee(role)}`);
                continue;
              }
              const grant = privs.filter((p) => !held.has(p) || (grantOption === true && !held.get(p)));
              if (grant.length) queries.push(`GRANT ${grant.join(', ')} ON ${spec.keyword} ${target} TO ${grantee(role)}${grantOption ? ' WITH GRANT OPTION' : ''}`);
              const ungrant = grantOption === false ? privs.filter((p) => held.get(p) === true) : [];
              if (ungrant.length) queries.push(`REVOKE GRANT OPTION FOR ${ungrant.join(', ')} ON ${spec.keyword} ${target} FROM ${grantee(role)}`);
            }
          }
        }
        const changed = queries.length > 0;
        if (changed && !ctx.check) {
          const error = await runInTransaction(client, queries);
          if (error) return { failed: true, changed: false, queries, msg: error.message };
        }
        return { changed, queries, ...(warnings.length ? { warnings } : {}) };
      });
    } catch (error) {
      return pgFailure(error, { queries });
    }
  },
});
