// The fleet's bastions: the jump hosts no destructive step may touch, and how the TSV and inventory mark them.

/** ROLE_V3 of the bastions (they have no data volume and are never rebuilt). */
export const BASTION_ROLE = 'bastion';

/** The inventory group of the bastions. */
export const BASTION_GROUP = 'bastions';

/** The two bastions the runbook excludes from every destructive step (kbrun's default `protected_hosts`). */
export const BASTION_HOSTNAMES: readonly string[] = ['install-01', 'install-v3'];
