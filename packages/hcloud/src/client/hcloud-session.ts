// A task's view of the shared client: its check mode, cancellation, clock and log travel with every call.
import type { Action, Network } from './api-types.js';
import type { HcloudClient, QueryValue } from './hcloud-client.js';
import type { SleepFunction } from './sleep.js';

/** Options of a session. */
export interface HcloudSessionOptions {
  /** Check mode: the client refuses every non-GET request of this session. */
  readOnly: boolean;
  signal?: AbortSignal | undefined;
  sleep?: SleepFunction | undefined;
  log?: ((line: string) => void) | undefined;
  /** Told what a wait for actions is at (`action 42 (rebuild_server on server 17, server web-1): 40%`). */
  progress?: ((detail: string) => void) | undefined;
}

/**
 * What a module talks to. It holds the shared client privately, so a module cannot reach around
 * the session's read-only flag: every call goes through the client's single `request()`, which enforces it.
 */
export class HcloudSession {
  readonly readOnly: boolean;
  readonly #client: HcloudClient;
  readonly #options: HcloudSessionOptions;

  constructor(client: HcloudClient, options: HcloudSessionOptions) {
    this.#client = client;
    this.#options = options;
    this.readOnly = options.readOnly;
  }

  /** The API endpoint. */
  get endpoint(): string {
    return this.#client.endpoint;
  }

  /** One request (see HcloudClient.request). */
  request<T = unknown>(method: string, path: string, options: { query?: Readonly<Record<string, QueryValue>>; body?: unknown } = {}): Promise<T> {
    return this.#client.request<T>(method, path, { ...options, readOnly: this.readOnly, signal: this.#options.signal, sleep: this.#options.sleep, log: this.#options.log });
  }

  /** Every item of a paginated list. */
  list<T>(path: string, key: string, query: Readonly<Record<string, QueryValue>> = {}): Promise<T[]> {
    return this.#client.list<T>(path, key, { query, readOnly: this.readOnly, signal: this.#options.signal, sleep: this.#options.sleep, log: this.#options.log });
  }

  /** Network names by ID from the client's directory (a list request only when it lacks one; see NameDirectory). */
  networkNames(ids: readonly number[]): Promise<ReadonlyMap<number, string>> {
    return this.#client.networkNames.names(ids, () => this.list<Network>('/networks', 'networks'));
  }

  /** The client's read of a server or volume from a moment ago, by ID or name (see RecentReads), logged as reused; undefined when there is none. */
  recent<T>(collection: string, by: { id: number } | { name: string }): T | undefined {
    const reads = this.#client.recent;
    const found = 'id' in by ? reads.byId<T & { id: number }>(collection, by.id) : reads.byName<T & { id: number }>(collection, by.name);
    if (found) this.#options.log?.(`GET /${collection} (${'id' in by ? `id ${by.id}` : `name ${by.name}`}): the read of ${Math.round(reads.age(collection, found.id))} ms ago, unchanged by this run since`);
    return found;
  }

  /** Waits for actions through the client's batched poller. */
  waitForActions(actions: readonly (Action | number | null | undefined)[], options: { timeoutMs?: number; label?: string } = {}): Promise<Action[]> {
    const given = actions.filter((a): a is Action | number => a !== null && a !== undefined);
    if (given.length === 0) return Promise.resolve([]);
    return this.#client.waitForActions(given, { ...options, signal: this.#options.signal, sleep: this.#options.sleep, onProgress: this.#options.progress });
  }
}
