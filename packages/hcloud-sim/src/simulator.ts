// createSimulator: the HTTP server tying faults, authentication, rate limits, routes and the request log together.

import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { SimClock } from './clock.js';
import { SimCore } from './core.js';
import { SSH_ENDPOINTS_PATH, sshEndpointsByIp, type SshEndpointsBody } from './address-map.js';
import { ApiError, SimConfigError } from './errors.js';
import { firewallJson, loadBalancerJson, networkJson, serverJson, sshKeyJson, volumeJson } from './render.js';
import { Router, type RouteResult } from './router.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerFirewallRoutes } from './routes/firewalls.js';
import { registerLoadBalancerRoutes } from './routes/load-balancers.js';
import { registerNetworkRoutes } from './routes/networks.js';
import { registerServerRoutes } from './routes/servers.js';
import { registerSshKeyRoutes } from './routes/ssh-keys.js';
import { registerVolumeRoutes } from './routes/volumes.js';
import { RateLimiter } from './rate-limiter.js';
import { applySeed } from './seed.js';
import { SshPorts } from './ssh-ports.js';
import type { FaultConfig, RequestLogEntry, Simulator, SimStateDump, SimulatorOptions, SshEndpoint } from './types.js';

const MAX_BODY = 1024 * 1024;
const REDACTED = '[REDACTED]';

/** Whether a host is a loopback address the simulator may listen on. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function checkOptions(options: SimulatorOptions): void {
  const { timeScale, rateLimit, tokens, requestLogLimit } = options;
  if (timeScale !== undefined && !(Number.isFinite(timeScale) && timeScale > 0)) {
    throw new SimConfigError(`timeScale: expected a number > 0 (1 = real time, 0.01 = 100× faster), got ${String(timeScale)}`);
  }
  if (rateLimit?.limit !== undefined && !(Number.isInteger(rateLimit.limit) && rateLimit.limit > 0)) {
    throw new SimConfigError(`rateLimit.limit: expected a positive integer (requests per hour), got ${String(rateLimit.limit)}`);
  }
  if (rateLimit?.refillPerSecond !== undefined && !(Number.isFinite(rateLimit.refillPerSecond) && rateLimit.refillPerSecond >= 0)) {
    throw new SimConfigError(`rateLimit.refillPerSecond: expected a number >= 0, got ${String(rateLimit.refillPerSecond)}`);
  }
  if (tokens !== undefined && (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string' || t === ''))) {
    throw new SimConfigError('tokens: expected an array of non-empty strings');
  }
  if (requestLogLimit !== undefined && !(Number.isInteger(requestLogLimit) && requestLogLimit >= 0)) {
    throw new SimConfigError(`requestLogLimit: expected an integer >= 0, got ${String(requestLogLimit)}`);
  }
  for (const [command, seconds] of Object.entries(options.actionDurations ?? {})) {
    if (!(Number.isFinite(seconds) && seconds >= 0)) {
      throw new SimConfigError(`actionDurations.${command}: expected seconds >= 0, got ${String(seconds)}`);
    }
  }
}

function bearerOf(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function readBody(req: http.IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ApiError('json_error', 'syntax error', {});
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ApiError('json_error', 'expected a JSON object', {});
  return data as Record<string, unknown>;
}

/** Create a simulator of the Hetzner Cloud API (call `listen()` to serve it). */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  checkOptions(options);
  const start = options.startTime === undefined ? Date.now() : new Date(options.startTime).getTime();
  if (Number.isNaN(start)) throw new SimConfigError(`startTime: expected an ISO date, got ${String(options.startTime)}`);
  const clock = new SimClock(options.timeScale ?? 1, start);
  const ssh = new SshPorts(options.sshPorts ?? false, options.sshPortFor);
  const core = new SimCore(clock, ssh, options.actionDurations ?? {});
  if (options.faults) core.faults.set(options.faults);
  applySeed(core, options.seed ?? {});

  const router = new Router();
  registerActionRoutes(router, core);
  registerCatalogRoutes(router);
  registerServerRoutes(router, core);
  registerVolumeRoutes(router, core);
  registerSshKeyRoutes(router, core);
  registerNetworkRoutes(router, core);
  registerFirewallRoutes(router, core);
  registerLoadBalancerRoutes(router, core);

  const limit = options.rateLimit?.limit ?? 3600;
  const limiter = new RateLimiter(limit, options.rateLimit?.refillPerSecond ?? limit / 3600);
  const tokens = options.tokens ? new Set(options.tokens) : undefined;
  const logLimit = options.requestLogLimit ?? 10_000;
  const log: RequestLogEntry[] = [];
  const internalErrors: string[] = [];
  let server: http.Server | undefined;
  let url: string | undefined;

  const redact = (text: string, presented: string | undefined): string => {
    let out = text;
    for (const t of [presented, ...(options.tokens ?? [])]) {
      if (t && t.length >= 8) out = out.split(t).join(REDACTED);
    }
    return out;
  };

  const accepted = (presented: string | undefined): boolean => presented !== undefined && (!tokens || tokens.has(presented));

  const record = (entry: RequestLogEntry): void => {
    if (logLimit === 0) return;
    log.push(entry);
    if (log.length > logLimit) log.splice(0, log.length - logLimit);
  };

  const send = (res: http.ServerResponse, result: RouteResult, headers: Record<string, string>): void => {
    const all: Record<string, string> = { ...headers, ...result.headers };
    if (result.status === 204 || result.body === undefined) {
      res.writeHead(result.status, all);
      res.end();
      return;
    }
    const text = JSON.stringify(result.body, null, 1);
    res.writeHead(result.status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...all });
    res.end(text);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const requestUrl = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const presented = bearerOf(req);
    // kbrun's own route, outside the API (so `--sim URL` can map public IPs): no rate limit, no fault, no log entry.
    if (requestUrl.pathname === SSH_ENDPOINTS_PATH) {
      const error = !accepted(presented)
        ? new ApiError('unauthorized', 'unable to authenticate', null)
        : method !== 'GET'
          ? new ApiError('method_not_allowed', 'method not allowed', null)
          : undefined;
      const body: SshEndpointsBody | undefined = error ? undefined : { ssh_endpoints: sshEndpointsByIp(dump()) };
      send(res, error ? { status: error.status, body: error.body() } : { status: 200, body }, {});
      return;
    }
    const secret = (v: string): string => (v === presented || (tokens?.has(v) ?? false) ? REDACTED : redact(v, presented));
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of requestUrl.searchParams) {
      const value = secret(v);
      const prev = query[k];
      query[k] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    const entry: RequestLogEntry = { method, path: requestUrl.pathname.split('/').map(secret).join('/'), query, status: 0 };
    core.engine.tick();

    const fault = core.faults.onRequest(method, requestUrl.pathname);
    if (fault?.kind === 'drop') {
      entry.fault = 'drop';
      record(entry);
      req.socket.destroy();
      return;
    }
    const raw = await readBody(req);
    const rateKey = presented ? createHash('sha256').update(presented).digest('hex') : 'anonymous';
    const answerError = (error: ApiError, headers: Record<string, string>): void => {
      entry.status = error.status;
      entry.code = error.code;
      record(entry);
      send(res, { status: error.status, body: error.body() }, headers);
    };
    if (fault) {
      entry.fault = fault.kind;
      const headers = limiter.peek(rateKey);
      if (fault.status === 429) headers['RateLimit-Remaining'] = '0';
      answerError(new ApiError(fault.code, fault.message, null, fault.status), headers);
      return;
    }
    const rate = limiter.take(rateKey);
    if (!accepted(presented)) {
      answerError(new ApiError('unauthorized', 'unable to authenticate', null), rate.headers);
      return;
    }
    if (!rate.allowed) {
      answerError(new ApiError('rate_limit_exceeded', `limit of ${limit} requests per hour reached`, null), rate.headers);
      return;
    }
    try {
      if (requestUrl.pathname !== '/v1' && !requestUrl.pathname.startsWith('/v1/')) throw new ApiError('not_found', 'not found', null);
      if (raw === 'too_large') throw new ApiError('json_error', 'request body too large', {});
      const path = requestUrl.pathname.slice(3) || '/';
      const { handler, params } = router.resolve(method, path);
      const body = method === 'GET' || method === 'HEAD' ? {} : parseBody(raw);
      const result = handler({ method, path, params, query: requestUrl.searchParams, body, url: requestUrl });
      entry.status = result.status;
      record(entry);
      send(res, result, rate.headers);
    } catch (error) {
      if (error instanceof ApiError) {
        answerError(error, rate.headers);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      internalErrors.push(`${method} ${entry.path}: ${redact(message, presented)}`);
      answerError(new ApiError('server_error', `internal error in the simulator: ${redact(message, presented)}`, null), rate.headers);
    }
  };

  const dump = (): SimStateDump => {
    core.engine.tick();
    const { store } = core;
    const sshMap: Record<string, SshEndpoint> = {};
    for (const s of store.servers.values()) {
      const ep = ssh.endpoint(s.id);
      if (ep) sshMap[s.name] = ep;
    }
    const out: SimStateDump = {
      now: core.nowIso(),
      servers: [...store.servers.values()].map((s) => serverJson(core, s)),
      volumes: [...store.volumes.values()].map(volumeJson),
      actions: [...core.engine.actions.values()].map((a) => core.engine.json(a)),
      ssh_keys: [...store.sshKeys.values()].map(sshKeyJson),
      networks: [...store.networks.values()].map((n) => networkJson(core, n)),
      firewalls: [...store.firewalls.values()].map((f) => firewallJson(core, f)),
      load_balancers: [...store.loadBalancers.values()].map((lb) => loadBalancerJson(core, lb)),
      ssh: sshMap,
    };
    const problems = [...internalErrors, ...core.engine.hookErrors];
    if (problems.length > 0) out.internal_errors = problems;
    return JSON.parse(JSON.stringify(out)) as SimStateDump;
  };

  return {
    get url() {
      return url;
    },
    async listen(port = 0, host = '127.0.0.1') {
      if (!isLoopbackHost(host)) {
        throw new SimConfigError(`listen: the simulator listens on loopback only (127.0.0.1 or ::1), got '${host}'`);
      }
      if (server) throw new SimConfigError('listen: the simulator is already listening');
      const bindHost = host === 'localhost' ? '127.0.0.1' : host;
      const s = http.createServer((req, res) => {
        handle(req, res).catch((error: unknown) => {
          internalErrors.push(error instanceof Error ? error.message : String(error));
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen({ port, host: bindHost }, () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      const address = s.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      url = `http://${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${actualPort}/v1`;
      ssh.activate();
      return { url };
    },
    async close() {
      core.engine.close();
      await ssh.closeAll();
      const s = server;
      server = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
    state: dump,
    requests: () => log.map((e) => ({ ...e, query: { ...e.query } })),
    setFault(faults: FaultConfig) {
      core.faults.set(faults);
    },
    clearFaults() {
      core.faults.clear();
    },
    sshEndpoint(ref: string | number) {
      const s = core.store.findServer(ref);
      return s ? ssh.endpoint(s.id) : undefined;
    },
    settled: () => ssh.settled(),
  };
}
