// A small fake of the Hetzner Cloud API for the client and module tests: documented shapes, status codes, error bodies,
// pagination, RateLimit-* headers with a refilling bucket, actions that take time, `locked` while an action runs,
// and a log of every request. It listens on 127.0.0.1, port 0.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type Json = Record<string, any>;

/** One request as the fake saw it. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  authorization: string | undefined;
  status: number;
}

/** Options of the fake. */
export interface FakeOptions {
  token?: string;
  /** Bucket size (RateLimit-Limit); default 3600. */
  rateLimit?: number;
  /** Requests refilled per second; default 1 (the real API's 3600/h). */
  refillPerSecond?: number;
  /** How long actions run, per command (ms); default 40. */
  actionMs?: number | Record<string, number>;
  /** Delay before answering each request (ms); default 0. */
  latencyMs?: number;
}

interface Fault {
  match: (method: string, path: string) => boolean;
  status: number;
  code: string;
  message: string;
  /** Close the socket instead of answering. */
  drop?: boolean;
}

const LOCATIONS: Json[] = [
  { id: 1, name: 'fsn1', description: 'Falkenstein DC Park 1', country: 'DE', city: 'Falkenstein', network_zone: 'eu-central' },
  { id: 2, name: 'nbg1', description: 'Nuremberg DC Park 1', country: 'DE', city: 'Nuremberg', network_zone: 'eu-central' },
  { id: 3, name: 'hel1', description: 'Helsinki DC Park 1', country: 'FI', city: 'Helsinki', network_zone: 'eu-central' },
];
const SERVER_TYPES: Json[] = [
  { id: 22, name: 'cx22', cores: 2, memory: 4, disk: 40, architecture: 'x86' },
  { id: 23, name: 'cx32', cores: 4, memory: 8, disk: 80, architecture: 'x86' },
];
const IMAGES: Json[] = [
  { id: 114690387, name: 'debian-12', description: 'Debian 12', type: 'system', os_flavor: 'debian', architecture: 'x86', deprecated: null },
  { id: 161547269, name: 'ubuntu-24.04', description: 'Ubuntu 24.04', type: 'system', os_flavor: 'ubuntu', architecture: 'x86', deprecated: null },
];

/** The fake API. */
export class FakeHcloud {
  readonly token: string;
  readonly requests: LoggedRequest[] = [];
  /** The `id` lists of every GET /actions poll. */
  readonly actionPolls: number[][] = [];
  /** Most GET /actions requests in flight at once. */
  maxActionPollsInFlight = 0;
  /** Requests answered 429. */
  rejected429 = 0;
  url = '';

  readonly servers = new Map<number, Json>();
  readonly volumes = new Map<number, Json>();
  readonly networks = new Map<number, Json>();
  readonly firewalls = new Map<number, Json>();
  readonly sshKeys = new Map<number, Json>();
  readonly loadBalancers = new Map<number, Json>();
  readonly certificates = new Map<number, Json>([[900, { id: 900, name: 'web-cert', type: 'managed' }]]);
  readonly actions = new Map<number, Json>();

  readonly #options: Required<Omit<FakeOptions, 'token'>>;
  readonly #http: HttpServer;
  readonly #sockets = new Set<Socket>();
  readonly #faults: Fault[] = [];
  #nextId = 1000;
  #tokens: number;
  #refilledAt = Date.now();
  #actionPollsInFlight = 0;
  /** Resources with a running action (`server:12`), answered `locked` for new actions. */
  readonly #busy = new Map<string, number>();

  constructor(options: FakeOptions = {}) {
    this.token = options.token ?? 'fake-token';
    this.#options = { rateLimit: options.rateLimit ?? 3600, refillPerSecond: options.refillPerSecond ?? 1, actionMs: options.actionMs ?? 40, latencyMs: options.latencyMs ?? 0 };
    this.#tokens = this.#options.rateLimit;
    this.#http = createServer((req, res) => void this.#handle(req, res));
    this.#http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts listening; returns the endpoint URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#http.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}/v1`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  /** Non-GET requests seen. */
  writes(): LoggedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  clearLog(): void {
    this.requests.length = 0;
    this.actionPolls.length = 0;
    this.maxActionPollsInFlight = 0;
    this.rejected429 = 0;
  }

  /** Makes the next `count` matching requests fail with an API error (or a dropped connection). */
  fail(count: number, fault: Omit<Fault, 'match'> & { method?: string; path?: RegExp }): void {
    for (let i = 0; i < count; i++) {
      this.#faults.push({
        ...fault,
        match: (method, path) => (fault.method === undefined || fault.method === method) && (fault.path === undefined || fault.path.test(path)),
      });
    }
  }

  /** Makes actions of this command end with an error. */
  failActions(command: string, code: string, message: string): void {
    this.#actionFailures.set(command, { code, message });
  }
  readonly #actionFailures = new Map<string, { code: string; message: string }>();

  /** Keeps actions of this command running forever. */
  hangActions(command: string): void {
    this.#hanging.add(command);
  }
  readonly #hanging = new Set<string>();

  // ---- seeding -------------------------------------------------------------------------------------------------

  addServer(fields: { name: string; status?: string; labels?: Json; location?: string; server_type?: string; image?: string; private_net?: Json[]; protection?: Json }): Json {
    const id = this.#id();
    const location = LOCATIONS.find((l) => l.name === (fields.location ?? 'nbg1'))!;
    const server: Json = {
      id,
      name: fields.name,
      status: fields.status ?? 'running',
      created: new Date().toISOString(),
      public_net: {
        ipv4: { id: id + 1, ip: `203.0.113.${id % 250}`, blocked: false, dns_ptr: `static.${id}.example.com` },
        ipv6: { id: id + 2, ip: `2a01:4f8:c0c:${id.toString(16)}::/64`, blocked: false, dns_ptr: [] },
        floating_ips: [],
        firewalls: [],
      },
      private_net: fields.private_net ?? [],
      server_type: SERVER_TYPES.find((t) => t.name === (fields.server_type ?? 'cx22')),
      datacenter: { id: location.id, name: `${location.name}-dc3`, location },
      location,
      image: IMAGES.find((i) => i.name === (fields.image ?? 'debian-12')),
      iso: null,
      rescue_enabled: false,
      locked: false,
      backup_window: null,
      outgoing_traffic: 0,
      ingoing_traffic: 0,
      included_traffic: 21990232555520,
      protection: fields.protection ?? { delete: false, rebuild: false },
      labels: fields.labels ?? {},
      volumes: [],
      load_balancers: [],
      primary_disk_size: 40,
      placement_group: null,
    };
    this.servers.set(id, server);
    return server;
  }

  addVolume(fields: { name: string; size?: number; server?: number | null; location?: string; labels?: Json }): Json {
    const id = this.#id();
    const location = LOCATIONS.find((l) => l.name === (fields.location ?? 'nbg1'))!;
    const volume: Json = {
      id,
      name: fields.name,
      server: fields.server ?? null,
      status: 'available',
      location,
      size: fields.size ?? 10,
      format: 'ext4',
      linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${id}`,
      protection: { delete: false },
      labels: fields.labels ?? {},
      created: new Date().toISOString(),
    };
    this.volumes.set(id, volume);
    if (volume['server'] !== null) this.servers.get(volume['server'])?.['volumes'].push(id);
    return volume;
  }

  addNetwork(fields: { name: string; ip_range?: string; subnets?: Json[] }): Json {
    const id = this.#id();
    const network: Json = {
      id,
      name: fields.name,
      ip_range: fields.ip_range ?? '10.0.0.0/16',
      subnets: fields.subnets ?? [],
      routes: [],
      servers: [],
      load_balancers: [],
      protection: { delete: false },
      labels: {},
      expose_routes_to_vswitch: false,
      created: new Date().toISOString(),
    };
    this.networks.set(id, network);
    return network;
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------

  #id(): number {
    return this.#nextId++;
  }

  #refill(): void {
    const now = Date.now();
    const add = ((now - this.#refilledAt) / 1000) * this.#options.refillPerSecond;
    this.#tokens = Math.min(this.#options.rateLimit, this.#tokens + add);
    this.#refilledAt = now;
  }

  #rateHeaders(): Record<string, string> {
    const remaining = Math.floor(this.#tokens);
    const secondsToFull = (this.#options.rateLimit - this.#tokens) / this.#options.refillPerSecond;
    return {
      'ratelimit-limit': String(this.#options.rateLimit),
      'ratelimit-remaining': String(remaining),
      'ratelimit-reset': String(Math.ceil(Date.now() / 1000 + secondsToFull)),
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/v1/, '');
    const method = req.method ?? 'GET';
    const entry: LoggedRequest = { method, path, query: url.searchParams, body: text ? safeJson(text) : undefined, authorization: req.headers.authorization, status: 0 };
    this.requests.push(entry);
    const isPoll = method === 'GET' && path === '/actions';
    if (isPoll) {
      this.#actionPollsInFlight++;
      this.maxActionPollsInFlight = Math.max(this.maxActionPollsInFlight, this.#actionPollsInFlight);
      this.actionPolls.push(url.searchParams.getAll('id').map(Number));
    }
    const send = (status: number, body?: unknown) => {
      entry.status = status;
      if (isPoll) this.#actionPollsInFlight--;
      const payload = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'x-correlation-id': `fake-${this.requests.length}`, ...this.#rateHeaders() });
      res.end(payload);
    };
    const error = (status: number, code: string, message: string, details: unknown = {}) => send(status, { error: { code, message, details } });
    try {
      if (this.#options.latencyMs > 0) await new Promise((r) => setTimeout(r, this.#options.latencyMs));
      if (req.headers.authorization !== `Bearer ${this.token}`) return error(401, 'unauthorized', 'unable to authenticate');
      this.#refill();
      if (this.#tokens < 1) {
        this.rejected429++;
        return error(429, 'rate_limit_exceeded', 'limit of 3600 requests per hour reached');
      }
      this.#tokens -= 1;
      const fault = this.#faults.findIndex((f) => f.match(method, path));
      if (fault >= 0) {
        const [f] = this.#faults.splice(fault, 1);
        if (f!.drop) {
          if (isPoll) this.#actionPollsInFlight--;
          entry.status = -1;
          req.socket.destroy();
          return;
        }
        return error(f!.status, f!.code, f!.message);
      }
      const answer = this.#route(method, path, url.searchParams, entry.body ?? {});
      return send(answer.status, answer.body);
    } catch (thrown) {
      if (thrown instanceof ApiFailure) return error(thrown.status, thrown.code, thrown.message, thrown.details);
      return error(500, 'server_error', String(thrown));
    }
  }

  #route(method: string, path: string, query: URLSearchParams, body: Json): { status: number; body?: unknown } {
    const parts = path.split('/').filter(Boolean);
    const [collection, idText, actionsWord, command] = parts;
    const id = idText === undefined ? undefined : Number(idText);
    const ok = (payload: unknown, status = 200) => ({ status, body: payload });
    switch (collection) {
      case 'actions':
        if (id !== undefined) return ok({ action: this.#action(id) });
        return this.#list(
          'actions',
          query.getAll('id').map(Number).map((i) => this.actions.get(i)).filter(Boolean) as Json[],
          query,
        );
      case 'locations':
        return id === undefined ? this.#list('locations', byName(LOCATIONS, query), query) : ok({ location: found(LOCATIONS.find((l) => l.id === id), 'location') });
      case 'server_types':
        return id === undefined ? this.#list('server_types', byName(SERVER_TYPES, query), query) : ok({ server_type: found(SERVER_TYPES.find((t) => t.id === id), 'server_type') });
      case 'images':
        return id === undefined ? this.#list('images', byName(IMAGES, query), query) : ok({ image: found(IMAGES.find((t) => t.id === id), 'image') });
      case 'certificates':
        return id === undefined ? this.#list('certificates', byName([...this.certificates.values()], query), query) : ok({ certificate: found(this.certificates.get(id), 'certificate') });
      case 'servers':
        return this.#servers(method, id, actionsWord ? command : undefined, query, body);
      case 'volumes':
        return this.#volumes(method, id, actionsWord ? command : undefined, query, body);
      case 'networks':
        return this.#networks(method, id, actionsWord ? command : undefined, query, body);
      case 'firewalls':
        return this.#firewalls(method, id, actionsWord ? command : undefined, query, body);
      case 'ssh_keys':
        return this.#sshKeysRoute(method, id, query, body);
      case 'load_balancers':
        return this.#loadBalancersRoute(method, id, actionsWord ? command : undefined, query, body);
      default:
        throw new ApiFailure(404, 'not_found', 'not found');
    }
  }

  #list(key: string, items: Json[], query: URLSearchParams): { status: number; body: unknown } {
    const perPage = Math.min(50, Number(query.get('per_page') ?? 25));
    const page = Math.max(1, Number(query.get('page') ?? 1));
    const sorted = [...items].sort((a, b) => a['id'] - b['id']);
    const last = Math.max(1, Math.ceil(sorted.length / perPage));
    return {
      status: 200,
      body: {
        [key]: sorted.slice((page - 1) * perPage, page * perPage),
        meta: { pagination: { page, per_page: perPage, previous_page: page > 1 ? page - 1 : null, next_page: page < last ? page + 1 : null, last_page: last, total_entries: sorted.length } },
      },
    };
  }

  #action(id: number): Json {
    return found(this.actions.get(id), 'action');
  }

  /** Starts an action on resources; `effect` runs when it succeeds. Answers `locked` when a resource is busy. */
  #startAction(command: string, resources: { id: number; type: string }[], effect: () => void = () => undefined): Json {
    for (const r of resources) if (this.#busy.has(`${r.type}:${r.id}`)) throw new ApiFailure(423, 'locked', `${r.type} is locked`);
    const id = this.#id();
    const action: Json = { id, command, status: 'running', progress: 0, started: new Date().toISOString(), finished: null, resources, error: null };
    this.actions.set(id, action);
    for (const r of resources) this.#busy.set(`${r.type}:${r.id}`, id);
    if (this.#hanging.has(command)) return action;
    const ms = typeof this.#options.actionMs === 'number' ? this.#options.actionMs : (this.#options.actionMs[command] ?? 40);
    setTimeout(() => {
      for (const r of resources) this.#busy.delete(`${r.type}:${r.id}`);
      const failure = this.#actionFailures.get(command);
      action['progress'] = 100;
      action['finished'] = new Date().toISOString();
      if (failure) {
        action['status'] = 'error';
        action['error'] = failure;
      } else {
        action['status'] = 'success';
        effect();
      }
    }, ms);
    return action;
  }

  #servers(method: string, id: number | undefined, command: string | undefined, query: URLSearchParams, body: Json): { status: number; body?: unknown } {
    if (id === undefined) {
      if (method === 'GET') {
        let items = byName([...this.servers.values()], query);
        const selector = query.get('label_selector');
        if (selector) items = items.filter((s) => matchesSelector(s['labels'], selector));
        const statuses = query.getAll('status');
        if (statuses.length > 0) items = items.filter((s) => statuses.includes(s['status']));
        return this.#list('servers', items, query);
      }
      if (method === 'POST') return this.#createServer(body);
    }
    const server = found(this.servers.get(id!), 'server');
    const ref = [{ id: server['id'], type: 'server' }];
    if (command === undefined) {
      if (method === 'GET') return { status: 200, body: { server } };
      if (method === 'PUT') {
        if (body['name'] !== undefined) {
          if ([...this.servers.values()].some((s) => s['name'] === body['name'] && s['id'] !== server['id'])) throw new ApiFailure(409, 'uniqueness_error', 'server name is already used');
          server['name'] = body['name'];
        }
        if (body['labels'] !== undefined) server['labels'] = body['labels'];
        return { status: 200, body: { server } };
      }
      if (method === 'DELETE') {
        if (server['protection']['delete']) throw new ApiFailure(403, 'protected', 'server deletion is protected');
        const action = this.#startAction('delete_server', ref, () => this.servers.delete(server['id']));
        server['status'] = 'deleting';
        return { status: 200, body: { action } };
      }
    }
    const act = (name: string, effect?: () => void, extra: Json = {}) => ({ status: 201, body: { action: this.#startAction(name, ref, effect), ...extra } });
    switch (command) {
      case 'poweron':
        return act('start_server', () => (server['status'] = 'running'));
      case 'poweroff':
        return act('stop_server', () => (server['status'] = 'off'));
      case 'reboot':
      case 'reset':
        return act(`${command}_server`, () => (server['status'] = 'running'));
      case 'rebuild': {
        if (server['protection']['rebuild']) throw new ApiFailure(403, 'protected', 'server rebuild is protected');
        const image = IMAGES.find((i) => i.name === body['image'] || i.id === body['image']);
        if (!image) throw new ApiFailure(400, 'invalid_input', 'invalid input in field image', { fields: [{ name: 'image', messages: ['image not found'] }] });
        const result = act('rebuild_server', () => {
          server['status'] = 'running';
          server['image'] = image;
        }, { root_password: null });
        server['status'] = 'rebuilding';
        return result;
      }
      case 'change_type': {
        if (server['status'] !== 'off') throw new ApiFailure(409, 'server_not_stopped', 'server must be stopped');
        const type = SERVER_TYPES.find((t) => t.name === body['server_type'] || t.id === body['server_type']);
        if (!type) throw new ApiFailure(400, 'invalid_input', 'invalid input in field server_type', { fields: [{ name: 'server_type', messages: ['server type not found'] }] });
        return act('change_server_type', () => (server['server_type'] = type));
      }
      case 'change_protection':
        return act('change_protection', () => Object.assign(server['protection'], body));
      case 'attach_to_network': {
        const network = found(this.networks.get(body['network']), 'network');
        return act('attach_to_network', () => server['private_net'].push({ network: network['id'], ip: `10.0.0.${server['private_net'].length + 2}`, alias_ips: [], mac_address: '86:00:00:00:00:01' }));
      }
      case 'detach_from_network':
        return act('detach_from_network', () => (server['private_net'] = server['private_net'].filter((n: Json) => n['network'] !== body['network'])));
      default:
        throw new ApiFailure(404, 'not_found', `unknown action ${command}`);
    }
  }

  #createServer(body: Json): { status: number; body: unknown } {
    const fields = ['name', 'server_type', 'image'].filter((f) => body[f] === undefined || body[f] === '');
    if (fields.length > 0) {
      throw new ApiFailure(400, 'invalid_input', `invalid input in field${fields.length > 1 ? 's' : ''} ${fields.map((f) => `'${f}'`).join(', ')}`, {
        fields: fields.map((name) => ({ name, messages: ['Missing data for required field.'] })),
      });
    }
    if ([...this.servers.values()].some((s) => s['name'] === body['name'])) throw new ApiFailure(409, 'uniqueness_error', 'server name is already used');
    if (!SERVER_TYPES.some((t) => t.name === body['server_type'] || t.id === body['server_type'])) {
      throw new ApiFailure(400, 'invalid_input', 'invalid input in field server_type', { fields: [{ name: 'server_type', messages: ['server type not found'] }] });
    }
    const server = this.addServer({
      name: body['name'],
      status: 'initializing',
      labels: body['labels'] ?? {},
      location: body['location'] ?? 'nbg1',
      server_type: SERVER_TYPES.find((t) => t.name === body['server_type'] || t.id === body['server_type'])!['name'],
      image: IMAGES.find((i) => i.name === body['image'] || i.id === body['image'])?.['name'] ?? 'debian-12',
    });
    const start = body['start_after_create'] !== false;
    const action = this.#startAction('create_server', [{ id: server['id'], type: 'server' }], () => (server['status'] = start ? 'running' : 'off'));
    return { status: 201, body: { server, action, next_actions: [], root_password: body['ssh_keys']?.length ? null : 'YItygq1v3GYjjMomLaKc' } };
  }

  #volumes(method: string, id: number | undefined, command: string | undefined, query: URLSearchParams, body: Json): { status: number; body?: unknown } {
    if (id === undefined) {
      if (method === 'GET') {
        let items = byName([...this.volumes.values()], query);
        const selector = query.get('label_selector');
        if (selector) items = items.filter((v) => matchesSelector(v['labels'], selector));
        return this.#list('volumes', items, query);
      }
      if (method === 'POST') {
        if (body['size'] === undefined || body['size'] < 10) throw new ApiFailure(400, 'invalid_input', 'invalid input in field size', { fields: [{ name: 'size', messages: ['size must be at least 10'] }] });
        if ([...this.volumes.values()].some((v) => v['name'] === body['name'])) throw new ApiFailure(409, 'uniqueness_error', 'volume name is already used');
        const server = body['server'] === undefined ? undefined : found(this.servers.get(body['server']), 'server');
        const volume = this.addVolume({ name: body['name'], size: body['size'], location: server ? server['location']['name'] : body['location'], labels: body['labels'] ?? {} });
        const action = this.#startAction('create_volume', [{ id: volume['id'], type: 'volume' }]);
        const next = server ? [this.#startAction('attach_volume', [{ id: server['id'], type: 'server' }], () => this.#attach(volume, server))] : [];
        return { status: 201, body: { volume, action, next_actions: next } };
      }
    }
    const volume = found(this.volumes.get(id!), 'volume');
    const ref = [{ id: volume['id'], type: 'volume' }];
    if (command === undefined) {
      if (method === 'GET') return { status: 200, body: { volume } };
      if (method === 'PUT') {
        if (body['name'] !== undefined) volume['name'] = body['name'];
        if (body['labels'] !== undefined) volume['labels'] = body['labels'];
        return { status: 200, body: { volume } };
      }
      if (method === 'DELETE') {
        if (volume['server'] !== null) throw new ApiFailure(423, 'locked', 'volume is attached to a server');
        this.volumes.delete(volume['id']);
        return { status: 204 };
      }
    }
    const act = (name: string, effect: () => void, extraRefs: { id: number; type: string }[] = []) => ({ status: 201, body: { action: this.#startAction(name, [...ref, ...extraRefs], effect) } });
    switch (command) {
      case 'attach': {
        if (volume['server'] !== null) throw new ApiFailure(400, 'volume_already_attached', 'volume is already attached to a server');
        const server = found(this.servers.get(body['server']), 'server');
        return act('attach_volume', () => this.#attach(volume, server), [{ id: server['id'], type: 'server' }]);
      }
      case 'detach': {
        const serverId = volume['server'];
        return act('detach_volume', () => {
          const server = this.servers.get(serverId);
          if (server) server['volumes'] = server['volumes'].filter((v: number) => v !== volume['id']);
          volume['server'] = null;
        });
      }
      case 'resize':
        if (body['size'] < volume['size']) throw new ApiFailure(400, 'invalid_input', 'volumes can not be shrunk');
        return act('resize_volume', () => (volume['size'] = body['size']));
      case 'change_protection':
        return act('change_protection', () => Object.assign(volume['protection'], body));
      default:
        throw new ApiFailure(404, 'not_found', `unknown action ${command}`);
    }
  }

  #attach(volume: Json, server: Json): void {
    volume['server'] = server['id'];
    server['volumes'].push(volume['id']);
  }

  #networks(method: string, id: number | undefined, command: string | undefined, query: URLSearchParams, body: Json): { status: number; body?: unknown } {
    if (id === undefined) {
      if (method === 'GET') return this.#list('networks', byName([...this.networks.values()], query), query);
      if (method === 'POST') {
        if ([...this.networks.values()].some((n) => n['name'] === body['name'])) throw new ApiFailure(409, 'uniqueness_error', 'network name is already used');
        const network = this.addNetwork({ name: body['name'], ip_range: body['ip_range'] });
        if (body['labels']) network['labels'] = body['labels'];
        return { status: 201, body: { network } };
      }
    }
    const network = found(this.networks.get(id!), 'network');
    if (command === undefined) {
      if (method === 'GET') return { status: 200, body: { network } };
      if (method === 'PUT') {
        for (const key of ['name', 'labels', 'expose_routes_to_vswitch']) if (body[key] !== undefined) network[key] = body[key];
        return { status: 200, body: { network } };
      }
      if (method === 'DELETE') {
        this.networks.delete(network['id']);
        return { status: 204 };
      }
    }
    const act = (name: string, effect: () => void) => ({ status: 201, body: { action: this.#startAction(name, [{ id: network['id'], type: 'network' }], effect) } });
    switch (command) {
      case 'add_subnet':
        if (network['subnets'].some((s: Json) => s['ip_range'] === body['ip_range'])) throw new ApiFailure(409, 'conflict', 'subnet exists');
        return act('add_subnet', () => network['subnets'].push({ type: body['type'], ip_range: body['ip_range'], network_zone: body['network_zone'], gateway: '10.0.0.1', vswitch_id: body['vswitch_id'] ?? null }));
      case 'delete_subnet':
        return act('delete_subnet', () => (network['subnets'] = network['subnets'].filter((s: Json) => s['ip_range'] !== body['ip_range'])));
      case 'change_ip_range':
        return act('change_ip_range', () => (network['ip_range'] = body['ip_range']));
      case 'change_protection':
        return act('change_protection', () => Object.assign(network['protection'], body));
      default:
        throw new ApiFailure(404, 'not_found', `unknown action ${command}`);
    }
  }

  #firewalls(method: string, id: number | undefined, command: string | undefined, query: URLSearchParams, body: Json): { status: number; body?: unknown } {
    const cleanRules = (rules: Json[] = []) =>
      rules.map((r) => ({ direction: r['direction'], protocol: r['protocol'], port: r['port'] ?? null, source_ips: r['source_ips'] ?? [], destination_ips: r['destination_ips'] ?? [], description: r['description'] ?? null }));
    if (id === undefined) {
      if (method === 'GET') return this.#list('firewalls', byName([...this.firewalls.values()], query), query);
      if (method === 'POST') {
        if ([...this.firewalls.values()].some((f) => f['name'] === body['name'])) throw new ApiFailure(409, 'uniqueness_error', 'firewall name is already used');
        const firewall: Json = { id: this.#id(), name: body['name'], labels: body['labels'] ?? {}, rules: cleanRules(body['rules']), applied_to: [], created: new Date().toISOString() };
        this.firewalls.set(firewall['id'], firewall);
        return { status: 201, body: { firewall, actions: [] } };
      }
    }
    const firewall = found(this.firewalls.get(id!), 'firewall');
    if (command === undefined) {
      if (method === 'GET') return { status: 200, body: { firewall } };
      if (method === 'PUT') {
        if (body['name'] !== undefined) firewall['name'] = body['name'];
        if (body['labels'] !== undefined) firewall['labels'] = body['labels'];
        return { status: 200, body: { firewall } };
      }
      if (method === 'DELETE') {
        if (firewall['applied_to'].length > 0) throw new ApiFailure(409, 'resource_in_use', 'firewall is still in use');
        this.firewalls.delete(firewall['id']);
        return { status: 204 };
      }
    }
    const ref = [{ id: firewall['id'], type: 'firewall' }];
    switch (command) {
      case 'set_rules':
        return { status: 201, body: { actions: [this.#startAction('set_firewall_rules', ref, () => (firewall['rules'] = cleanRules(body['rules'])))] } };
      case 'apply_to_resources':
        return {
          status: 201,
          body: {
            actions: body['apply_to'].map((r: Json) =>
              this.#startAction('apply_firewall', [...ref, { id: r['server']['id'], type: 'server' }], () => {
                firewall['applied_to'].push({ type: 'server', server: { id: r['server']['id'] } });
                this.servers.get(r['server']['id'])?.['public_net']['firewalls'].push({ id: firewall['id'], status: 'applied' });
              }),
            ),
          },
        };
      case 'remove_from_resources':
        return {
          status: 201,
          body: {
            actions: body['remove_from'].map((r: Json) =>
              this.#startAction('remove_firewall', [...ref, { id: r['server']['id'], type: 'server' }], () => {
                firewall['applied_to'] = firewall['applied_to'].filter((a: Json) => a['server']?.['id'] !== r['server']['id']);
                const server = this.servers.get(r['server']['id']);
                if (server) server['public_net']['firewalls'] = server['public_net']['firewalls'].filter((f: Json) => f['id'] !== firewall['id']);
              }),
            ),
          },
        };
      default:
        throw new ApiFailure(404, 'not_found', `unknown action ${command}`);
    }
  }

  #sshKeysRoute(method: string, id: number | undefined, query: URLSearchParams, body: Json): { status: number; body?: unknown } {
    if (id === undefined) {
      if (method === 'GET') {
        let items = byName([...this.sshKeys.values()], query);
        const fingerprint = query.get('fingerprint');
        if (fingerprint) items = items.filter((k) => k['fingerprint'] === fingerprint);
        return this.#list('ssh_keys', items, query);
      }
      if (method === 'POST') {
        if ([...this.sshKeys.values()].some((k) => k['name'] === body['name'])) throw new ApiFailure(409, 'uniqueness_error', 'SSH key with the same name already exists');
        const blob = String(body['public_key'] ?? '').split(/\s+/)[1];
        if (!blob) throw new ApiFailure(400, 'invalid_input', 'invalid input in field public_key', { fields: [{ name: 'public_key', messages: ['invalid public key'] }] });
        const fingerprint = createHash('md5').update(Buffer.from(blob, 'base64')).digest('hex').match(/../g).join(':');
        const key: Json = { id: this.#id(), name: body['name'], public_key: body['public_key'], fingerprint, labels: body['labels'] ?? {}, created: new Date().toISOString() };
        this.sshKeys.set(key['id'], key);
        return { status: 201, body: { ssh_key: key } };
      }
    }
    const key = found(this.sshKeys.get(id!), 'ssh_key');
    if (method === 'GET') return { status: 200, body: { ssh_key: key } };
    if (method === 'PUT') {
      if (body['name'] !== undefined) key['name'] = body['name'];
      if (body['labels'] !== undefined) key['labels'] = body['labels'];
      return { status: 200, body: { ssh_key: key } };
    }
    this.sshKeys.delete(key['id']);
    return { status: 204 };
  }

  #loadBalancersRoute(method: string, id: number | undefined, command: string | undefined, query: URLSearchParams, body: Json): { status: number; body?: unknown } {
    if (id === undefined) {
      if (method === 'GET') return this.#list('load_balancers', byName([...this.loadBalancers.values()], query), query);
      if (method === 'POST') {
        if ([...this.loadBalancers.values()].some((l) => l['name'] === body['name'])) throw new ApiFailure(409, 'uniqueness_error', 'load balancer name is already used');
        const location = LOCATIONS.find((l) => l.name === (body['location'] ?? 'nbg1'))!;
        const lbId = this.#id();
        const lb: Json = {
          id: lbId,
          name: body['name'],
          public_net: { enabled: body['public_interface'] !== false, ipv4: { ip: `198.51.100.${lbId % 250}`, dns_ptr: null }, ipv6: { ip: '2001:db8::1', dns_ptr: null } },
          private_net: [],
          location,
          load_balancer_type: { id: 1, name: body['load_balancer_type'] },
          protection: { delete: false },
          labels: body['labels'] ?? {},
          targets: [],
          services: [],
          algorithm: body['algorithm'] ?? { type: 'round_robin' },
          created: new Date().toISOString(),
        };
        this.loadBalancers.set(lb['id'], lb);
        return { status: 201, body: { load_balancer: lb, action: this.#startAction('create_load_balancer', [{ id: lb['id'], type: 'load_balancer' }]) } };
      }
    }
    const lb = found(this.loadBalancers.get(id!), 'load_balancer');
    if (command === undefined) {
      if (method === 'GET') return { status: 200, body: { load_balancer: lb } };
      if (method === 'PUT') {
        if (body['name'] !== undefined) lb['name'] = body['name'];
        if (body['labels'] !== undefined) lb['labels'] = body['labels'];
        return { status: 200, body: { load_balancer: lb } };
      }
      if (method === 'DELETE') {
        this.loadBalancers.delete(lb['id']);
        return { status: 204 };
      }
    }
    const act = (name: string, effect: () => void) => ({ status: 201, body: { action: this.#startAction(name, [{ id: lb['id'], type: 'load_balancer' }], effect) } });
    const sameTarget = (t: Json) =>
      t['type'] === body['type'] &&
      (body['type'] === 'server' ? t['server']['id'] === body['server']['id'] : body['type'] === 'ip' ? t['ip']['ip'] === body['ip']['ip'] : t['label_selector']['selector'] === body['label_selector']['selector']);
    switch (command) {
      case 'add_target':
        if (lb['targets'].some(sameTarget)) throw new ApiFailure(409, 'target_already_defined', 'target already defined');
        return act('add_target', () => lb['targets'].push({ ...body, health_status: [] }));
      case 'remove_target':
        return act('remove_target', () => (lb['targets'] = lb['targets'].filter((t: Json) => !sameTarget(t))));
      case 'add_service': {
        if (lb['services'].some((s: Json) => s['listen_port'] === body['listen_port'])) throw new ApiFailure(409, 'source_port_already_used', 'listen port already used');
        const protocol = body['protocol'];
        const service: Json = {
          protocol,
          listen_port: body['listen_port'] ?? (protocol === 'https' ? 443 : 80),
          destination_port: body['destination_port'] ?? 80,
          proxyprotocol: body['proxyprotocol'] ?? false,
          health_check: { protocol: 'tcp', port: body['destination_port'] ?? 80, interval: 15, timeout: 10, retries: 3, http: null, ...(body['health_check'] ?? {}) },
          http: protocol === 'tcp' ? null : { cookie_name: 'HCLBSTICKY', cookie_lifetime: 300, certificates: [], redirect_http: false, sticky_sessions: false, timeout_idle: 60, ...(body['http'] ?? {}) },
        };
        return act('add_service', () => lb['services'].push(service));
      }
      case 'update_service': {
        const service = lb['services'].find((s: Json) => s['listen_port'] === body['listen_port']);
        if (!service) throw new ApiFailure(404, 'not_found', 'service not found');
        return act('update_service', () => {
          for (const [key, value] of Object.entries(body)) {
            if (value && typeof value === 'object' && !Array.isArray(value)) service[key] = { ...(service[key] ?? {}), ...value };
            else service[key] = value;
          }
        });
      }
      case 'delete_service':
        return act('delete_service', () => (lb['services'] = lb['services'].filter((s: Json) => s['listen_port'] !== body['listen_port'])));
      case 'change_algorithm':
        return act('change_algorithm', () => (lb['algorithm'] = { type: body['type'] }));
      case 'change_type':
        return act('change_load_balancer_type', () => (lb['load_balancer_type'] = { id: 2, name: body['load_balancer_type'] }));
      case 'change_protection':
        return act('change_protection', () => Object.assign(lb['protection'], body));
      case 'enable_public_interface':
        return act('enable_public_interface', () => (lb['public_net']['enabled'] = true));
      case 'disable_public_interface':
        return act('disable_public_interface', () => (lb['public_net']['enabled'] = false));
      default:
        throw new ApiFailure(404, 'not_found', `unknown action ${command}`);
    }
  }
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = {},
  ) {
    super(message);
  }
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ApiFailure(404, 'not_found', `${what} not found`);
  return value;
}

function byName(items: Json[], query: URLSearchParams): Json[] {
  const name = query.get('name');
  return name === null ? items : items.filter((i) => i['name'] === name);
}

/** `k=v`, `k!=v`, `k`, `!k`, comma-separated (all must hold). */
function matchesSelector(labels: Json, selector: string): boolean {
  return selector.split(',').every((term) => {
    const t = term.trim();
    const neq = /^([^!=]+)!=(.*)$/.exec(t);
    if (neq) return labels[neq[1]!] !== neq[2];
    const eq = /^([^=]+)==?(.*)$/.exec(t);
    if (eq) return labels[eq[1]!] === eq[2];
    if (t.startsWith('!')) return !(t.slice(1) in labels);
    return t in labels;
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
