// Names of one kind of resource by ID (networks), listed once and shared by every task of the client.

/** Lists every resource of the kind (all pages). */
export type ListNamed = () => Promise<readonly { id: number; name: string }[]>;

/**
 * ID → name of every resource of one kind, from one list request. The list is made again when a caller asks for an
 * ID it does not hold (a resource created since), when the list is older than `maxAgeMs` of real time (renamed by
 * another client), or after `forget()` (this client wrote to that kind of resource). Callers that ask while a list
 * request is under way share its answer.
 */
export class NameDirectory {
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #names: ReadonlyMap<number, string> | undefined;
  #listedAt = -Infinity;
  #listing: Promise<ReadonlyMap<number, string>> | undefined;

  constructor(maxAgeMs: number, now: () => number = () => performance.now()) {
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
  }

  /** Names of these IDs (an ID the API does not know is left out); no request when there is no ID or all are known. */
  async names(ids: readonly number[], list: ListNamed): Promise<ReadonlyMap<number, string>> {
    if (ids.length === 0) return new Map();
    const known = this.#names;
    if (known && this.#now() - this.#listedAt < this.#maxAgeMs && ids.every((id) => known.has(id))) return known;
    const shared = this.#listing;
    if (shared) {
      // Another task's request: if it fails (that task was cancelled) or lacks an ID, this caller lists on its own.
      const names = await shared.catch(() => undefined);
      if (names && ids.every((id) => names.has(id))) return names;
    }
    return this.#list(list);
  }

  /** Drops the list (this client changed a resource of the kind): the next caller lists again. */
  forget(): void {
    this.#names = undefined;
    this.#listing = undefined;
  }

  #list(list: ListNamed): Promise<ReadonlyMap<number, string>> {
    const startedAt = this.#now();
    const listing = list().then((items) => {
      const names = new Map(items.map((item) => [item.id, item.name]));
      // Kept only if nothing forgot the directory meanwhile (the answer may predate that write).
      if (this.#listing === listing) {
        this.#names = names;
        this.#listedAt = startedAt;
      }
      return names;
    });
    this.#listing = listing;
    const clear = () => {
      if (this.#listing === listing) this.#listing = undefined;
    };
    listing.then(clear, clear);
    return listing;
  }
}
