// Seeds: the fleet TSV and volumes JSON loaders, and putting a seed into a simulator's store.

import { parseServersTsv, SERVERS_TSV_FIELDS, type ServersTsvColumn } from '@kbrun/fleet-data';
import { datacenterOf, findByIdOrName, IMAGES, LOCATIONS, SERVER_TYPES } from './catalog.js';
import type { SimCore } from './core.js';
import { ApiError, SimConfigError } from './errors.js';
import { cidrContains, cidrInside, formatCidr, formatIpv4, parseCidr, parseIpv4 } from './ipv4.js';
import { addFirewall } from './routes/firewalls.js';
import { addLoadBalancer } from './routes/load-balancers.js';
import { addNetwork } from './routes/networks.js';
import { ipv6For, macFor } from './routes/servers.js';
import { addSshKey } from './routes/ssh-keys.js';
import { MAX_VOLUME_GB, MIN_VOLUME_GB } from './routes/volumes.js';
import type { NetworkRecord, ServerRecord } from './store.js';
import type { SeedServer, SeedVolume, SimSeed } from './types.js';
import { resourceName, serverName, validLabelKey, validLabelValue } from './validate.js';

/** Which TSV columns become which labels by default. */
export const DEFAULT_LABEL_COLUMNS: Readonly<Partial<Record<ServersTsvColumn, string>>> = {
  ENV: 'env',
  POOL: 'pool',
  ROLE: 'role',
  SUBROLE: 'subrole',
  DOCKER_STACK: 'docker_stack',
  CORE: 'core',
  ROLE_V3: 'role_v3',
  LOGICAL_NAME_V3: 'logical_name',
};

/** Options of `seedFromServersTsv`. */
export interface ServersTsvOptions {
  /** Server type of every server; default `cx22`. */
  serverType?: string;
  /** Location of every server; default: the location of its volumes (see `SeedServer.location`). */
  location?: string;
  /** Image of every server; default `ubuntu-24.04`. */
  image?: string;
  /** Which columns become labels, and their label keys; default `DEFAULT_LABEL_COLUMNS`. */
  labelColumns?: Partial<Record<ServersTsvColumn, string>>;
  /** The file's path, for error locations; default `servers/servers_v3.tsv`. */
  file?: string;
}

/** A TSV cell turned into a valid label value, or undefined when nothing usable is left. */
export function labelValueOf(cell: string): string | undefined {
  let v = cell.trim();
  if (v === '' || v === '-') return undefined;
  v = v.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
  return v === '' ? undefined : v;
}

/**
 * Read the fleet TSV into a seed with the rules of `kbrun verify` (the one parser of @kbrun/fleet-data): a file
 * with any mistake throws its `KbrunErrors` (E_INVENTORY, each located at `file:line`), as `kbrun verify` reports them.
 */
export function seedFromServersTsv(text: string, options: ServersTsvOptions = {}): SimSeed {
  const labelColumns = options.labelColumns ?? DEFAULT_LABEL_COLUMNS;
  const servers = parseServersTsv(text, options.file).map((row): SeedServer => {
    const labels: Record<string, string> = {};
    for (const [column, key] of Object.entries(labelColumns)) {
      const value = labelValueOf(row[SERVERS_TSV_FIELDS[column as ServersTsvColumn]]);
      if (value !== undefined && key) labels[key] = value;
    }
    const server: SeedServer = { name: row.hostname, labels, public_ipv4: row.ipPublic, private_ipv4: row.ipPrivate };
    if (options.serverType) server.server_type = options.serverType;
    if (options.location) server.location = options.location;
    if (options.image) server.image = options.image;
    return server;
  });
  return { servers };
}

/** Read `{"volumes": [{name, size, location, server}]}` (text or parsed) into a seed. */
export function seedFromVolumesJson(json: string | unknown): SimSeed {
  let data: unknown = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (error) {
      throw new SimConfigError(`volumes JSON: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const list = (data as { volumes?: unknown } | null)?.volumes;
  if (!Array.isArray(list)) throw new SimConfigError('volumes JSON: expected an object with a "volumes" array');
  const volumes = list.map((raw, i): SeedVolume => {
    const v = (raw ?? {}) as Record<string, unknown>;
    const where = `volumes JSON: volumes[${i}]`;
    if (typeof v['name'] !== 'string') throw new SimConfigError(`${where}.name: expected a string, got ${JSON.stringify(v['name'])}`);
    if (typeof v['size'] !== 'number' || !Number.isInteger(v['size'])) {
      throw new SimConfigError(`${where}.size: expected an integer (GB), got ${JSON.stringify(v['size'])}`);
    }
    const location = v['location'];
    if (location !== undefined && location !== null && typeof location !== 'string') {
      throw new SimConfigError(`${where}.location: expected a location name, got ${JSON.stringify(location)}`);
    }
    const server = v['server'];
    if (server !== undefined && server !== null && typeof server !== 'string') {
      throw new SimConfigError(`${where}.server: expected a server name or null, got ${JSON.stringify(server)}`);
    }
    const out: SeedVolume = { name: v['name'], size: v['size'] };
    if (typeof location === 'string' && location !== '') out.location = location;
    if (typeof server === 'string' && server !== '') out.server = server;
    if (v['labels'] && typeof v['labels'] === 'object') out.labels = v['labels'] as Record<string, string>;
    return out;
  });
  return { volumes };
}

/** One seed holding every list of the given seeds. */
export function mergeSeeds(...seeds: SimSeed[]): SimSeed {
  const out: Required<SimSeed> = { servers: [], volumes: [], ssh_keys: [], networks: [], firewalls: [], load_balancers: [] };
  for (const s of seeds) {
    out.servers.push(...(s.servers ?? []));
    out.volumes.push(...(s.volumes ?? []));
    out.ssh_keys.push(...(s.ssh_keys ?? []));
    out.networks.push(...(s.networks ?? []));
    out.firewalls.push(...(s.firewalls ?? []));
    out.load_balancers.push(...(s.load_balancers ?? []));
  }
  return out;
}

const SEED_EPOCH = Date.parse('2024-01-15T10:00:00Z');

function seedTime(kind: number, index: number): string {
  return new Date(SEED_EPOCH + kind * 86_400_000 + index * 60_000).toISOString().replace('.000Z', '+00:00');
}

function checkLabels(where: string, labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!validLabelKey(k)) throw new SimConfigError(`${where}: invalid label key '${k}'`);
    if (typeof v !== 'string' || !validLabelValue(v)) throw new SimConfigError(`${where}: invalid value for label '${k}': '${String(v)}'`);
    out[k] = v;
  }
  return out;
}

/** Run `fn`, turning an API error into a configuration error that says which seed entry is wrong. */
function seedStep<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ApiError) throw new SimConfigError(`${where}: ${error.message}`);
    throw error;
  }
}

/** The network holding a private address: a seed network, or one created as `a.b.0.0/16` (named `private-a-b`). */
function networkFor(core: SimCore, ip: string, zone: string, where: string): NetworkRecord {
  const n = parseIpv4(ip);
  if (n === undefined) throw new SimConfigError(`${where}: private_ipv4 '${ip}' is not an IPv4 address`);
  const parts = ip.split('.');
  const subnet = `${parts[0]}.${parts[1]}.${parts[2]}.0/24`;
  for (const network of core.store.networks.values()) {
    const range = parseCidr(network.ipRange);
    if (!range || !cidrContains(range, n)) continue;
    if (!network.subnets.some((s) => { const r = parseCidr(s.ipRange); return r !== undefined && cidrContains(r, n); })) {
      const sub = parseCidr(subnet);
      if (!sub || !cidrInside(range, sub)) throw new SimConfigError(`${where}: no subnet of ${network.name} holds ${ip}`);
      network.subnets.push({ type: 'cloud', ipRange: formatCidr(sub), networkZone: zone, gateway: formatIpv4(range.base + 1) });
    }
    return network;
  }
  const range = `${parts[0]}.${parts[1]}.0.0/16`;
  return seedStep(where, () =>
    addNetwork(core, `private-${parts[0]}-${parts[1]}`, range, [{ type: 'cloud', ip_range: subnet, network_zone: zone }], {}, seedTime(0, 0)),
  );
}

/** Put a seed into an empty store: ids and timestamps are deterministic from the seed's order. */
export function applySeed(core: SimCore, seed: SimSeed): void {
  const { store } = core;
  const hasKeys = (seed.ssh_keys?.length ?? 0) > 0;
  (seed.ssh_keys ?? []).forEach((k, i) => {
    seedStep(`seed.ssh_keys[${i}] (${k.name})`, () => addSshKey(core, k.name, k.public_key, checkLabels(`seed.ssh_keys[${i}]`, k.labels), seedTime(0, i)));
  });
  (seed.networks ?? []).forEach((n, i) => {
    const where = `seed.networks[${i}] (${n.name})`;
    seedStep(where, () =>
      addNetwork(
        core,
        n.name,
        n.ip_range,
        (n.subnets ?? []).map((s) => ({ type: s.type ?? 'cloud', ip_range: s.ip_range, network_zone: s.network_zone ?? 'eu-central' })),
        checkLabels(where, n.labels),
        seedTime(0, i),
      ),
    );
  });

  const volumeLocation = new Map<string, string>();
  for (const v of seed.volumes ?? []) if (v.server && v.location && !volumeLocation.has(v.server)) volumeLocation.set(v.server, v.location);

  const needIp: ServerRecord[] = [];
  const explicitIps = new Set<string>();
  (seed.servers ?? []).forEach((s, i) => {
    const where = `seed.servers[${i}] (${s.name})`;
    seedStep(where, () => serverName(s.name));
    if (store.findServer(s.name)) throw new SimConfigError(`${where}: the name is used twice`);
    const serverType = findByIdOrName(SERVER_TYPES, s.server_type ?? 'cx22');
    if (!serverType) throw new SimConfigError(`${where}: unknown server_type '${s.server_type}'; known: ${SERVER_TYPES.map((t) => t.name).join(', ')}`);
    const locationName = s.location ?? volumeLocation.get(s.name) ?? 'nbg1';
    const location = findByIdOrName(LOCATIONS, locationName);
    if (!location) throw new SimConfigError(`${where}: unknown location '${locationName}'; known: ${LOCATIONS.map((l) => l.name).join(', ')}`);
    const image = findByIdOrName(IMAGES, s.image ?? 'ubuntu-24.04');
    if (!image) throw new SimConfigError(`${where}: unknown image '${s.image}'; known: ${IMAGES.map((im) => im.name).join(', ')}`);
    let id: number;
    if (s.id !== undefined) {
      if (!Number.isInteger(s.id) || s.id < 1 || store.servers.has(s.id)) throw new SimConfigError(`${where}: id ${s.id} is not a free positive integer`);
      id = s.id;
      store.reserveId('server', id);
    } else {
      id = store.nextId('server');
    }
    if (s.public_ipv4 !== undefined) {
      if (parseIpv4(s.public_ipv4) === undefined) throw new SimConfigError(`${where}: public_ipv4 '${s.public_ipv4}' is not an IPv4 address`);
      if (explicitIps.has(s.public_ipv4)) throw new SimConfigError(`${where}: public_ipv4 ${s.public_ipv4} is used twice`);
      explicitIps.add(s.public_ipv4);
    }
    const status = s.status ?? 'running';
    if (status !== 'running' && status !== 'off') throw new SimConfigError(`${where}: status must be 'running' or 'off', got '${String(status)}'`);
    const server: ServerRecord = {
      id,
      name: s.name,
      status,
      created: s.created ?? seedTime(0, i),
      serverType,
      datacenter: datacenterOf(location),
      image,
      ipv4: s.public_ipv4 !== undefined ? { id: store.nextId('primary_ip'), ip: s.public_ipv4 } : null,
      ipv6: { id: store.nextId('primary_ip'), ip: ipv6For(id) },
      privateNets: [],
      labels: checkLabels(where, s.labels),
      protection: { delete: s.protection?.delete ?? false, rebuild: s.protection?.rebuild ?? s.protection?.delete ?? false },
      hasSshKeys: hasKeys,
    };
    store.servers.set(id, server);
    if (s.public_ipv4 === undefined) needIp.push(server);
    if (s.private_ipv4 !== undefined) {
      const network = networkFor(core, s.private_ipv4, location.network_zone, where);
      if (store.usedPrivateIps(network.id).has(s.private_ipv4)) throw new SimConfigError(`${where}: private_ipv4 ${s.private_ipv4} is used twice`);
      server.privateNets.push({ networkId: network.id, ip: s.private_ipv4, aliasIps: [], mac: macFor(id, network.id) });
    }
  });
  for (const server of needIp) server.ipv4 = { id: store.nextId('primary_ip'), ip: store.allocatePublicIpv4() };

  (seed.volumes ?? []).forEach((v, i) => {
    const where = `seed.volumes[${i}] (${v.name})`;
    seedStep(where, () => resourceName(v.name));
    if ([...store.volumes.values()].some((x) => x.name === v.name)) throw new SimConfigError(`${where}: the name is used twice`);
    if (!Number.isInteger(v.size) || v.size < MIN_VOLUME_GB || v.size > MAX_VOLUME_GB) {
      throw new SimConfigError(`${where}: size must be an integer from ${MIN_VOLUME_GB} to ${MAX_VOLUME_GB} GB, got ${v.size}`);
    }
    const server = v.server ? store.findServer(v.server) : undefined;
    if (v.server && !server) throw new SimConfigError(`${where}: server '${v.server}' is not in the seed`);
    const locationName = v.location ?? server?.datacenter.location.name ?? 'nbg1';
    const location = findByIdOrName(LOCATIONS, locationName);
    if (!location) throw new SimConfigError(`${where}: unknown location '${locationName}'`);
    if (server && server.datacenter.location.name !== location.name) {
      throw new SimConfigError(`${where}: the volume is in ${location.name} but server ${server.name} is in ${server.datacenter.location.name}`);
    }
    let id: number;
    if (v.id !== undefined) {
      if (store.volumes.has(v.id)) throw new SimConfigError(`${where}: id ${v.id} is used twice`);
      id = v.id;
      store.reserveId('volume', id);
    } else {
      id = store.nextId('volume');
    }
    store.volumes.set(id, {
      id,
      name: v.name,
      created: seedTime(1, i),
      size: v.size,
      location,
      serverId: server?.id ?? null,
      labels: checkLabels(where, v.labels),
      status: 'available',
      format: v.format ?? null,
      protection: { delete: v.protection?.delete ?? false },
    });
  });

  (seed.firewalls ?? []).forEach((f, i) => {
    const where = `seed.firewalls[${i}] (${f.name})`;
    const applyTo: unknown[] = [];
    for (const name of f.servers ?? []) {
      const server = store.findServer(name);
      if (!server) throw new SimConfigError(`${where}: server '${name}' is not in the seed`);
      applyTo.push({ type: 'server', server: { id: server.id } });
    }
    for (const selector of f.label_selectors ?? []) applyTo.push({ type: 'label_selector', label_selector: { selector } });
    const { firewall, actions } = seedStep(where, () => addFirewall(core, f.name, f.rules ?? [], applyTo, checkLabels(where, f.labels), seedTime(2, i)));
    // A seeded firewall is already applied: its actions are history, not work in progress.
    firewall.pending.clear();
    for (const a of actions) core.engine.actions.delete(a.id);
  });

  (seed.load_balancers ?? []).forEach((l, i) => {
    const where = `seed.load_balancers[${i}] (${l.name})`;
    const targets = (l.targets ?? []).map((name) => {
      const server = store.findServer(name);
      if (!server) throw new SimConfigError(`${where}: target server '${name}' is not in the seed`);
      return { type: 'server', server: { id: server.id } };
    });
    seedStep(where, () =>
      addLoadBalancer(
        core,
        {
          name: l.name,
          load_balancer_type: l.load_balancer_type ?? 'lb11',
          location: l.location ?? 'nbg1',
          labels: checkLabels(where, l.labels),
          services: l.services ?? [],
          targets,
        },
        seedTime(3, i),
      ),
    );
  });

  for (const server of store.servers.values()) if (server.status === 'running') core.setServerStatus(server, 'running');
}
