// Load balancer endpoints: list, get, create, update, delete, and the target, service, network, algorithm and protection actions.

import type { ResourceType } from '../action-engine.js';
import { findByIdOrName, LOAD_BALANCER_TYPES, LOCATIONS } from '../catalog.js';
import type { SimCore } from '../core.js';
import { ApiError, invalidField, notFound, notUnique, protectedError, referenceNotFound } from '../errors.js';
import { LabelSelectorError, parseLabelSelector } from '../label-selector.js';
import { parseIpv4 } from '../ipv4.js';
import { listAnswer } from '../listing.js';
import { loadBalancerJson } from '../render.js';
import type { RouteContext, RouteResult, Router } from '../router.js';
import type { LbService, LbTarget, LoadBalancerRecord } from '../store.js';
import { arr, bool, int, labels, obj, pathId, ref, resourceName, str } from '../validate.js';
import { registerResourceActionRoutes } from './actions.js';

function getLb(core: SimCore, raw: string | undefined): LoadBalancerRecord {
  const id = pathId(raw, 'load balancer');
  const lb = core.store.loadBalancers.get(id);
  if (!lb) throw notFound('load balancer', id);
  return lb;
}

function assertNameFree(core: SimCore, name: string, except?: number): void {
  for (const lb of core.store.loadBalancers.values()) {
    if (lb.name === name && lb.id !== except) throw notUnique('load balancer name is already used', 'name');
  }
}

function port(entry: Record<string, unknown>, field: string, fallback: number | undefined): number {
  const value = int(entry, field) ?? fallback;
  if (value === undefined) throw invalidField(field, 'Missing data for required field.');
  if (value < 1 || value > 65535) throw invalidField(field, 'must be between 1 and 65535');
  return value;
}

/** A service from a request body, with the API's defaults. */
export function parseService(entry: Record<string, unknown>, base?: LbService): LbService {
  const protocol = (str(entry, 'protocol') ?? base?.protocol) as LbService['protocol'] | undefined;
  if (protocol !== 'tcp' && protocol !== 'http' && protocol !== 'https') throw invalidField('protocol', "must be one of 'tcp', 'http', 'https'");
  const defaultListen = protocol === 'http' ? 80 : protocol === 'https' ? 443 : undefined;
  const listen = port(entry, 'listen_port', base?.listen_port ?? defaultListen);
  const destination = port(entry, 'destination_port', base?.destination_port ?? (protocol === 'tcp' ? listen : 80));
  const hc = obj(entry, 'health_check') ?? {};
  const baseHc = base?.health_check ?? {};
  const hcProtocol = str(hc, 'protocol') ?? (baseHc['protocol'] as string | undefined) ?? 'tcp';
  if (hcProtocol !== 'tcp' && hcProtocol !== 'http') throw invalidField('health_check.protocol', "must be 'tcp' or 'http'");
  const healthCheck: Record<string, unknown> = {
    protocol: hcProtocol,
    port: int(hc, 'port') ?? baseHc['port'] ?? destination,
    interval: int(hc, 'interval') ?? baseHc['interval'] ?? 15,
    timeout: int(hc, 'timeout') ?? baseHc['timeout'] ?? 10,
    retries: int(hc, 'retries') ?? baseHc['retries'] ?? 3,
  };
  if (hcProtocol === 'http') {
    const h = obj(hc, 'http') ?? {};
    const baseH = (baseHc['http'] ?? {}) as Record<string, unknown>;
    healthCheck['http'] = {
      domain: str(h, 'domain') ?? baseH['domain'] ?? null,
      path: str(h, 'path') ?? baseH['path'] ?? '/',
      response: str(h, 'response') ?? baseH['response'] ?? '',
      status_codes: arr(h, 'status_codes') ?? baseH['status_codes'] ?? ['2??', '3??'],
      tls: bool(h, 'tls') ?? baseH['tls'] ?? false,
    };
  }
  let http: Record<string, unknown> | null = null;
  if (protocol !== 'tcp') {
    const h = obj(entry, 'http') ?? {};
    const baseH = base?.http ?? {};
    http = {
      cookie_name: str(h, 'cookie_name') ?? baseH['cookie_name'] ?? 'HCLBSTICKY',
      cookie_lifetime: int(h, 'cookie_lifetime') ?? baseH['cookie_lifetime'] ?? 300,
      certificates: arr(h, 'certificates') ?? baseH['certificates'] ?? [],
      redirect_http: bool(h, 'redirect_http') ?? baseH['redirect_http'] ?? false,
      sticky_sessions: bool(h, 'sticky_sessions') ?? baseH['sticky_sessions'] ?? false,
      timeout_idle: int(h, 'timeout_idle') ?? baseH['timeout_idle'] ?? 50,
    };
  }
  return {
    protocol,
    listen_port: listen,
    destination_port: destination,
    proxyprotocol: bool(entry, 'proxyprotocol') ?? base?.proxyprotocol ?? false,
    health_check: healthCheck,
    http,
  };
}

/** A target from a request body. */
export function parseTarget(core: SimCore, lb: LoadBalancerRecord, entry: Record<string, unknown>, checkNetwork: boolean): LbTarget {
  const type = str(entry, 'type', true);
  const usePrivateIp = bool(entry, 'use_private_ip') ?? false;
  if (type === 'server') {
    const id = Number(obj(entry, 'server')?.['id']);
    const server = core.store.servers.get(id);
    if (!server) throw referenceNotFound('server');
    if (checkNetwork && usePrivateIp) {
      if (lb.privateNets.length === 0) {
        throw new ApiError('load_balancer_not_attached_to_network', 'the load balancer is not attached to a network', null, 422);
      }
      if (!server.privateNets.some((p) => lb.privateNets.some((q) => q.networkId === p.networkId))) {
        throw new ApiError('server_not_attached_to_network', 'the server is not attached to the network of the load balancer', null, 422);
      }
    }
    if (checkNetwork && !usePrivateIp && !server.ipv4) {
      throw new ApiError('missing_ipv4', 'the server has no public IPv4 address', null, 422);
    }
    return { type: 'server', serverId: id, usePrivateIp };
  }
  if (type === 'label_selector') {
    const selector = str(obj(entry, 'label_selector') ?? {}, 'selector', true);
    try {
      parseLabelSelector(selector);
    } catch (error) {
      if (error instanceof LabelSelectorError) throw invalidField('selector', error.message);
      throw error;
    }
    return { type: 'label_selector', selector, usePrivateIp };
  }
  if (type === 'ip') {
    const ip = str(obj(entry, 'ip') ?? {}, 'ip', true);
    if (parseIpv4(ip) === undefined) throw invalidField('ip', `invalid IP '${ip}'`);
    if ([...core.store.servers.values()].some((s) => s.ipv4?.ip === ip)) {
      throw new ApiError('cloud_resource_ip_not_allowed', 'the IP belongs to a Hetzner Cloud resource', null, 422);
    }
    return { type: 'ip', ip };
  }
  throw invalidField('type', "must be one of 'server', 'label_selector', 'ip'");
}

function sameTarget(a: LbTarget, b: LbTarget): boolean {
  if (a.type === 'server' && b.type === 'server') return a.serverId === b.serverId;
  if (a.type === 'label_selector' && b.type === 'label_selector') return a.selector === b.selector;
  if (a.type === 'ip' && b.type === 'ip') return a.ip === b.ip;
  return false;
}

function lbAction(core: SimCore, ctx: RouteContext): RouteResult {
  const lb = getLb(core, ctx.params['id']);
  const name = ctx.params['action'] ?? '';
  const body = ctx.body;
  const resources: Array<{ id: number; type: ResourceType }> = [{ id: lb.id, type: 'load_balancer' }];
  const done = (command: string, apply: () => void, locks = true, extra: typeof resources = []): RouteResult => {
    apply();
    const a = core.startAction({ command, resources: [...resources, ...extra], locks });
    return { status: 201, body: { action: core.engine.json(a) } };
  };
  if (name === 'change_protection') {
    const del = bool(body, 'delete');
    return done('change_protection', () => {
      if (del !== undefined) lb.protection = { delete: del };
    }, false);
  }
  core.assertUnlocked('load_balancer', lb.id);
  switch (name) {
    case 'add_target': {
      const target = parseTarget(core, lb, body, true);
      if (lb.targets.some((t) => sameTarget(t, target))) {
        throw new ApiError('target_already_defined', 'the target is already defined', null, 422);
      }
      if (lb.targets.length >= lb.lbType.max_targets) throw new ApiError('resource_limit_exceeded', 'target limit exceeded', null);
      return done('add_target', () => lb.targets.push(target));
    }
    case 'remove_target': {
      const target = parseTarget(core, lb, body, false);
      if (!lb.targets.some((t) => sameTarget(t, target))) throw invalidField('type', 'target not found');
      return done('remove_target', () => {
        lb.targets = lb.targets.filter((t) => !sameTarget(t, target));
      });
    }
    case 'add_service': {
      const service = parseService(body);
      if (lb.services.some((s) => s.listen_port === service.listen_port)) {
        throw new ApiError('source_port_already_used', `listen port ${service.listen_port} is already used`, null, 412);
      }
      if (lb.services.length >= lb.lbType.max_services) throw new ApiError('resource_limit_exceeded', 'service limit exceeded', null);
      return done('add_service', () => lb.services.push(service));
    }
    case 'update_service': {
      const listen = int(body, 'listen_port', true);
      const current = lb.services.find((s) => s.listen_port === listen);
      if (!current) throw invalidField('listen_port', `no service listens on port ${listen}`);
      const updated = parseService(body, current);
      return done('update_service', () => {
        lb.services = lb.services.map((s) => (s === current ? updated : s));
      });
    }
    case 'delete_service': {
      const listen = int(body, 'listen_port', true);
      if (!lb.services.some((s) => s.listen_port === listen)) throw invalidField('listen_port', `no service listens on port ${listen}`);
      return done('delete_service', () => {
        lb.services = lb.services.filter((s) => s.listen_port !== listen);
      });
    }
    case 'change_algorithm': {
      const type = str(body, 'type', true);
      if (type !== 'round_robin' && type !== 'least_connections') throw invalidField('type', "must be 'round_robin' or 'least_connections'");
      return done('change_algorithm', () => {
        lb.algorithm = type;
      });
    }
    case 'attach_to_network': {
      const networkId = Number(ref(body, 'network', true));
      const network = core.store.networks.get(networkId);
      if (!network) throw referenceNotFound('network');
      if (lb.privateNets.length > 0) throw new ApiError('load_balancer_already_attached', 'the load balancer is already attached to a network', null, 422);
      if (!network.subnets.some((s) => s.networkZone === lb.location.network_zone)) {
        throw new ApiError('no_subnet_available', 'no subnet of the network is in the network zone of the load balancer', null, 422);
      }
      const ip = str(body, 'ip') ?? core.store.allocatePrivateIp(network);
      if (ip === undefined) throw new ApiError('no_subnet_available', 'no IP is available in the network', null, 422);
      if (core.store.usedPrivateIps(networkId).has(ip)) throw new ApiError('ip_not_available', 'the IP is not available', null, 422);
      return done('attach_to_network', () => lb.privateNets.push({ networkId, ip }), true, [{ id: networkId, type: 'network' }]);
    }
    case 'detach_from_network': {
      const networkId = Number(ref(body, 'network', true));
      if (!lb.privateNets.some((p) => p.networkId === networkId)) {
        throw new ApiError('load_balancer_not_attached_to_network', 'the load balancer is not attached to the network', null, 422);
      }
      return done('detach_from_network', () => {
        lb.privateNets = lb.privateNets.filter((p) => p.networkId !== networkId);
      }, true, [{ id: networkId, type: 'network' }]);
    }
    case 'change_dns_ptr':
    case 'change_type':
    case 'disable_public_interface':
    case 'enable_public_interface':
      throw new ApiError('unsupported_error', `the simulator does not implement the load balancer action '${name}'`, null);
    default:
      throw new ApiError('not_found', 'not found', null);
  }
}

/** Create a load balancer record (used by routes and seeds). */
export function addLoadBalancer(core: SimCore, body: Record<string, unknown>, created: string): LoadBalancerRecord {
  const name = resourceName(str(body, 'name', true));
  const lbType = findByIdOrName(LOAD_BALANCER_TYPES, ref(body, 'load_balancer_type', true));
  if (!lbType) throw referenceNotFound('load balancer type');
  const locRef = ref(body, 'location');
  const zone = str(body, 'network_zone');
  let location = locRef === undefined ? undefined : findByIdOrName(LOCATIONS, locRef);
  if (locRef !== undefined && !location) throw referenceNotFound('location');
  if (!location && zone !== undefined) location = LOCATIONS.find((l) => l.network_zone === zone);
  if (!location) throw invalidField('location', 'one of location or network_zone must be provided');
  const algorithm = obj(body, 'algorithm');
  const algo = algorithm ? str(algorithm, 'type', true) : 'round_robin';
  if (algo !== 'round_robin' && algo !== 'least_connections') throw invalidField('algorithm', "must be 'round_robin' or 'least_connections'");
  assertNameFree(core, name);
  const lb: LoadBalancerRecord = {
    id: core.store.nextId('load_balancer'),
    name,
    created,
    lbType,
    location,
    algorithm: algo,
    services: [],
    targets: [],
    labels: labels(body) ?? {},
    protection: { delete: false },
    publicEnabled: bool(body, 'public_interface') ?? true,
    ipv4: core.store.allocatePublicIpv4(),
    ipv6: '',
    privateNets: [],
  };
  lb.ipv6 = `2001:db8:ffff:${(lb.id & 0xffff).toString(16)}::1`;
  const networkRef = ref(body, 'network');
  if (networkRef !== undefined) {
    const network = core.store.networks.get(Number(networkRef));
    if (!network) throw referenceNotFound('network');
    const ip = core.store.allocatePrivateIp(network);
    if (ip !== undefined) lb.privateNets.push({ networkId: network.id, ip });
  }
  for (const s of arr(body, 'services') ?? []) {
    const service = parseService((s ?? {}) as Record<string, unknown>);
    if (lb.services.some((x) => x.listen_port === service.listen_port)) {
      throw new ApiError('source_port_already_used', `listen port ${service.listen_port} is already used`, null, 412);
    }
    lb.services.push(service);
  }
  for (const t of arr(body, 'targets') ?? []) {
    const target = parseTarget(core, lb, (t ?? {}) as Record<string, unknown>, true);
    if (lb.targets.some((x) => sameTarget(x, target))) throw new ApiError('target_already_defined', 'the target is already defined', null, 422);
    lb.targets.push(target);
  }
  core.store.loadBalancers.set(lb.id, lb);
  return lb;
}

/** Register every `/load_balancers` route. */
export function registerLoadBalancerRoutes(router: Router, core: SimCore): void {
  const { store } = core;
  registerResourceActionRoutes(router, core, 'load_balancers', 'load_balancer', (id) => store.loadBalancers.has(id));
  router.on('GET', '/load_balancers', (ctx) =>
    listAnswer(ctx, {
      key: 'load_balancers',
      items: [...store.loadBalancers.values()],
      id: (lb) => lb.id,
      render: (lb) => loadBalancerJson(core, lb),
      sortFields: { name: (lb) => lb.name, created: (lb) => lb.created },
      name: (lb) => lb.name,
      labels: (lb) => lb.labels,
    }),
  );
  router.on('POST', '/load_balancers', (ctx) => {
    const lb = addLoadBalancer(core, ctx.body, core.nowIso());
    const a = core.startAction({ command: 'create_load_balancer', resources: [{ id: lb.id, type: 'load_balancer' }] });
    return { status: 201, body: { load_balancer: loadBalancerJson(core, lb), action: core.engine.json(a) } };
  });
  router.on('GET', '/load_balancers/:id', (ctx) => ({
    status: 200,
    body: { load_balancer: loadBalancerJson(core, getLb(core, ctx.params['id'])) },
  }));
  router.on('PUT', '/load_balancers/:id', (ctx) => {
    const lb = getLb(core, ctx.params['id']);
    const name = str(ctx.body, 'name');
    const newLabels = labels(ctx.body);
    if (name !== undefined) {
      resourceName(name);
      assertNameFree(core, name, lb.id);
      lb.name = name;
    }
    if (newLabels !== undefined) lb.labels = newLabels;
    return { status: 200, body: { load_balancer: loadBalancerJson(core, lb) } };
  });
  router.on('DELETE', '/load_balancers/:id', (ctx) => {
    const lb = getLb(core, ctx.params['id']);
    if (lb.protection.delete) throw protectedError('load balancer', 'delete');
    core.assertUnlocked('load_balancer', lb.id);
    store.loadBalancers.delete(lb.id);
    return { status: 204 };
  });
  router.on('POST', '/load_balancers/:id/actions/:action', (ctx) => lbAction(core, ctx));
}
