// @kbrun/fleet-data: the fleet's data rules, one set for every reader — the servers_v3.tsv parser, IPv4 syntax, role families and bastions.

export { BASTION_GROUP, BASTION_HOSTNAMES, BASTION_ROLE } from './bastions.js';
export { isPrivateIpv4, parseIpv4 } from './ipv4.js';
export { KNOWN_ROLES_V3, ROLE_FAMILIES, familyOfRole, mountpointOf, volumeNameOf, type RoleFamily } from './role-families.js';
export {
  KNOWN_ENVS,
  REQUIRED_COLUMNS,
  SERVERS_TSV_COLUMNS,
  SERVERS_TSV_FIELDS,
  bastionRows,
  checkServersTsv,
  formatTsvError,
  parseServersTsv,
  rebuildableRows,
  type ServerRow,
  type ServersTsvColumn,
  type ServersTsvResult,
} from './servers-tsv.js';
