// What every hcloud_* module shares: the connection arguments, the session, lookups by name or ID, change recording and failures.
import { processSecrets, type ModuleContext, type ModuleDefinition, type ModuleResult } from '@kbrun/core';
import { sharedHcloudClient } from '../client/client-registry.js';
import { HcloudError, isHcloudError } from '../client/hcloud-error.js';
import { HcloudSession } from '../client/hcloud-session.js';
import { raceAbort } from '../client/sleep.js';

/** The arguments every hcloud module accepts (as the hetzner.hcloud collection does). */
export interface ConnectionArgs {
  api_token?: string;
  api_endpoint?: string;
  endpoint?: string;
}

/** JSON Schema of ConnectionArgs. */
export const CONNECTION_PROPERTIES: Record<string, Record<string, unknown>> = {
  api_token: {
    type: 'string',
    description: 'The Hetzner Cloud API token (secret: redacted from all output). Defaults to HCLOUD_TOKEN, then HETZNER_API_TOKEN, then ~/.config/kbrun/hcloud-token (mode 600).',
  },
  api_endpoint: { type: 'string', description: 'The API endpoint. Defaults to HCLOUD_ENDPOINT, then https://api.hetzner.cloud/v1.' },
  endpoint: { type: 'string', description: 'Alias of api_endpoint.' },
};

/** `labels` as the collection takes it: string values (numbers and booleans are converted). */
export const LABELS_PROPERTY = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'User-defined labels (key-value pairs). When given, the labels are set to exactly these.',
};

/** Opens the task's session on the process's shared client (one per endpoint and token). */
export function openSession(args: ConnectionArgs, ctx: ModuleContext): HcloudSession {
  if (typeof args.api_token === 'string') processSecrets().redactor.add(args.api_token);
  // The task's `environment` may set HCLOUD_TOKEN/HCLOUD_ENDPOINT; the rest comes from the configured environment.
  const client = sharedHcloudClient({ token: args.api_token, endpoint: args.api_endpoint ?? args.endpoint, env: ctx.environment });
  return new HcloudSession(client, {
    readOnly: ctx.check,
    signal: ctx.signal,
    sleep: (ms, signal) => raceAbort(ctx.sleep(ms), signal),
    log: (line) => ctx.log(line),
    progress: (detail) => ctx.progress(detail),
  });
}

/**
 * Records what a module changes. In check mode `apply` only records; otherwise it records and does it.
 * `changed` is true as soon as one change was recorded (and stays true if a later step fails).
 */
export class Changes {
  readonly check: boolean;
  readonly done: string[] = [];
  readonly warnings: string[] = [];

  constructor(check: boolean) {
    this.check = check;
  }

  get changed(): boolean {
    return this.done.length > 0;
  }

  /**
   * Records `description` and, unless in check mode, runs `action`. A change the API refused is not recorded;
   * one whose action failed, timed out or whose answer was lost may have happened, so it is.
   */
  async apply(description: string, action: () => Promise<unknown>): Promise<void> {
    if (this.check) {
      this.done.push(description);
      return;
    }
    try {
      await action();
    } catch (error) {
      const unsent = isHcloudError(error, 'network_error') && (error.details as { notSent?: boolean } | undefined)?.notSent === true;
      if (isHcloudError(error, 'action_failed', 'action_timeout', 'network_error') && !unsent) this.done.push(description);
      throw error;
    }
    this.done.push(description);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** `would: create server web-1; …` in check mode, `done: …` otherwise, or a no-change sentence. */
  message(unchanged: string): string {
    if (this.done.length === 0) return unchanged;
    return `${this.check ? 'would' : 'done'}: ${this.done.join('; ')}`;
  }

  /** The result: `changed`, `msg`, `warnings` and the given resource fields. */
  result(unchanged: string, fields: Record<string, unknown>): ModuleResult {
    const result: ModuleResult = { changed: this.changed, msg: this.message(unchanged), ...fields };
    if (this.warnings.length > 0) result['warnings'] = [...this.warnings];
    return result;
  }
}

/** Thrown by a module to fail with a plain message (becomes `failed: true, msg`). */
export class ModuleFailure extends Error {
  override readonly name = 'ModuleFailure';
}

/**
 * Runs a module body with its session; an HcloudError or ModuleFailure becomes a failed result
 * (`msg`, and `failure: {code, message, details}` as in the collection), keeping `changed` truthful.
 */
export async function runHcloud(args: ConnectionArgs, ctx: ModuleContext, body: (api: HcloudSession, changes: Changes) => Promise<ModuleResult>): Promise<ModuleResult> {
  const changes = new Changes(ctx.check);
  try {
    const api = openSession(args, ctx);
    return await body(api, changes);
  } catch (error) {
    if (ctx.signal.aborted && !isHcloudError(error)) throw error;
    if (error instanceof HcloudError) {
      const result: ModuleResult = { failed: true, changed: changes.changed, msg: error.message, failure: error.toFailure() };
      if (changes.changed) result['done'] = [...changes.done];
      return result;
    }
    if (error instanceof ModuleFailure) return { failed: true, changed: changes.changed, msg: error.message };
    throw error;
  }
}

/** `/servers`, `server`, `servers` for a collection. */
export interface ResourceKind {
  path: string;
  one: string;
  many: string;
  /** How the resource is named in messages (`server`, `load balancer`). */
  noun: string;
}

export const SERVERS: ResourceKind = { path: '/servers', one: 'server', many: 'servers', noun: 'server' };
export const VOLUMES: ResourceKind = { path: '/volumes', one: 'volume', many: 'volumes', noun: 'volume' };
export const NETWORKS: ResourceKind = { path: '/networks', one: 'network', many: 'networks', noun: 'network' };
export const FIREWALLS: ResourceKind = { path: '/firewalls', one: 'firewall', many: 'firewalls', noun: 'firewall' };
export const SSH_KEYS: ResourceKind = { path: '/ssh_keys', one: 'ssh_key', many: 'ssh_keys', noun: 'SSH key' };
export const LOAD_BALANCERS: ResourceKind = { path: '/load_balancers', one: 'load_balancer', many: 'load_balancers', noun: 'load balancer' };
export const CERTIFICATES: ResourceKind = { path: '/certificates', one: 'certificate', many: 'certificates', noun: 'certificate' };

/** How a lookup reads: `recent` lets it answer with the client's read of a server or volume from a moment ago (RecentReads). */
export interface Lookup {
  recent?: boolean;
}

/** For a module's lookup of what it is about to act on or name: never for what an info module reports, nor a read after a change. */
export const RECENT: Lookup = { recent: true };

/** The resource with this ID, or undefined when the API says not_found. */
export async function getById<T>(api: HcloudSession, kind: ResourceKind, id: number, lookup: Lookup = {}): Promise<T | undefined> {
  const recent = lookup.recent ? api.recent<T>(kind.many, { id }) : undefined;
  if (recent !== undefined) return recent;
  try {
    const answer = await api.request<Record<string, T>>('GET', `${kind.path}/${id}`);
    return answer[kind.one];
  } catch (error) {
    if (isHcloudError(error, 'not_found')) return undefined;
    throw error;
  }
}

/** The resource with this exact name (`GET /…?name=`), or undefined. */
export async function getByName<T>(api: HcloudSession, kind: ResourceKind, name: string, lookup: Lookup = {}): Promise<T | undefined> {
  const recent = lookup.recent ? api.recent<T>(kind.many, { name }) : undefined;
  if (recent !== undefined) return recent;
  const found = await api.list<T>(kind.path, kind.many, { name });
  return found[0];
}

/** The resource by `id` when given, else by `name`: how the collection finds the resource a module manages. */
export async function getByIdOrName<T>(api: HcloudSession, kind: ResourceKind, id: number | undefined, name: string | undefined, lookup: Lookup = {}): Promise<T | undefined> {
  if (id !== undefined && id !== null) return getById<T>(api, kind, id, lookup);
  if (name !== undefined && name !== null) return getByName<T>(api, kind, name, lookup);
  return undefined;
}

/** A referenced resource given by name or ID (name first, then ID when it is all digits), as the collection resolves them. */
export async function findByNameOrId<T>(api: HcloudSession, kind: ResourceKind, value: string | number, lookup: Lookup = {}): Promise<T | undefined> {
  const text = String(value).trim();
  const byName = await getByName<T>(api, kind, text, lookup);
  if (byName !== undefined) return byName;
  if (/^\d+$/.test(text)) return getById<T>(api, kind, Number(text), lookup);
  return undefined;
}

/** Like findByNameOrId, failing with `<noun> not found: <value>` when there is none. */
export async function requireByNameOrId<T>(api: HcloudSession, kind: ResourceKind, value: string | number, lookup: Lookup = {}): Promise<T> {
  const found = await findByNameOrId<T>(api, kind, value, lookup);
  if (found === undefined) throw new HcloudError('not_found', `${kind.noun} ${JSON.stringify(String(value))} not found`, { status: 404 });
  return found;
}

/** True when two label maps hold the same pairs. */
export function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const left = Object.entries(a ?? {});
  const right = b ?? {};
  return left.length === Object.keys(right).length && left.every(([k, v]) => Object.hasOwn(right, k) && right[k] === v);
}

/** True when a reference given by name or ID designates this resource. */
export function matchesNameOrId(resource: { id: number; name?: string | null }, value: string | number): boolean {
  const text = String(value);
  return resource.name === text || String(resource.id) === text;
}

/**
 * The protected-hosts rule inside hcloud modules: a destructive change to a server found by id (or a volume's
 * attached server) is refused by the server's name, right before the first destructive request.
 */
export function refuseProtected(ctx: ModuleContext, serverName: string | undefined, what: string): void {
  if (serverName !== undefined && ctx.isProtected(serverName)) {
    throw new ModuleFailure(`refusing to ${what}: ${serverName} is a protected host`);
  }
}

/**
 * A module plus `targets(args)`: the server names a call with these arguments could destroy or interrupt
 * (empty when the call is not destructive), so the engine can refuse protected hosts before any request (proposed core contract).
 */
export type TargetedModule<A> = ModuleDefinition<A> & { targets(args: A): string[] };

/** Attaches `targets` to a module definition. */
export function withTargets<A>(module: ModuleDefinition<A>, targets: (args: A) => (string | undefined | null)[]): TargetedModule<A> {
  return Object.assign(module, { targets: (args: A) => targets(args).filter((t): t is string => typeof t === 'string' && t !== '') });
}

/** Wait limits for actions, by how long the collection lets them take. */
export const WAIT = {
  /** Creating and rebuilding servers, changing their type. */
  long: 30 * 60_000,
  /** Everything else. */
  normal: 10 * 60_000,
} as const;
