// @kbrun/modules-postgresql: community.postgresql's modules (names, arguments and results) and patroni_cluster_info,
// reaching the server from the target's side (a TCP stream the target opens; see README.md).
import type { ModulePack } from '@kbrun/core';
import { patroniClusterInfo } from './modules/patroni-cluster-info.js';
import { postgresqlDb } from './modules/postgresql-db.js';
import { postgresqlExt } from './modules/postgresql-ext.js';
import { postgresqlPrivs } from './modules/postgresql-privs.js';
import { postgresqlQuery } from './modules/postgresql-query.js';
import { postgresqlUser } from './modules/postgresql-user.js';

// Each module, for callers that register or wrap modules one by one.
export { patroniClusterInfo, postgresqlDb, postgresqlExt, postgresqlPrivs, postgresqlQuery, postgresqlUser };
// The argument type of each module (what its schema validates).
export type { PatroniClusterInfoArgs } from './modules/patroni-cluster-info.js';
export type { PostgresqlDbArgs } from './modules/postgresql-db.js';
export type { PostgresqlExtArgs } from './modules/postgresql-ext.js';
export type { PostgresqlPrivsArgs } from './modules/postgresql-privs.js';
export type { PostgresqlQueryArgs } from './modules/postgresql-query.js';
export type { PostgresqlUserArgs } from './modules/postgresql-user.js';
// SCRAM verifiers as PostgreSQL stores them (roles that template PgBouncer userlists may use them too).
export { md5Password, parseScramVerifier, scramMatches, scramVerifier, type ScramVerifier } from './lib/scram.js';
export { bindArguments } from './modules/postgresql-query.js';

/** The PostgreSQL pack, keyed by module name (registered explicitly by the CLI as 'postgresql'). */
export const postgresqlModules: ModulePack = {
  postgresql_db: postgresqlDb,
  postgresql_user: postgresqlUser,
  postgresql_ext: postgresqlExt,
  postgresql_query: postgresqlQuery,
  postgresql_privs: postgresqlPrivs,
  patroni_cluster_info: patroniClusterInfo,
};
