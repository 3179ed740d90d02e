// Server endpoints: list, get, create, update, delete and the power, rebuild, protection and network actions.

import { randomBytes } from 'node:crypto';
import type { ActionRecord } from '../action-engine.js';
import { DATACENTERS, datacenterOf, findByIdOrName, IMAGES, LOCATIONS, SERVER_TYPES, type DatacenterInfo } from '../catalog.js';
import type { SimCore } from '../core.js';
import { ApiError, invalidField, notFound, notUnique, protectedError, referenceNotFound } from '../errors.js';
import { cidrContains, parseCidr, parseIpv4 } from '../ipv4.js';
import { listAnswer } from '../listing.js';
import { serverJson } from '../render.js';
import type { RouteContext, RouteResult, Router } from '../router.js';
import type { ServerRecord } from '../store.js';
import type { ServerStatus } from '../types.js';
import { arr, bool, labels, obj, pathId, ref, serverName, str } from '../validate.js';
import { registerResourceActionRoutes } from './actions.js';

const STATUSES: readonly ServerStatus[] = ['running', 'initializing', 'starting', 'stopping', 'off', 'deleting', 'migrating', 'rebuilding', 'unknown'];

/** Server actions of the real API that the simulator does not implement (answered with `unsupported_error`). */
const UNIMPLEMENTED = new Set([
  'add_to_placement_group',
  'attach_iso',
  'change_alias_ips',
  'change_dns_ptr',
  'change_type',
  'create_image',
  'detach_iso',
  'disable_backup',
  'disable_rescue',
  'enable_backup',
  'enable_rescue',
  'remove_from_placement_group',
  'request_console',
  'reset_password',
]);

/** A root password as the API returns it (random; never logged). */
export function rootPassword(): string {
  return randomBytes(15).toString('base64url');
}

function getServer(core: SimCore, raw: string | undefined): ServerRecord {
  const id = pathId(raw, 'server');
  const server = core.store.servers.get(id);
  if (!server) throw notFound('server', id);
  return server;
}

function assertNameFree(core: SimCore, name: string, except?: number): void {
  for (const s of core.store.servers.values()) {
    if (s.name === name && s.id !== except) throw notUnique('server name is already used', 'name');
  }
}

function action(core: SimCore, a: ActionRecord): RouteResult {
  return { status: 201, body: { action: core.engine.json(a) } };
}

/** The MAC address of a server's private interface (deterministic). */
export function macFor(serverId: number, networkId: number): string {
  const bytes = [0x86, 0x00, (networkId >> 8) & 255, networkId & 255, (serverId >> 8) & 255, serverId & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Attach a server to a network (first free address, or `ip` when given). */
export function attachServerToNetwork(core: SimCore, server: ServerRecord, networkId: number, ip?: string): void {
  const network = core.store.networks.get(networkId);
  if (!network) throw referenceNotFound('network');
  if (server.privateNets.some((p) => p.networkId === networkId)) {
    throw new ApiError('server_already_attached', 'server is already attached to the network', null, 422);
  }
  const zone = server.datacenter.location.network_zone;
  if (!network.subnets.some((s) => s.networkZone === zone)) {
    throw new ApiError('no_subnet_available', `no subnet of the network is in network zone ${zone}`, null, 422);
  }
  let address = ip;
  if (address !== undefined) {
    const n = parseIpv4(address);
    const inSubnet = n !== undefined && network.subnets.some((s) => {
      const range = parseCidr(s.ipRange);
      return range !== undefined && cidrContains(range, n);
    });
    if (!inSubnet) throw invalidField('ip', `${address} is not in a subnet of the network`);
    if (core.store.usedPrivateIps(networkId).has(address)) throw new ApiError('ip_not_available', 'the IP is not available', null, 422);
  } else {
    address = core.store.allocatePrivateIp(network);
    if (address === undefined) throw new ApiError('no_subnet_available', 'no IP is available in the network', null, 422);
  }
  server.privateNets.push({ networkId, ip: address, aliasIps: [], mac: macFor(server.id, networkId) });
}

function pickDatacenter(body: Record<string, unknown>, typeLocations: readonly string[]): DatacenterInfo {
  const locRef = ref(body, 'location');
  const dcRef = ref(body, 'datacenter');
  if (locRef !== undefined && dcRef !== undefined) throw invalidField('datacenter', 'location and datacenter are mutually exclusive');
  if (dcRef !== undefined) {
    const dc = findByIdOrName(DATACENTERS, dcRef);
    if (!dc) throw referenceNotFound('datacenter');
    return dc;
  }
  if (locRef !== undefined) {
    const location = findByIdOrName(LOCATIONS, locRef);
    if (!location) throw referenceNotFound('location');
    return datacenterOf(location);
  }
  const dc = DATACENTERS.find((d) => typeLocations.includes(d.location.name));
  if (!dc) throw new ApiError('resource_unavailable', 'server type is not available in any location', null);
  return dc;
}

function createServer(core: SimCore, body: Record<string, unknown>): RouteResult {
  const { store } = core;
  const name = serverName(str(body, 'name', true));
  const serverType = findByIdOrName(SERVER_TYPES, ref(body, 'server_type', true));
  if (!serverType) throw referenceNotFound('server type');
  const image = findByIdOrName(IMAGES, ref(body, 'image', true));
  if (!image) throw referenceNotFound('image');
  const datacenter = pickDatacenter(body, serverType.locations);
  if (!serverType.locations.includes(datacenter.location.name)) {
    throw new ApiError('resource_unavailable', `server type ${serverType.name} is unavailable in ${datacenter.location.name}`, null);
  }
  const userData = str(body, 'user_data');
  if (userData !== undefined && Buffer.byteLength(userData) > 32 * 1024) throw invalidField('user_data', 'is too long');
  const sshKeys = (arr(body, 'ssh_keys') ?? []).map((r) => {
    const key =
      typeof r === 'number' || (typeof r === 'string' && /^\d+$/.test(r))
        ? store.sshKeys.get(Number(r))
        : [...store.sshKeys.values()].find((k) => k.name === r);
    if (!key) throw referenceNotFound('ssh key');
    return key;
  });
  const volumes = (arr(body, 'volumes') ?? []).map((r) => {
    const volume = store.volumes.get(Number(r));
    if (!volume) throw referenceNotFound('volume');
    if (volume.serverId !== null) throw new ApiError('volume_already_attached', `volume ${volume.id} is already attached to a server`, null, 422);
    if (volume.location.name !== datacenter.location.name) throw invalidField('volumes', `volume ${volume.id} is in another location`);
    core.assertUnlocked('volume', volume.id);
    return volume;
  });
  const networks = (arr(body, 'networks') ?? []).map((r) => {
    const network = store.networks.get(Number(r));
    if (!network) throw referenceNotFound('network');
    return network;
  });
  const firewalls = (arr(body, 'firewalls') ?? []).map((entry) => {
    const id = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['firewall'] : entry;
    const fw = store.firewalls.get(Number(id));
    if (!fw) throw referenceNotFound('firewall');
    return fw;
  });
  const serverLabels = labels(body) ?? {};
  const startAfterCreate = bool(body, 'start_after_create') ?? true;
  const publicNet = obj(body, 'public_net') ?? {};
  const enableIpv4 = bool(publicNet, 'enable_ipv4') ?? true;
  const enableIpv6 = bool(publicNet, 'enable_ipv6') ?? true;
  assertNameFree(core, name);

  const id = store.nextId('server');
  const server: ServerRecord = {
    id,
    name,
    status: 'initializing',
    created: core.nowIso(),
    serverType,
    datacenter,
    image,
    ipv4: enableIpv4 ? { id: store.nextId('primary_ip'), ip: store.allocatePublicIpv4() } : null,
    ipv6: enableIpv6 ? { id: store.nextId('primary_ip'), ip: ipv6For(id) } : null,
    privateNets: [],
    labels: serverLabels,
    protection: { delete: false, rebuild: false },
    hasSshKeys: sshKeys.length > 0,
  };
  store.servers.set(id, server);
  try {
    for (const network of networks) attachServerToNetwork(core, server, network.id);
  } catch (error) {
    store.servers.delete(id);
    throw error;
  }
  for (const volume of volumes) volume.serverId = id;
  for (const fw of firewalls) fw.appliedTo.push({ type: 'server', serverId: id });

  const resources = [{ id, type: 'server' as const }];
  const create = core.startAction({
    command: 'create_server',
    resources,
    onSuccess: () => {
      if (!startAfterCreate) core.setServerStatus(server, 'off');
    },
    onError: () => core.setServerStatus(server, 'off'),
  });
  const next = startAfterCreate
    ? [
        core.startAction({
          command: 'start_server',
          resources,
          after: create,
          onStart: () => core.setServerStatus(server, 'starting'),
          onSuccess: () => core.setServerStatus(server, 'running'),
          onError: () => core.setServerStatus(server, 'off'),
        }),
      ]
    : [];
  return {
    status: 201,
    body: {
      server: serverJson(core, server),
      action: core.engine.json(create),
      next_actions: next.map((a) => core.engine.json(a)),
      root_password: server.hasSshKeys ? null : rootPassword(),
    },
  };
}

/** A documentation-prefix IPv6 /64 for a server. */
export function ipv6For(id: number): string {
  return `2001:db8:${(id >>> 16).toString(16)}:${(id & 0xffff).toString(16)}::/64`;
}

function powerAction(core: SimCore, s: ServerRecord, kind: string): RouteResult {
  core.assertUnlocked('server', s.id);
  const resources = [{ id: s.id, type: 'server' as const }];
  const isOff = s.status === 'off';
  switch (kind) {
    case 'poweron':
    case 'reset':
      if (isOff) {
        return action(
          core,
          core.startAction({
            command: kind === 'poweron' ? 'start_server' : 'reset_server',
            resources,
            onStart: () => core.setServerStatus(s, 'starting'),
            onSuccess: () => core.setServerStatus(s, 'running'),
            onError: () => core.setServerStatus(s, 'off'),
          }),
        );
      }
      if (kind === 'poweron') return action(core, core.startAction({ command: 'start_server', resources, durationSec: 1 }));
      return action(core, restartAction(core, s, 'reset_server'));
    case 'reboot':
      if (isOff) return action(core, core.startAction({ command: 'reboot_server', resources, durationSec: 1 }));
      return action(core, restartAction(core, s, 'reboot_server'));
    default: {
      const command = kind === 'poweroff' ? 'stop_server' : 'shutdown_server';
      if (isOff) return action(core, core.startAction({ command, resources, durationSec: 1 }));
      const before = s.status;
      return action(
        core,
        core.startAction({
          command,
          resources,
          onStart: () => core.setServerStatus(s, 'stopping'),
          onSuccess: () => core.setServerStatus(s, 'off'),
          onError: () => core.setServerStatus(s, before),
        }),
      );
    }
  }
}

function restartAction(core: SimCore, s: ServerRecord, command: string): ActionRecord {
  return core.startAction({
    command,
    resources: [{ id: s.id, type: 'server' }],
    onStart: () => core.ssh.down(s.id),
    onSuccess: () => core.setServerStatus(s, 'running'),
    onError: () => core.setServerStatus(s, 'off'),
  });
}

function rebuild(core: SimCore, s: ServerRecord, body: Record<string, unknown>): RouteResult {
  if (s.protection.rebuild) throw protectedError('server', 'rebuild');
  core.assertUnlocked('server', s.id);
  const image = findByIdOrName(IMAGES, ref(body, 'image', true));
  if (!image) throw referenceNotFound('image');
  s.pendingImage = image;
  const a = core.startAction({
    command: 'rebuild_server',
    resources: [{ id: s.id, type: 'server' }],
    onStart: () => core.setServerStatus(s, 'rebuilding'),
    onSuccess: () => {
      s.image = s.pendingImage ?? s.image;
      s.pendingImage = undefined;
      core.setServerStatus(s, 'running');
    },
    onError: () => {
      s.pendingImage = undefined;
      core.setServerStatus(s, 'off');
    },
  });
  return { status: 201, body: { action: core.engine.json(a), root_password: s.hasSshKeys ? null : rootPassword() } };
}

function changeProtection(core: SimCore, s: ServerRecord, body: Record<string, unknown>): RouteResult {
  const del = bool(body, 'delete');
  const reb = bool(body, 'rebuild');
  if (del !== undefined && reb !== undefined && del !== reb) {
    throw invalidField('rebuild', 'delete and rebuild protection need to have the same value');
  }
  const value = del ?? reb;
  if (value !== undefined) s.protection = { delete: value, rebuild: value };
  return action(core, core.startAction({ command: 'change_protection', resources: [{ id: s.id, type: 'server' }], locks: false }));
}

function serverAction(core: SimCore, ctx: RouteContext): RouteResult {
  const s = getServer(core, ctx.params['id']);
  const name = ctx.params['action'] ?? '';
  switch (name) {
    case 'poweron':
    case 'poweroff':
    case 'shutdown':
    case 'reboot':
    case 'reset':
      return powerAction(core, s, name);
    case 'rebuild':
      return rebuild(core, s, ctx.body);
    case 'change_protection':
      return changeProtection(core, s, ctx.body);
    case 'attach_to_network': {
      core.assertUnlocked('server', s.id);
      const networkId = Number(ref(ctx.body, 'network', true));
      attachServerToNetwork(core, s, networkId, str(ctx.body, 'ip'));
      const resources = [{ id: s.id, type: 'server' as const }, { id: networkId, type: 'network' as const }];
      return action(core, core.startAction({ command: 'attach_to_network', resources }));
    }
    case 'detach_from_network': {
      core.assertUnlocked('server', s.id);
      const networkId = Number(ref(ctx.body, 'network', true));
      if (!s.privateNets.some((p) => p.networkId === networkId)) {
        throw new ApiError('server_not_attached_to_network', 'server is not attached to the network', null, 422);
      }
      s.privateNets = s.privateNets.filter((p) => p.networkId !== networkId);
      const resources = [{ id: s.id, type: 'server' as const }, { id: networkId, type: 'network' as const }];
      return action(core, core.startAction({ command: 'detach_from_network', resources }));
    }
    default:
      if (UNIMPLEMENTED.has(name)) {
        throw new ApiError('unsupported_error', `the simulator does not implement the server action '${name}'`, null);
      }
      throw new ApiError('not_found', 'not found', null);
  }
}

/** Register every `/servers` route. */
export function registerServerRoutes(router: Router, core: SimCore): void {
  const { store } = core;
  registerResourceActionRoutes(router, core, 'servers', 'server', (id) => store.servers.has(id));
  router.on('GET', '/servers', (ctx) => {
    for (const st of ctx.query.getAll('status').flatMap((v) => v.split(','))) {
      if (st !== '' && !STATUSES.includes(st as ServerStatus)) throw invalidField('status', `invalid value '${st}'`);
    }
    return listAnswer(ctx, {
      key: 'servers',
      items: [...store.servers.values()],
      id: (s) => s.id,
      render: (s) => serverJson(core, s),
      sortFields: { name: (s) => s.name, created: (s) => s.created },
      name: (s) => s.name,
      labels: (s) => s.labels,
      filters: { status: (s, values) => values.includes(s.status) },
    });
  });
  router.on('POST', '/servers', (ctx) => createServer(core, ctx.body));
  router.on('GET', '/servers/:id', (ctx) => ({ status: 200, body: { server: serverJson(core, getServer(core, ctx.params['id'])) } }));
  router.on('PUT', '/servers/:id', (ctx) => {
    const s = getServer(core, ctx.params['id']);
    const name = str(ctx.body, 'name');
    const newLabels = labels(ctx.body);
    if (name !== undefined) {
      serverName(name);
      assertNameFree(core, name, s.id);
      s.name = name;
    }
    if (newLabels !== undefined) s.labels = newLabels;
    return { status: 200, body: { server: serverJson(core, s) } };
  });
  router.on('DELETE', '/servers/:id', (ctx) => {
    const s = getServer(core, ctx.params['id']);
    if (s.protection.delete) throw protectedError('server', 'delete');
    core.assertUnlocked('server', s.id);
    const a = core.startAction({
      command: 'delete_server',
      resources: [{ id: s.id, type: 'server' }],
      onStart: () => core.setServerStatus(s, 'deleting'),
      onSuccess: () => core.removeServer(s),
    });
    return { status: 200, body: { action: core.engine.json(a) } };
  });
  router.on('POST', '/servers/:id/actions/:action', (ctx) => serverAction(core, ctx));
}
