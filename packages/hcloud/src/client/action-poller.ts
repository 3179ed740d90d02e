// One poller per client: every pending action of the run is polled together with GET /actions?id=…&id=….
import type { Action } from './api-types.js';
import { HcloudError } from './hcloud-error.js';
import { raceAbort, realSleep, type SleepFunction } from './sleep.js';

/** Fetches the current state of some actions (one `GET /actions?id=…` request). */
export type FetchActions = (ids: number[]) => Promise<Action[]>;

/** Options of one wait. */
export interface WaitForActionsOptions {
  /** Fails the wait (not the actions) after this long on the waiter's clock; default 30 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
  /** The waiter's clock (the engine's, scaled in simulation): the poll interval runs on it while this waiter waits, and the timeout counts those pauses. */
  sleep?: SleepFunction | undefined;
  /** Names the resource in a timeout message (`server web-1`). */
  label?: string | undefined;
  /** Told after each poll round while some of this wait's actions run: the first running one, as `action 42 (rebuild_server on server 17, server web-1): 40%`. */
  onProgress?: ((detail: string) => void) | undefined;
}

/** Options of the poller. */
export interface ActionPollerOptions {
  /** The default clock. */
  sleep?: SleepFunction;
  /** The first interval between polls, and the one used again whenever something changes (default 1000 ms). */
  minIntervalMs?: number;
  /** The interval grows while nothing changes, up to this (default 5000 ms). */
  maxIntervalMs?: number;
  /** Action ids per request (default 50, the API's largest page). */
  chunkSize?: number;
  /** The shortest pause when an action's progress says it is about to finish (default 250 ms). */
  finishIntervalMs?: number;
}

interface Waiter {
  sleep: SleepFunction;
  signal: AbortSignal | undefined;
  /** Milliseconds waited so far on the poller's pauses (the waiter's clock). */
  elapsed: number;
  timeoutMs: number;
  ids: number[];
  label: string | undefined;
  onProgress: ((detail: string) => void) | undefined;
  fail(error: Error): void;
}

interface Watch {
  promise: Promise<Action>;
  resolve(action: Action): void;
  reject(error: Error): void;
  waiters: Set<Waiter>;
  last: Action | undefined;
  /** The first progress a poll saw and when (on the poller's clock; an answer that starts an action may come mid-pause): with the last one, the action's pace. */
  first: ProgressMark | undefined;
  /** The earliest the action may end at its pace so far (poller's clock): the next poll aims at it. */
  earliestEnd: number | undefined;
  /** When it ends at that pace, and how many polls found it running after that. */
  expectedEnd: number | undefined;
  overduePolls: number;
  /** How long that pace was measured over: the next poll for this action waits at most this long (or the backoff). */
  paceSpan: number;
}

interface ProgressMark {
  at: number;
  progress: number;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
/** Polls of an action past its expected end before its progress stops shortening the interval. */
const OVERDUE_POLLS = 3;
/** The longest pause an action's pace alone may justify (a pace can change). */
const PACED_MAX_MS = 30_000;

/**
 * Waits for actions. However many tasks wait, there is at most one poll loop and one `GET /actions` in flight:
 * each round asks for every pending action (in chunks of 50) and settles the ones that finished.
 * The interval starts at 1 s and grows (×1.5) to 5 s while no action finishes; it drops back to 1 s when an action
 * finishes or a new one is waited for. The actions' progress then sets it: from the pace at which an action progressed
 * since a poll first saw it, the next poll comes at the earliest moment it may end (never sooner than 250 ms), so a
 * finished action is noticed within a fraction of a second; while that moment is far, the pause may exceed 5 s, up
 * to as long as the pace was measured over (at most 30 s), so a 60-s rebuild costs 9 polls instead of 17. An action
 * still running 3 polls past the end its pace predicts no longer sets the interval.
 */
export class ActionPoller {
  readonly #fetch: FetchActions;
  readonly #sleep: SleepFunction;
  readonly #minInterval: number;
  readonly #maxInterval: number;
  readonly #chunkSize: number;
  readonly #finishInterval: number;
  readonly #watches = new Map<number, Watch>();
  /**
   * Milliseconds paused by the poll loop so far: the poller's clock for progress rates. It leaves out the requests'
   * own time, so rates come out a little high and polls a little early, never late.
   */
  #clock = 0;
  #running = false;
  #fresh = false;
  #polls = 0;

  constructor(fetch: FetchActions, options: ActionPollerOptions = {}) {
    this.#fetch = fetch;
    this.#sleep = options.sleep ?? realSleep;
    this.#minInterval = options.minIntervalMs ?? 1_000;
    this.#maxInterval = options.maxIntervalMs ?? 5_000;
    this.#chunkSize = options.chunkSize ?? 50;
    this.#finishInterval = options.finishIntervalMs ?? 250;
  }

  /** Poll requests made so far. */
  get polls(): number {
    return this.#polls;
  }

  /** Actions being watched now. */
  get pending(): number {
    return this.#watches.size;
  }

  /**
   * Resolves with the finished actions (in the order given) when all have succeeded; rejects with the first
   * action's error (`action_failed`), on timeout (`action_timeout`, naming the command and resource) or on abort.
   */
  async wait(actions: readonly (Action | number)[], options: WaitForActionsOptions = {}): Promise<Action[]> {
    const ids = actions.map((a) => (typeof a === 'number' ? a : a.id));
    const settled = new Map<number, Action>();
    const pending: Action[] = [];
    const pendingIds: number[] = [];
    for (const item of actions) {
      if (typeof item !== 'number' && item.status !== 'running') {
        if (item.status === 'error') throw actionFailed(item);
        settled.set(item.id, item);
      }
    }
    for (const item of actions) {
      const id = typeof item === 'number' ? item : item.id;
      if (settled.has(id) || pendingIds.includes(id)) continue;
      pendingIds.push(id);
      if (typeof item !== 'number') pending.push(item);
    }
    if (pendingIds.length === 0) return ids.map((id) => settled.get(id)!);
    if (options.signal?.aborted) throw options.signal.reason;

    let fail!: (error: Error) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    const waiter: Waiter = {
      sleep: options.sleep ?? this.#sleep,
      signal: options.signal,
      elapsed: 0,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ids: pendingIds,
      label: options.label,
      onProgress: options.onProgress,
      fail,
    };
    const promises = pendingIds.map((id) => {
      const watch = this.#watch(id, pending.find((a) => a.id === id));
      watch.waiters.add(waiter);
      return watch.promise;
    });
    this.#fresh = true;
    void this.#run();
    try {
      const finished = await raceAbort(Promise.race([Promise.all(promises), failed]), options.signal);
      for (const action of finished) settled.set(action.id, action);
      return ids.map((id) => settled.get(id)!);
    } finally {
      for (const id of pendingIds) this.#unwatch(id, waiter);
    }
  }

  #watch(id: number, action: Action | undefined): Watch {
    let watch = this.#watches.get(id);
    if (!watch) {
      let resolve!: (action: Action) => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<Action>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // Nobody may be listening any more when it settles (the waiter timed out).
      promise.catch(() => undefined);
      watch = { promise, resolve, reject, waiters: new Set(), last: action, first: undefined, earliestEnd: undefined, expectedEnd: undefined, overduePolls: 0, paceSpan: 0 };
      this.#watches.set(id, watch);
    }
    return watch;
  }

  #unwatch(id: number, waiter: Waiter): void {
    const watch = this.#watches.get(id);
    if (!watch) return;
    watch.waiters.delete(waiter);
    if (watch.waiters.size === 0) this.#watches.delete(id);
  }

  #timeoutError(waiter: Waiter): HcloudError {
    const { ids, timeoutMs, label } = waiter;
    const running = ids.map((id) => ({ id, action: this.#watches.get(id)?.last })).filter((e) => this.#watches.has(e.id));
    const first = running[0] ?? { id: ids[0]!, action: undefined };
    const what = describeAction(first.id, first.action, label);
    const more = running.length > 1 ? ` (and ${running.length - 1} more)` : '';
    const progress = first.action ? `, progress ${first.action.progress}%` : '';
    return new HcloudError('action_timeout', `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${more}${progress}`, {
      details: { actions: running.map((e) => e.action ?? { id: e.id }) },
    });
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      let idle = 0;
      while (this.#watches.size > 0) {
        const interval = this.#nextInterval(Math.min(this.#maxInterval, this.#minInterval * 1.5 ** idle));
        const waiters = this.#waiters();
        await this.#pause(interval, waiters);
        this.#clock += interval;
        for (const waiter of waiters) waiter.elapsed += interval;
        if (this.#watches.size === 0) break;
        this.#fresh = false;
        const changed = await this.#pollOnce();
        idle = changed || this.#fresh ? 0 : idle + 1;
        // Timeouts are judged after the round, so an action that finished in time is not reported late.
        for (const waiter of waiters) {
          const running = waiter.ids.map((id) => this.#watches.get(id)).filter((w) => w?.waiters.has(waiter));
          if (running.length === 0) continue;
          if (waiter.elapsed >= waiter.timeoutMs) waiter.fail(this.#timeoutError(waiter));
          else if (waiter.onProgress && running[0]!.last) waiter.onProgress(`${describeAction(running[0]!.last.id, running[0]!.last, waiter.label)}: ${running[0]!.last.progress}%`);
        }
      }
    } finally {
      this.#running = false;
    }
    // A waiter may have arrived between the last check and `running = false`.
    if (this.#watches.size > 0) void this.#run();
  }

  /**
   * The pause before the next round: for each action, the backoff, or, while its progress keeps a measurable pace,
   * the time until the earliest moment it may end (at most as long as that pace was measured over); the shortest
   * of these, never under 250 ms.
   */
  #nextInterval(backoff: number): number {
    let next = Infinity;
    for (const watch of this.#watches.values()) {
      const paced = watch.earliestEnd !== undefined && watch.overduePolls < OVERDUE_POLLS;
      next = Math.min(next, paced ? Math.min(watch.earliestEnd! - this.#clock, Math.max(backoff, Math.min(watch.paceSpan, PACED_MAX_MS))) : backoff);
    }
    return Math.max(this.#finishInterval, next);
  }

  /**
   * Records a running action's progress and when it may end at its pace since a poll first saw it. The estimate
   * moves only when the progress does: an action that stops progressing goes past it and falls back to the backoff.
   */
  #observe(watch: Watch, action: Action, before: number | undefined): void {
    if (watch.expectedEnd !== undefined && this.#clock >= watch.expectedEnd) watch.overduePolls++;
    if (!watch.first) {
      watch.first = { at: this.#clock, progress: action.progress };
      return;
    }
    // Progress is a whole percent rounded down: the action may be up to 1% further now and may have gained up to
    // 1% more than it shows, so at its fastest possible pace it may end once 99 - progress percents have gone by.
    const gained = action.progress - watch.first.progress;
    const took = this.#clock - watch.first.at;
    if (gained > 0 && took > 0 && action.progress !== before) {
      watch.earliestEnd = this.#clock + ((99 - action.progress) * took) / (gained + 1);
      watch.expectedEnd = this.#clock + ((100 - action.progress) * took) / gained;
      watch.paceSpan = took;
    }
  }

  /** Sleeps on the clock of a waiter that is still alive (a waiter's clock stops when its task is cancelled). */
  async #pause(ms: number, waiters: Waiter[]): Promise<void> {
    const waiter = waiters.find((w) => !w.signal?.aborted);
    try {
      await (waiter ? waiter.sleep(ms, waiter.signal) : this.#sleep(ms));
    } catch {
      // That task was cancelled: the loop goes on for the others.
    }
  }

  /** Everyone waiting now. */
  #waiters(): Waiter[] {
    const all = new Set<Waiter>();
    for (const watch of this.#watches.values()) for (const waiter of watch.waiters) all.add(waiter);
    return [...all];
  }

  /** One round: every pending action, in chunks, one request at a time. True when an action finished (progress alone does not count). */
  async #pollOnce(): Promise<boolean> {
    const ids = [...this.#watches.keys()].sort((a, b) => a - b);
    let changed = false;
    for (let start = 0; start < ids.length; start += this.#chunkSize) {
      const chunk = ids.slice(start, start + this.#chunkSize);
      let actions: Action[];
      try {
        this.#polls++;
        actions = await this.#fetch(chunk);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const id of chunk) this.#settle(id, undefined, failure);
        changed = true;
        continue;
      }
      const seen = new Set<number>();
      for (const action of actions) {
        seen.add(action.id);
        const watch = this.#watches.get(action.id);
        if (!watch) continue;
        const before = watch.last?.progress;
        watch.last = action;
        if (action.status === 'running') this.#observe(watch, action, before);
        else if (action.status === 'success') this.#settle(action.id, action);
        else if (action.status === 'error') this.#settle(action.id, undefined, actionFailed(action));
      }
      for (const id of chunk) {
        if (!seen.has(id) && this.#watches.has(id)) this.#settle(id, undefined, new HcloudError('not_found', `action ${id} not found`, { status: 404 }));
      }
      if (actions.some((a) => a.status !== 'running')) changed = true;
    }
    return changed;
  }

  #settle(id: number, action: Action | undefined, error?: Error): void {
    const watch = this.#watches.get(id);
    if (!watch) return;
    this.#watches.delete(id);
    if (error) watch.reject(error);
    else watch.resolve(action!);
  }
}

/** `action 42 (rebuild_server on server 17, web-1)`. */
function describeAction(id: number, action: Action | undefined, label: string | undefined): string {
  const parts: string[] = [];
  if (action) {
    const on = action.resources.map((r) => `${r.type} ${r.id}`).join(', ');
    parts.push(on ? `${action.command} on ${on}` : action.command);
  }
  if (label) parts.push(label);
  return parts.length > 0 ? `action ${id} (${parts.join(', ')})` : `action ${id}`;
}

/** The error of an action that finished with status `error`: its own message and code. */
export function actionFailed(action: Action): HcloudError {
  const reason = action.error?.message ?? 'unknown error';
  const code = action.error?.code ? ` [${action.error.code}]` : '';
  const on = action.resources.map((r) => `${r.type} ${r.id}`).join(', ');
  return new HcloudError('action_failed', `${action.command}${on ? ` on ${on}` : ''} failed: ${reason}${code}`, { details: { action } });
}
