// The Hetzner Cloud API client: one keep-alive connection pool, one rate budget and one action poller per client.
import { createHash } from 'node:crypto';
import { guardedDispatcher, isKbrunError, processSecrets } from '@kbrun/core';
import { request as undiciRequest, type Agent } from 'undici';
import { ActionPoller, type WaitForActionsOptions } from './action-poller.js';
import type { Action, Pagination } from './api-types.js';
import { errorFromResponse, HcloudError } from './hcloud-error.js';
import { NameDirectory } from './name-directory.js';
import { parseRateLimitHeaders, RateBudget } from './rate-budget.js';
import { RecentReads } from './recent-reads.js';
import { withRetry, wasNotSent, DEFAULT_BACKOFF, type BackoffSettings, type RetryKind } from './retry.js';
import { realSleep, type SleepFunction } from './sleep.js';
import { resolveEndpoint, resolveToken } from './token.js';

/** A query parameter value; arrays repeat the key (`id=1&id=2`). */
export type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined | null;

/** Options of one request. */
export interface RequestOptions {
  query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** The caller's clock for backoff (the engine's, scaled in simulation). */
  sleep?: SleepFunction | undefined;
  /** Refuse anything but GET for this request (check mode of one task). */
  readOnly?: boolean | undefined;
  /** Receives one line per attempt (`GET /servers?… → 200 in 12 ms`). */
  log?: ((line: string) => void) | undefined;
}

/** Options of a client. */
export interface HcloudClientOptions {
  /** The API token; when omitted: HCLOUD_TOKEN, HETZNER_API_TOKEN, then `tokenFile`. */
  token?: string | undefined;
  /** The credentials file (default `~/.config/kbrun/hcloud-token`; must be mode 600 or stricter). */
  tokenFile?: string | undefined;
  /** The API base URL; when omitted: HCLOUD_ENDPOINT, then https://api.hetzner.cloud/v1. */
  endpoint?: string | undefined;
  /** Where HCLOUD_TOKEN, HETZNER_API_TOKEN and HCLOUD_ENDPOINT are read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The engine's clock: poll intervals, action timeouts and retry backoff run on it (default real time). */
  sleep?: SleepFunction;
  /** Refuse every non-GET request (check mode for the whole run). */
  readOnly?: boolean;
  /** Milliseconds to wait for an answer (default 60 000). */
  requestTimeoutMs?: number;
  /** Action poll interval bounds (default 1000 → 5000 ms). */
  pollIntervalMs?: { min: number; max: number };
  /** Retry schedule per kind of failure (tests shorten it). */
  backoff?: Readonly<Record<RetryKind, BackoffSettings>>;
  /** Register the token with the process redactor (default true). */
  redactToken?: boolean;
}

/** Counters of what a client did. */
export interface HcloudClientStats {
  requests: number;
  retries: number;
  rateWaits: number;
  polls: number;
}

const PER_PAGE = 50;
/** How long a read of a server or volume may answer a module's lookup (real time: it bounds other clients' changes). */
const RECENT_READ_MS = 1_000;
/** How long the network names are used before they are listed again (renames by other clients show after that). */
const NETWORK_NAMES_MAX_AGE_MS = 60_000;
const USER_AGENT = 'kbrun-hcloud/0.1.0';

/**
 * A Hetzner Cloud API client. Every request goes through `request()`, which refuses writes when read-only,
 * waits for the shared rate budget, retries what may be retried and maps error bodies to HcloudError.
 * The token lives in a private field and is scrubbed from every error message.
 */
export class HcloudClient {
  readonly endpoint: string;
  /** When true, every non-GET request is refused: check mode cannot change the cloud. */
  readOnly: boolean;
  readonly budget: RateBudget;
  readonly actions: ActionPoller;
  /** What this client read of servers and volumes a moment ago. */
  readonly recent: RecentReads;
  /** Network names by ID, for results that name a server's networks. */
  readonly networkNames: NameDirectory;
  readonly #token: string;
  readonly #agent: Agent;
  readonly #sleep: SleepFunction;
  readonly #timeoutMs: number;
  readonly #backoff: Readonly<Record<RetryKind, BackoffSettings>>;
  #requests = 0;
  #retries = 0;
  #closed = false;

  constructor(options: HcloudClientOptions = {}) {
    this.#token = resolveToken({ token: options.token, env: options.env, file: options.tokenFile });
    if (options.redactToken !== false) processSecrets().redactor.add(this.#token);
    this.endpoint = resolveEndpoint(options.endpoint, options.env);
    this.readOnly = options.readOnly ?? false;
    this.#sleep = options.sleep ?? realSleep;
    this.#timeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#agent = guardedDispatcher({ connectTimeoutMs: 10_000, keepAliveTimeoutMs: 4_000 });
    this.budget = new RateBudget();
    this.recent = new RecentReads(RECENT_READ_MS);
    this.networkNames = new NameDirectory(NETWORK_NAMES_MAX_AGE_MS);
    this.actions = new ActionPoller((ids) => this.list<Action>('/actions', 'actions', { query: { id: ids } }), {
      sleep: this.#sleep,
      minIntervalMs: options.pollIntervalMs?.min ?? 1_000,
      maxIntervalMs: options.pollIntervalMs?.max ?? 5_000,
    });
  }

  /** A key naming (endpoint, token) without revealing the token: clients are shared per key. */
  static keyOf(endpoint: string, token: string): string {
    return `${endpoint} ${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
  }

  /** This client's sharing key. */
  get key(): string {
    return HcloudClient.keyOf(this.endpoint, this.#token);
  }

  /** What the client did so far. */
  get stats(): HcloudClientStats {
    return { requests: this.#requests, retries: this.#retries, rateWaits: this.budget.waits, polls: this.actions.polls };
  }

  /**
   * Sends one API request and returns the parsed JSON answer (undefined for 204).
   * Refuses non-GET requests when the client or the call is read-only (check mode).
   */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const verb = method.toUpperCase();
    if (verb !== 'GET' && (this.readOnly || options.readOnly)) {
      throw new HcloudError('check_mode', `refusing ${verb} ${path}: check mode cannot change the cloud (only GET requests are sent)`, { request: `${verb} ${path}` });
    }
    if (this.#closed) throw new HcloudError('network_error', `the client for ${this.endpoint} is closed`, { request: `${verb} ${path}` });
    const url = this.#url(path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const sentAt = this.recent.now();
    if (verb !== 'GET') this.#written(verb, path);
    const answer = await withRetry((attempt) => this.#send<T>(verb, path, url, body, attempt, options), {
      method: verb,
      sleep: options.sleep ?? this.#sleep,
      signal: options.signal,
      backoff: this.#backoff,
      onRetry: ({ kind, delayMs, error }) => {
        this.#retries++;
        options.log?.(`${verb} ${path}: ${error.message}; retrying (${kind}) in ${Math.round(delayMs)} ms`);
      },
    });
    if (verb === 'GET') this.recent.remember(path, answer, sentAt);
    else this.#written(verb, path, answer);
    return answer;
  }

  /** GETs every page of a list (`per_page=50`, following `meta.pagination.next_page`) and returns the items under `key`. */
  async list<T>(path: string, key: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T[]> {
    const items: T[] = [];
    let page = 1;
    for (;;) {
      const answer = await this.request<Record<string, unknown>>('GET', path, { ...options, query: { ...options.query, page, per_page: PER_PAGE } });
      const list = answer?.[key];
      if (!Array.isArray(list)) throw new HcloudError('bad_response', `GET ${path} answered without a '${key}' list`, { request: `GET ${path}` });
      items.push(...(list as T[]));
      const next = (answer['meta'] as { pagination?: Pagination } | undefined)?.pagination?.next_page;
      if (typeof next !== 'number' || next <= page) return items;
      page = next;
    }
  }

  /** Waits for actions with the client's single batched poller (see ActionPoller.wait). */
  waitForActions(actions: readonly (Action | number)[], options: WaitForActionsOptions = {}): Promise<Action[]> {
    return this.actions.wait(actions, options);
  }

  /** Closes the connection pool (pending requests fail). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#agent.close().catch(() => this.#agent.destroy());
  }

  /** What a write may have changed is forgotten: before it is sent, and again with its answer (its actions). */
  #written(verb: string, path: string, answer?: unknown): void {
    this.recent.written(verb, path, answer);
    if (path.startsWith('/networks')) this.networkNames.forget();
  }

  #url(path: string, query: RequestOptions['query']): string {
    const url = new URL(this.endpoint + (path.startsWith('/') ? path : `/${path}`));
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
    }
    return url.href;
  }

  async #send<T>(method: string, path: string, url: string, body: string | undefined, attempt: number, options: RequestOptions): Promise<T> {
    const release = await this.budget.acquire(options.signal);
    const started = performance.now();
    const where = `${method} ${path}`;
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      this.#requests++;
      const response = await undiciRequest(url, {
        method: method as 'GET',
        dispatcher: this.#agent,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          'user-agent': USER_AGENT,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body,
        signal: options.signal,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      status = response.statusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (error) {
      release();
      if (options.signal?.aborted) throw options.signal.reason;
      // A refusal by the loopback guard is a decision, not a network failure: never retried.
      if (isKbrunError(error)) throw error;
      const code = networkCode(error);
      throw new HcloudError('network_error', this.#scrub(`${where} failed: ${describe(error)}`), {
        request: where,
        details: { errno: code, notSent: wasNotSent(code) },
      });
    }
    // The budget learns from the answer before the request stops counting as in flight.
    const rate = parseRateLimitHeaders(headers);
    if (status === 429) this.budget.exhausted(rate);
    else if (rate) this.budget.observe(rate);
    else this.budget.answered();
    release();
    options.log?.(`${where} → ${status} in ${Math.round(performance.now() - started)} ms${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
    const correlationId = typeof headers['x-correlation-id'] === 'string' ? headers['x-correlation-id'] : undefined;
    let parsed: unknown;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (status < 400) throw new HcloudError('bad_response', `${where} answered ${status} with a body that is not JSON`, { status, request: where });
      }
    }
    if (status >= 400) {
      const error = errorFromResponse(status, parsed, where, correlationId);
      if (!error.message.includes(this.#token)) throw error;
      throw new HcloudError(error.code, this.#scrub(error.apiMessage), { status, request: where, correlationId });
    }
    return parsed as T;
  }

  #scrub(text: string): string {
    return this.#token.length > 0 ? text.split(this.#token).join('********') : text;
  }
}

function networkCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | undefined)?.code;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof own === 'string' ? own : typeof cause === 'string' ? cause : undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && error.cause.message !== error.message ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
