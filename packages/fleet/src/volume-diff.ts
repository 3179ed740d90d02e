// The diff between existing volumes and the plan (seed 001's Option A: destroy and recreate all).

import { BASTION_HOSTNAMES } from '@kbrun/fleet-data';
import type { ExistingVolume } from './existing-volumes.js';
import type { VolumePlan } from './volume-plan.js';

/** An existing volume to delete, and why. */
export interface VolumeToDelete extends ExistingVolume {
  reason: string;
}

/** A planned volume to create (attached to its server, in the server's location). */
export interface VolumeToCreate {
  hostname: string;
  volume_name: string;
  size: number;
  mountpoint: string;
  filesystem: string;
  /** The server's location, when known (`DiffVolumesOptions.serverLocations`). */
  location?: string;
}

/** An existing volume that already matches the plan. */
export interface VolumeOk extends ExistingVolume {
  hostname: string;
  mountpoint: string;
}

/** An existing volume the plan leaves alone (not of the fleet, or on a bastion). */
export interface VolumeIgnored extends ExistingVolume {
  reason: string;
}

/** The whole `volume_diff_v3.json`. */
export interface VolumeDiff {
  summary: { existing: number; planned: number; to_delete: number; to_create: number; ok: number; ignored: number };
  volumes_to_delete: VolumeToDelete[];
  volumes_to_create: VolumeToCreate[];
  volumes_ok: VolumeOk[];
  volumes_ignored: VolumeIgnored[];
}

/** Options of `diffVolumes`. */
export interface DiffVolumesOptions {
  /** Location of each server, to say where a new volume goes. */
  serverLocations?: ReadonlyMap<string, string> | Record<string, string>;
  /** Servers whose volumes are never deleted; default the bastions. */
  protectedServers?: readonly string[];
}

function locationOf(host: string, map: DiffVolumesOptions['serverLocations']): string | undefined {
  if (!map) return undefined;
  return map instanceof Map ? map.get(host) : (map as Record<string, string>)[host];
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Compares existing volumes with the plan. A volume that has its planned name, size and server is ok;
 * every other `vol-*` or `kbv3-*` volume, and any volume attached to a planned server, is deleted;
 * other volumes (not the fleet's, or on a protected server) are ignored. Every planned volume not ok is created.
 */
export function diffVolumes(plan: VolumePlan, existing: readonly ExistingVolume[], options: DiffVolumesOptions = {}): VolumeDiff {
  const planned = new Map(plan.volumes.map((v) => [v.volume_name, v]));
  const plannedHosts = new Set(plan.volumes.map((v) => v.hostname));
  const protectedServers = new Set(options.protectedServers ?? BASTION_HOSTNAMES);
  const toDelete: VolumeToDelete[] = [];
  const ok: VolumeOk[] = [];
  const ignored: VolumeIgnored[] = [];
  const okNames = new Set<string>();
  for (const volume of [...existing].sort(byName)) {
    const target = planned.get(volume.name);
    if (volume.server !== null && protectedServers.has(volume.server)) {
      ignored.push({ ...volume, reason: `attached to the protected server ${volume.server}` });
    } else if (target && volume.size === target.size && volume.server === target.hostname && !okNames.has(volume.name)) {
      ok.push({ ...volume, hostname: target.hostname, mountpoint: target.mountpoint });
      okNames.add(volume.name);
    } else if (target) {
      const why = volume.size !== target.size ? `size ${volume.size} GB, planned ${target.size} GB` : volume.server !== target.hostname ? `attached to ${volume.server ?? 'no server'}, planned ${target.hostname}` : 'duplicate name';
      toDelete.push({ ...volume, reason: `v3 name but ${why}` });
    } else if (volume.name.startsWith('vol-')) {
      toDelete.push({ ...volume, reason: 'old naming convention (vol-*), not the v3 convention kbv3-<hostname>-data' });
    } else if (volume.name.startsWith('kbv3-')) {
      toDelete.push({ ...volume, reason: 'kbv3-* volume that is not in the plan' });
    } else if (volume.server !== null && plannedHosts.has(volume.server)) {
      toDelete.push({ ...volume, reason: `attached to ${volume.server}, whose only volume is ${`kbv3-${volume.server}-data`}` });
    } else {
      ignored.push({ ...volume, reason: 'not a fleet volume (neither vol-* nor kbv3-*, not attached to a planned server)' });
    }
  }
  const toCreate: VolumeToCreate[] = plan.volumes
    .filter((v) => !okNames.has(v.volume_name))
    .map((v) => {
      const out: VolumeToCreate = { hostname: v.hostname, volume_name: v.volume_name, size: v.size, mountpoint: v.mountpoint, filesystem: v.filesystem };
      const location = locationOf(v.hostname, options.serverLocations);
      if (location !== undefined) out.location = location;
      return out;
    });
  return {
    summary: { existing: existing.length, planned: plan.volumes.length, to_delete: toDelete.length, to_create: toCreate.length, ok: ok.length, ignored: ignored.length },
    volumes_to_delete: toDelete,
    volumes_to_create: toCreate,
    volumes_ok: ok,
    volumes_ignored: ignored,
  };
}
