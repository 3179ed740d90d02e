// What this client read of servers and volumes a moment ago, so a lookup right after a read need not repeat it.
import type { Action, ActionResource } from './api-types.js';

/** Collections whose reads are kept: every write that can change one of their resources is known below. */
const KEPT = new Set(['servers', 'volumes']);

interface Entry {
  item: { id: number; name?: string };
  /** When the request that read it was sent. */
  at: number;
}

/**
 * Servers and volumes as this client's GET answers last showed them, for at most `ttlMs` of real time from the
 * request. A write forgets what it may change before it is sent and again when it is answered: the resource in its
 * path, every resource of the actions it started, and for a volume every server (a server lists its volumes);
 * deleting a server (its volumes are detached), creating anything and writing any other collection (load balancer
 * targets, IPs, firewalls…) forget everything. A finished action seen in any answer forgets its resources, and an
 * answer to a request sent before such a forgetting is not kept. Changes made by other clients are not seen: that is
 * what the short lifetime bounds.
 */
export class RecentReads {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  /** When each resource (`servers/12`), each collection (`servers`) and everything (``) was last forgotten. */
  readonly #forgotten = new Map<string, number>();

  constructor(ttlMs: number, now: () => number = () => performance.now()) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The time to pass to `remember` for a request sent now. */
  now(): number {
    return this.#now();
  }

  /** Keeps the servers or volumes of a GET answer (`/servers`, `/volumes/12`…) sent at `sentAt`; forgets what finished actions in it touched. */
  remember(path: string, answer: unknown, sentAt: number): void {
    if (answer === null || typeof answer !== 'object') return;
    const body = answer as Record<string, unknown>;
    const finished = (Array.isArray(body['actions']) ? (body['actions'] as Action[]) : []).filter((a) => a.status !== 'running');
    for (const action of finished) this.#forgetResources(action.resources);
    const [collection, id] = segments(path);
    if (!KEPT.has(collection)) return;
    const items = id === undefined ? body[collection] : Object.values(body).filter((v) => (v as Entry['item'] | null)?.id === Number(id));
    if (!Array.isArray(items)) return;
    for (const item of items as Entry['item'][]) {
      const key = `${collection}/${item.id}`;
      if ([key, collection, ''].every((k) => sentAt > (this.#forgotten.get(k) ?? -Infinity))) this.#entries.set(key, { item: structuredClone(item), at: sentAt });
    }
  }

  /** Forgets what a write (`POST /volumes/12/actions/detach`…) may change; called before sending it and with its answer. */
  written(method: string, path: string, answer?: unknown): void {
    const [collection, id] = segments(path);
    if (!KEPT.has(collection) || id === undefined || (collection === 'servers' && method === 'DELETE')) return this.#forget('');
    this.#forget(`${collection}/${id}`);
    if (collection === 'volumes') this.#forget('servers');
    const body = (answer ?? {}) as { action?: Action | null; actions?: Action[]; next_actions?: Action[] };
    for (const action of [body.action, ...(body.actions ?? []), ...(body.next_actions ?? [])]) if (action) this.#forgetResources(action.resources);
  }

  /** A copy of the server or volume with this ID as read less than `ttlMs` ago, if nothing forgot it since. */
  byId<T>(collection: string, id: number): T | undefined {
    const entry = this.#entries.get(`${collection}/${id}`);
    return entry && this.#fresh(entry) ? (structuredClone(entry.item) as T) : undefined;
  }

  /** A copy of the one server or volume of this name as read less than `ttlMs` ago (undefined when none or several match). */
  byName<T>(collection: string, name: string): T | undefined {
    const found = [...this.#entries].filter(([key, entry]) => key.startsWith(`${collection}/`) && entry.item.name === name && this.#fresh(entry));
    return found.length === 1 ? (structuredClone(found[0]![1].item) as T) : undefined;
  }

  /** Milliseconds since the read of the entry `byId`/`byName` would answer with (for the log). */
  age(collection: string, id: number): number {
    const entry = this.#entries.get(`${collection}/${id}`);
    return entry ? this.#now() - entry.at : 0;
  }

  #fresh(entry: Entry): boolean {
    return this.#now() - entry.at < this.#ttlMs;
  }

  #forgetResources(resources: readonly ActionResource[]): void {
    for (const resource of resources) this.#forget(`${resource.type}s/${resource.id}`);
  }

  /** Forgets a resource (`servers/12`), a collection (`servers`) or everything (``). */
  #forget(key: string): void {
    for (const kept of this.#entries.keys()) if (kept === key || kept.startsWith(`${key}/`) || key === '') this.#entries.delete(kept);
    this.#forgotten.set(key, this.#now());
  }
}

/** `/volumes/12/actions/detach` → ['volumes', '12']. */
function segments(path: string): [string, string | undefined] {
  const [collection = '', id] = path.split('?')[0]!.split('/').filter(Boolean);
  return [collection, id !== undefined && /^\d+$/.test(id) ? id : undefined];
}
