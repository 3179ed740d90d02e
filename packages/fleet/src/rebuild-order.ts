// servers/rebuild_order_v3.json from the TSV rows: the 47 rebuildable servers in batches, bastions excluded.

import { bastionRows, familyOfRole, mountpointOf, rebuildableRows, ROLE_FAMILIES, volumeNameOf, type ServerRow } from '@kbrun/fleet-data';
import { REBUILD_BATCH_SIZE, REBUILD_IMAGE } from './runbook.js';

/** A server's data volume. */
export interface VolumeSpec {
  /** `kbv3-<hostname>-data`. */
  name: string;
  /** Size in GB, by volume-role family. */
  size: number;
  /** `/data/<role>`. */
  mountpoint: string;
}

/** One server to rebuild. */
export interface RebuildServer {
  hostname: string;
  logical_name: string;
  ip_private: string;
  ip_public: string;
  role_v3: string;
  /** The volume-role family (seed 001), which sets the volume's size and mount point. */
  volume_role: string;
  /** 1-based batch number. */
  batch: number;
  volume: VolumeSpec;
}

/** One batch: servers rebuilt together, in parallel. */
export interface RebuildBatch {
  batch: number;
  count: number;
  servers: RebuildServer[];
}

/** The whole `rebuild_order_v3.json`. */
export interface RebuildOrder {
  metadata: {
    total_servers: number;
    total_batches: number;
    batch_size: number;
    excluded_servers: string[];
    image: string;
    total_volume_size_gb: number;
    ordering: string;
    family_order: string[];
    generated_from: string;
    generated_by: string;
  };
  servers: RebuildServer[];
  batches: RebuildBatch[];
}

/** Options of `generateRebuildOrder`. */
export interface RebuildOrderOptions {
  /** Servers per batch; default 5. */
  batchSize?: number;
  /** The TSV named in `metadata.generated_from`; default `servers/servers_v3.tsv`. */
  source?: string;
}

/** How servers are ordered, as `metadata.ordering` says it. */
export const REBUILD_ORDERING =
  'by volume-role family in family_order (k8s masters first, as in the runbook batch-1 diagram, then k8s workers, the internal load balancers and the data services in the order the later phases install them), then by hostname; batches are consecutive slices of batch_size';

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The rebuild order: every non-bastion row, by family order then hostname, in batches of 5 (the last one shorter). */
export function generateRebuildOrder(rows: readonly ServerRow[], options: RebuildOrderOptions = {}): RebuildOrder {
  const batchSize = options.batchSize ?? REBUILD_BATCH_SIZE;
  const rank = new Map(ROLE_FAMILIES.map((f, i) => [f.family, i]));
  const entries = rebuildableRows(rows).map((row) => {
    const family = familyOfRole(row.roleV3);
    if (!family) throw new Error(`no volume-role family for ROLE_V3 '${row.roleV3}' (line ${row.line})`);
    return { row, family };
  });
  entries.sort((a, b) => rank.get(a.family.family)! - rank.get(b.family.family)! || byCodePoint(a.row.hostname, b.row.hostname));
  const servers: RebuildServer[] = entries.map(({ row, family }, i) => ({
    hostname: row.hostname,
    logical_name: row.logicalNameV3,
    ip_private: row.ipPrivate,
    ip_public: row.ipPublic,
    role_v3: row.roleV3,
    volume_role: family.family,
    batch: Math.floor(i / batchSize) + 1,
    volume: { name: volumeNameOf(row.hostname), size: family.sizeGb, mountpoint: mountpointOf(family) },
  }));
  const batches: RebuildBatch[] = [];
  for (let i = 0; i < servers.length; i += batchSize) {
    const slice = servers.slice(i, i + batchSize);
    batches.push({ batch: batches.length + 1, count: slice.length, servers: slice });
  }
  return {
    metadata: {
      total_servers: servers.length,
      total_batches: batches.length,
      batch_size: batchSize,
      excluded_servers: bastionRows(rows).map((r) => r.hostname).sort(byCodePoint),
      image: REBUILD_IMAGE,
      total_volume_size_gb: servers.reduce((sum, s) => sum + s.volume.size, 0),
      ordering: REBUILD_ORDERING,
      family_order: ROLE_FAMILIES.map((f) => f.family),
      generated_from: options.source ?? 'servers/servers_v3.tsv',
      generated_by: '@kbrun/fleet generateRebuildOrder (kbrun inventory generate)',
    },
    servers,
    batches,
  };
}
