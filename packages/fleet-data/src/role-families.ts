// The fleet's volume-role families (seed 001): their sizes, mount points, inventory groups and ROLE_V3 values.

import { BASTION_ROLE } from './bastions.js';

/** One volume-role family of the v3 volume plan (seed 001's "Mapping Rôle → Taille"). */
export interface RoleFamily {
  /** The family as seed 001 names it (`k8s-master`, `apps_misc`, …). */
  readonly family: string;
  /** The inventory group of the family's servers (an Ansible-valid name). */
  readonly group: string;
  /** Size of each server's data volume, in GB. */
  readonly sizeGb: number;
  /** The directory under `/data` the volume is mounted on. */
  readonly mountDir: string;
  /** The ROLE_V3 values that belong to the family. */
  readonly rolesV3: readonly string[];
}

/**
 * The 20 volume-role families, in rebuild order: k3s first (the runbook's batch-1 diagram),
 * then the internal load balancers and the data services in the order the later phases install
 * them (seed 002: PostgreSQL, Redis, RabbitMQ, MinIO, MariaDB, ProxySQL), then the other
 * databases, operations, mail, the builder and the applications.
 */
export const ROLE_FAMILIES: readonly RoleFamily[] = [
  { family: 'k8s-master', group: 'k8s_masters', sizeGb: 20, mountDir: 'k8s_master', rolesV3: ['k8s-master'] },
  { family: 'k8s-worker', group: 'k8s_workers', sizeGb: 50, mountDir: 'k8s_worker', rolesV3: ['k8s-worker'] },
  { family: 'lb-internal', group: 'lb_internal', sizeGb: 10, mountDir: 'lb_internal', rolesV3: ['lb-internal'] },
  { family: 'db-postgres', group: 'db_postgres', sizeGb: 100, mountDir: 'db_postgres', rolesV3: ['db-postgres'] },
  { family: 'redis', group: 'redis', sizeGb: 20, mountDir: 'redis', rolesV3: ['redis'] },
  { family: 'rabbitmq', group: 'rabbitmq', sizeGb: 30, mountDir: 'rabbitmq', rolesV3: ['rabbitmq'] },
  { family: 'minio', group: 'minio', sizeGb: 200, mountDir: 'minio', rolesV3: ['minio'] },
  { family: 'db-mariadb', group: 'db_mariadb', sizeGb: 100, mountDir: 'db_mariadb', rolesV3: ['db-mariadb'] },
  { family: 'db-proxysql', group: 'db_proxysql', sizeGb: 20, mountDir: 'db_proxysql', rolesV3: ['db-proxysql'] },
  { family: 'db-temporal', group: 'db_temporal', sizeGb: 50, mountDir: 'db_temporal', rolesV3: ['db-temporal'] },
  { family: 'db-analytics', group: 'db_analytics', sizeGb: 50, mountDir: 'db_analytics', rolesV3: ['db-analytics'] },
  { family: 'vector-db', group: 'vector_db', sizeGb: 50, mountDir: 'vector_db', rolesV3: ['vector-db'] },
  { family: 'vault', group: 'vault', sizeGb: 20, mountDir: 'vault', rolesV3: ['vault'] },
  { family: 'backup', group: 'backup', sizeGb: 500, mountDir: 'backup', rolesV3: ['backup'] },
  { family: 'monitoring', group: 'monitoring', sizeGb: 50, mountDir: 'monitoring', rolesV3: ['monitoring'] },
  { family: 'siem', group: 'siem', sizeGb: 50, mountDir: 'siem', rolesV3: ['siem'] },
  { family: 'mail-core', group: 'mail_core', sizeGb: 50, mountDir: 'mail_core', rolesV3: ['mail-core'] },
  { family: 'mail-mx', group: 'mail_mx', sizeGb: 30, mountDir: 'mail_mx', rolesV3: ['mail-mx'] },
  { family: 'builder', group: 'builder', sizeGb: 20, mountDir: 'builder', rolesV3: ['builder'] },
  {
    family: 'apps_misc',
    group: 'apps_misc',
    sizeGb: 20,
    mountDir: 'apps_misc',
    rolesV3: ['app-analytics', 'app-crm', 'app-etl', 'app-nocode', 'app-temporal', 'lb-apigw', 'llm-proxy', 'ml-platform'],
  },
];

const BY_ROLE = new Map<string, RoleFamily>(ROLE_FAMILIES.flatMap((f) => f.rolesV3.map((r) => [r, f] as const)));

/** Every ROLE_V3 value the TSV may use (the families' roles and `bastion`), sorted. */
export const KNOWN_ROLES_V3: readonly string[] = [...BY_ROLE.keys(), BASTION_ROLE].sort();

/** The family of a ROLE_V3 value; undefined for `bastion` and unknown roles. */
export function familyOfRole(roleV3: string): RoleFamily | undefined {
  return BY_ROLE.get(roleV3);
}

/** The data volume's name of a server: `kbv3-<hostname>-data` (seed 001's convention). */
export function volumeNameOf(hostname: string): string {
  return `kbv3-${hostname}-data`;
}

/** The mount point of a family's data volume: `/data/<role>`. */
export function mountpointOf(family: RoleFamily): string {
  return `/data/${family.mountDir}`;
}
