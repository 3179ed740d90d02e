// Network endpoints: list, get, create, update, delete, and add_subnet, delete_subnet, add_route, delete_route, change_protection.

import { LOCATIONS } from '../catalog.js';
import type { SimCore } from '../core.js';
import { ApiError, invalidField, notFound, notUnique, protectedError } from '../errors.js';
import { cidrContains, cidrInside, cidrOverlap, formatCidr, formatIpv4, parseCidr, parseIpv4 } from '../ipv4.js';
import { listAnswer } from '../listing.js';
import { networkJson } from '../render.js';
import type { RouteContext, RouteResult, Router } from '../router.js';
import type { NetworkRecord, SubnetRecord } from '../store.js';
import { arr, bool, labels, pathId, resourceName, str } from '../validate.js';
import { registerResourceActionRoutes } from './actions.js';

const ZONES = new Set(LOCATIONS.map((l) => l.network_zone));
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((r) => parseCidr(r));

function getNetwork(core: SimCore, raw: string | undefined): NetworkRecord {
  const id = pathId(raw, 'network');
  const network = core.store.networks.get(id);
  if (!network) throw notFound('network', id);
  return network;
}

function assertNameFree(core: SimCore, name: string, except?: number): void {
  for (const n of core.store.networks.values()) {
    if (n.name === name && n.id !== except) throw notUnique('network name is already used', 'name');
  }
}

/** Build a subnet for a network from a request entry (first free /24 when no range is given). */
export function makeSubnet(network: { ipRange: string; subnets: SubnetRecord[] }, entry: Record<string, unknown>): SubnetRecord {
  const type = str(entry, 'type', true);
  if (type !== 'cloud' && type !== 'server') throw invalidField('type', "must be one of 'cloud', 'server' (vswitch subnets are not simulated)");
  const zone = str(entry, 'network_zone', true);
  if (!ZONES.has(zone)) throw invalidField('network_zone', `unknown network zone '${zone}'`);
  const outer = parseCidr(network.ipRange);
  if (!outer) throw invalidField('ip_range', 'invalid network range');
  const taken = network.subnets.map((s) => parseCidr(s.ipRange)).filter((c) => c !== undefined);
  let range = str(entry, 'ip_range');
  if (range === undefined) {
    const size = 256;
    for (let base = outer.base; base + size <= outer.base + outer.size; base += size) {
      const candidate = { base, prefix: 24, size };
      if (!taken.some((t) => cidrOverlap(t, candidate))) {
        range = formatCidr(candidate);
        break;
      }
    }
    if (range === undefined) throw new ApiError('no_subnet_available', 'no /24 subnet is free in the network', null, 422);
  }
  const inner = parseCidr(range);
  if (!inner) throw invalidField('ip_range', `invalid subnet range '${range}'`);
  if (!cidrInside(outer, inner)) throw invalidField('ip_range', `subnet ${range} is not inside ${network.ipRange}`);
  if (taken.some((t) => cidrOverlap(t, inner))) throw invalidField('ip_range', `subnet ${range} overlaps another subnet`);
  return { type, ipRange: range, networkZone: zone, gateway: formatIpv4(outer.base + 1) };
}

/** Check a network range: valid, private (RFC 1918), at least /24. */
export function checkNetworkRange(range: string): void {
  const cidr = parseCidr(range);
  if (!cidr || cidr.prefix > 24 || !PRIVATE_RANGES.some((p) => p && cidrInside(p, cidr))) {
    throw invalidField('ip_range', 'must be a private (RFC 1918) range of size /24 or larger');
  }
}

function assertNoChange(core: SimCore, network: NetworkRecord): void {
  const running = core.engine.lockOf('network', network.id);
  if (running) throw new ApiError('conflict', 'the network is being changed, please retry', null);
}

function networkAction(core: SimCore, ctx: RouteContext): RouteResult {
  const network = getNetwork(core, ctx.params['id']);
  const name = ctx.params['action'] ?? '';
  const resources = [{ id: network.id, type: 'network' as const }];
  const done = (command: string, locks = true): RouteResult => ({
    status: 201,
    body: { action: core.engine.json(core.startAction({ command, resources, locks })) },
  });
  if (name === 'change_protection') {
    const del = bool(ctx.body, 'delete');
    if (del !== undefined) network.protection = { delete: del };
    return done('change_protection', false);
  }
  assertNoChange(core, network);
  switch (name) {
    case 'add_subnet':
      network.subnets.push(makeSubnet(network, ctx.body));
      return done('add_subnet');
    case 'delete_subnet': {
      const range = str(ctx.body, 'ip_range', true);
      const subnet = network.subnets.find((s) => s.ipRange === range);
      if (!subnet) throw invalidField('ip_range', `subnet ${range} not found`);
      const cidr = parseCidr(range);
      const inUse = [...core.store.servers.values()].some((s) =>
        s.privateNets.some((p) => p.networkId === network.id && cidr !== undefined && cidrContains(cidr, parseIpv4(p.ip) ?? -1)),
      );
      if (inUse) throw new ApiError('service_error', `subnet ${range} has attached resources; detach them first`, null);
      network.subnets = network.subnets.filter((s) => s !== subnet);
      return done('delete_subnet');
    }
    case 'add_route': {
      const destination = str(ctx.body, 'destination', true);
      const gateway = str(ctx.body, 'gateway', true);
      if (!parseCidr(destination)) throw invalidField('destination', 'invalid range');
      if (parseIpv4(gateway) === undefined) throw invalidField('gateway', 'invalid IP');
      network.routes.push({ destination, gateway });
      return done('add_route');
    }
    case 'delete_route': {
      const destination = str(ctx.body, 'destination', true);
      const gateway = str(ctx.body, 'gateway', true);
      const before = network.routes.length;
      network.routes = network.routes.filter((r) => !(r.destination === destination && r.gateway === gateway));
      if (network.routes.length === before) throw invalidField('destination', 'route not found');
      return done('delete_route');
    }
    default:
      throw new ApiError('not_found', 'not found', null);
  }
}

/** Create a network record (used by routes and seeds). */
export function addNetwork(
  core: SimCore,
  name: string,
  ipRange: string,
  subnets: Array<Record<string, unknown>>,
  netLabels: Record<string, string>,
  created: string,
): NetworkRecord {
  resourceName(name);
  checkNetworkRange(ipRange);
  assertNameFree(core, name);
  const network: NetworkRecord = {
    id: core.store.nextId('network'),
    name,
    ipRange,
    subnets: [],
    routes: [],
    labels: netLabels,
    protection: { delete: false },
    created,
    exposeRoutesToVswitch: false,
  };
  for (const entry of subnets) network.subnets.push(makeSubnet(network, entry));
  core.store.networks.set(network.id, network);
  return network;
}

/** Register every `/networks` route. */
export function registerNetworkRoutes(router: Router, core: SimCore): void {
  const { store } = core;
  registerResourceActionRoutes(router, core, 'networks', 'network', (id) => store.networks.has(id));
  router.on('GET', '/networks', (ctx) =>
    listAnswer(ctx, {
      key: 'networks',
      items: [...store.networks.values()],
      id: (n) => n.id,
      render: (n) => networkJson(core, n),
      sortFields: { name: (n) => n.name, created: (n) => n.created },
      name: (n) => n.name,
      labels: (n) => n.labels,
    }),
  );
  router.on('POST', '/networks', (ctx) => {
    const name = str(ctx.body, 'name', true);
    const ipRange = str(ctx.body, 'ip_range', true);
    const subnets = (arr(ctx.body, 'subnets') ?? []).map((s, i) => {
      if (typeof s !== 'object' || s === null) throw invalidField(`subnets[${i}]`, 'Not a valid object.');
      return s as Record<string, unknown>;
    });
    const routes = (arr(ctx.body, 'routes') ?? []).map((r) => {
      const route = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
      return { destination: str(route, 'destination', true), gateway: str(route, 'gateway', true) };
    });
    const network = addNetwork(core, name, ipRange, subnets, labels(ctx.body) ?? {}, core.nowIso());
    network.routes = routes;
    network.exposeRoutesToVswitch = bool(ctx.body, 'expose_routes_to_vswitch') ?? false;
    return { status: 201, body: { network: networkJson(core, network) } };
  });
  router.on('GET', '/networks/:id', (ctx) => ({ status: 200, body: { network: networkJson(core, getNetwork(core, ctx.params['id'])) } }));
  router.on('PUT', '/networks/:id', (ctx) => {
    const network = getNetwork(core, ctx.params['id']);
    assertNoChange(core, network);
    const name = str(ctx.body, 'name');
    const newLabels = labels(ctx.body);
    const expose = bool(ctx.body, 'expose_routes_to_vswitch');
    if (name !== undefined) {
      resourceName(name);
      assertNameFree(core, name, network.id);
      network.name = name;
    }
    if (newLabels !== undefined) network.labels = newLabels;
    if (expose !== undefined) network.exposeRoutesToVswitch = expose;
    return { status: 200, body: { network: networkJson(core, network) } };
  });
  router.on('DELETE', '/networks/:id', (ctx) => {
    const network = getNetwork(core, ctx.params['id']);
    if (network.protection.delete) throw protectedError('network', 'delete');
    assertNoChange(core, network);
    for (const s of store.servers.values()) s.privateNets = s.privateNets.filter((p) => p.networkId !== network.id);
    for (const lb of store.loadBalancers.values()) lb.privateNets = lb.privateNets.filter((p) => p.networkId !== network.id);
    store.networks.delete(network.id);
    return { status: 204 };
  });
  router.on('POST', '/networks/:id/actions/:action', (ctx) => networkAction(core, ctx));
}
