import type { Client } from 'ssh2';
import { endpointLabel, type SshEndpoint } from './ssh-target.js';

/** A jump host connection held by one user; `release()` gives it back (call it once). */
export interface JumpLease {
  client: Client;
  label: string;
  release(): void;
}

/**
 * How a hop is reached and logged in to: dialled directly when `via` is undefined (the first hop), otherwise
 * through the previous hop's connection. The first user of a chain decides how its hops authenticate.
 */
export type HopConnector = (endpoint: SshEndpoint, label: string, via: JumpLease | undefined) => Promise<Client>;

interface PoolEntry {
  client: Promise<Client>;
  refs: number;
  gone: boolean;
}

/**
 * Jump host connections shared by every target behind them: keyed by the chain of hops (`user@host:port > …`),
 * reference-counted, ended when the last target lets go (or by `closeAll`), and dropped when they die so the next
 * user dials again.
 */
export class JumpPool {
  readonly #entries = new Map<string, PoolEntry>();

  /** Jump host connections currently open or opening. */
  get size(): number {
    return this.#entries.size;
  }

  /** A lease on the connection to the last hop of `chain`, opening the chain as far as needed. */
  async acquire(chain: readonly SshEndpoint[], connectHop: HopConnector): Promise<JumpLease> {
    if (chain.length === 0) throw new Error('a jump chain needs at least one hop');
    const key = chain.map(endpointLabel).join(' > ');
    const label = `jump host ${endpointLabel(chain[chain.length - 1]!)}`;
    let entry = this.#entries.get(key);
    if (!entry || entry.gone) {
      const created: PoolEntry = { client: this.#open(key, chain, label, connectHop, () => created), refs: 0, gone: false };
      entry = created;
      this.#entries.set(key, created);
      created.client.catch(() => this.#forget(key, created));
    }
    entry.refs++;
    const held = entry;
    let client: Client;
    try {
      client = await held.client;
    } catch (error) {
      held.refs--;
      throw error;
    }
    let released = false;
    return {
      client,
      label,
      release: () => {
        if (released) return;
        released = true;
        if (--held.refs === 0) {
          this.#forget(key, held);
          client.end();
        }
      },
    };
  }

  /** Ends every jump host connection. */
  async closeAll(): Promise<void> {
    const entries = [...this.#entries.entries()];
    await Promise.allSettled(
      entries.map(async ([key, entry]) => {
        this.#forget(key, entry);
        (await entry.client).end();
      }),
    );
  }

  async #open(key: string, chain: readonly SshEndpoint[], label: string, connectHop: HopConnector, self: () => PoolEntry): Promise<Client> {
    const last = chain[chain.length - 1]!;
    let parent: JumpLease | undefined;
    try {
      if (chain.length > 1) parent = await this.acquire(chain.slice(0, -1), connectHop);
      const client = await connectHop(last, label, parent);
      const lease = parent;
      client.on('error', () => undefined);
      // Ended by the server: new users must not get it (its close, which releases the parent, follows).
      client.once('end', () => {
        this.#forget(key, self());
        client.end();
      });
      client.once('close', () => {
        this.#forget(key, self());
        lease?.release();
      });
      return client;
    } catch (error) {
      parent?.release();
      throw error;
    }
  }

  #forget(key: string, entry: PoolEntry): void {
    entry.gone = true;
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
  }
}
