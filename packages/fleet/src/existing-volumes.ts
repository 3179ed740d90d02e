// Existing cloud volumes: read from servers/existing_volumes_v3.json or from a Hetzner API volume list.

import { KbrunError } from '@kbrun/core';

/** One volume that exists in the cloud. */
export interface ExistingVolume {
  id?: number;
  name: string;
  /** Size in GB. */
  size: number;
  /** Location name (`nbg1`, `hel1`, …). */
  location: string;
  /** Name of the server it is attached to, or null when detached. */
  server: string | null;
}

/** Options of `readExistingVolumes`. */
export interface ReadExistingVolumesOptions {
  /** Server names by id, to name the server of API volumes (whose `server` is an id). */
  serverNames?: ReadonlyMap<number, string> | Record<number, string>;
  /** Named in errors; default `existing volumes`. */
  source?: string;
}

function serverNameOf(value: unknown, names: ReadExistingVolumesOptions['serverNames']): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    const name = names instanceof Map ? names.get(value) : (names as Record<number, string> | undefined)?.[value];
    return name ?? `#${value}`;
  }
  if (typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') return (value as { name: string }).name;
  return undefined;
}

/**
 * Normalizes a volume list: `{volumes: [...]}` or an array, each volume either in this package's shape
 * (`{id?, name, size, location: "nbg1", server: "minio-01" | null}`) or as the Hetzner API returns it
 * (`location: {name}`, `server: <id> | null`).
 */
export function readExistingVolumes(input: unknown, options: ReadExistingVolumesOptions = {}): ExistingVolume[] {
  const source = options.source ?? 'existing volumes';
  const list = Array.isArray(input) ? input : (input as { volumes?: unknown } | null)?.volumes;
  if (!Array.isArray(list)) throw new KbrunError('E_INVENTORY', `${source}: expected a list of volumes or an object with a "volumes" list`);
  return list.map((raw, i): ExistingVolume => {
    const v = (raw ?? {}) as Record<string, unknown>;
    const where = `${source}: volumes[${i}]`;
    if (typeof v['name'] !== 'string' || v['name'] === '') throw new KbrunError('E_INVENTORY', `${where}.name: expected a volume name, got ${JSON.stringify(v['name'])}`);
    if (typeof v['size'] !== 'number' || !Number.isInteger(v['size']) || v['size'] <= 0) {
      throw new KbrunError('E_INVENTORY', `${where}.size: expected a size in GB (a positive integer), got ${JSON.stringify(v['size'])}`);
    }
    const loc = v['location'];
    const location = typeof loc === 'string' ? loc : typeof loc === 'object' && loc !== null && typeof (loc as { name?: unknown }).name === 'string' ? (loc as { name: string }).name : undefined;
    if (location === undefined) throw new KbrunError('E_INVENTORY', `${where}.location: expected a location name or {name}, got ${JSON.stringify(loc)}`);
    const server = serverNameOf(v['server'], options.serverNames);
    if (server === undefined) throw new KbrunError('E_INVENTORY', `${where}.server: expected a server name, id or null, got ${JSON.stringify(v['server'])}`);
    const out: ExistingVolume = { name: v['name'], size: v['size'], location, server };
    if (typeof v['id'] === 'number') out.id = v['id'];
    return out;
  });
}
