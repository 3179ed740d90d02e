// servers/volume_plan_v3.json from the TSV rows: one data volume per rebuildable server (seed 001, PH3-01).

import { familyOfRole, mountpointOf, rebuildableRows, ROLE_FAMILIES, volumeNameOf, type ServerRow } from '@kbrun/fleet-data';

/** One planned volume. */
export interface PlannedVolume {
  hostname: string;
  role_v3: string;
  volume_role: string;
  ip_private: string;
  volume_name: string;
  /** Size in GB. */
  size: number;
  mountpoint: string;
  filesystem: string;
}

/** The whole `volume_plan_v3.json`. */
export interface VolumePlan {
  metadata: {
    total_volumes: number;
    total_size_gb: number;
    naming: string;
    mountpoint_pattern: string;
    filesystem: string;
    strategy: string;
    generated_from: string;
    generated_by: string;
  };
  /** GB per volume-role family, in family order. */
  size_by_role: Record<string, number>;
  /** One volume per rebuildable server, sorted by hostname. */
  volumes: PlannedVolume[];
}

/** Options of `generateVolumePlan`. */
export interface VolumePlanOptions {
  /** The TSV named in `metadata.generated_from`; default `servers/servers_v3.tsv`. */
  source?: string;
}

/** The filesystem PH3 formats the data volumes with. */
export const VOLUME_FILESYSTEM = 'xfs';

/** The volume plan: `kbv3-<hostname>-data`, size by family, mounted on `/data/<role>`, for every non-bastion row. */
export function generateVolumePlan(rows: readonly ServerRow[], options: VolumePlanOptions = {}): VolumePlan {
  const volumes = rebuildableRows(rows)
    .map((row): PlannedVolume => {
      const family = familyOfRole(row.roleV3);
      if (!family) throw new Error(`no volume-role family for ROLE_V3 '${row.roleV3}' (line ${row.line})`);
      return {
        hostname: row.hostname,
        role_v3: row.roleV3,
        volume_role: family.family,
        ip_private: row.ipPrivate,
        volume_name: volumeNameOf(row.hostname),
        size: family.sizeGb,
        mountpoint: mountpointOf(family),
        filesystem: VOLUME_FILESYSTEM,
      };
    })
    .sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
  return {
    metadata: {
      total_volumes: volumes.length,
      total_size_gb: volumes.reduce((sum, v) => sum + v.size, 0),
      naming: 'kbv3-<hostname>-data',
      mountpoint_pattern: '/data/<role>',
      filesystem: VOLUME_FILESYSTEM,
      strategy: 'Option A - destroy & recreate all: every existing volume is deleted, every planned volume created',
      generated_from: options.source ?? 'servers/servers_v3.tsv',
      generated_by: '@kbrun/fleet generateVolumePlan (kbrun inventory generate)',
    },
    size_by_role: Object.fromEntries(ROLE_FAMILIES.map((f) => [f.family, f.sizeGb])),
    volumes,
  };
}
