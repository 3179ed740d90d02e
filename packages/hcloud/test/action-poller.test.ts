import { describe, expect, it } from 'vitest';
import { ActionPoller, RateBudget, type Action } from '../src/index.js';

const fast = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms / 200);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

function action(id: number, status: Action['status'] = 'running', extra: Partial<Action> = {}): Action {
  return { id, command: 'rebuild_server', status, progress: 0, started: '2025-01-01T00:00:00Z', finished: null, resources: [{ id: id * 10, type: 'server' }], error: null, ...extra };
}

/** A fake API state: each action finishes after `rounds` polls. */
function world(finishAfter: Record<number, number>, errors: Record<number, string> = {}) {
  const calls: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const seen = new Map<number, number>();
  const fetch = async (ids: number[]): Promise<Action[]> => {
    calls.push(ids);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
    return ids
      .filter((id) => finishAfter[id] !== undefined)
      .map((id) => {
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        if (n < finishAfter[id]!) return action(id, 'running', { progress: n * 10 });
        return errors[id] ? action(id, 'error', { error: { code: 'rebuild_failed', message: errors[id]! } }) : action(id, 'success', { progress: 100 });
      });
  };
  return { fetch, calls, max: () => maxInFlight };
}

describe('ActionPoller', () => {
  it('polls every pending action of all waiters together, one request at a time', async () => {
    const w = world(Object.fromEntries(Array.from({ length: 120 }, (_, i) => [i + 1, 3])));
    const poller = new ActionPoller(w.fetch, { sleep: fast });
    const waits = Array.from({ length: 12 }, (_, t) => poller.wait(Array.from({ length: 10 }, (_, i) => t * 10 + i + 1), { sleep: fast }));
    const results = await Promise.all(waits);
    expect(results.flat().every((a) => a.status === 'success')).toBe(true);
    expect(w.max()).toBe(1);
    // 120 actions → chunks of 50, 50, 20 per round, three rounds.
    expect(w.calls.map((c) => c.length)).toEqual([50, 50, 20, 50, 50, 20, 50, 50, 20]);
    expect(poller.pending).toBe(0);
  });

  it('resolves at once for actions that already finished and never polls for them', async () => {
    const w = world({});
    const poller = new ActionPoller(w.fetch, { sleep: fast });
    const done = await poller.wait([action(5, 'success')]);
    expect(done[0]!.id).toBe(5);
    expect(w.calls).toHaveLength(0);
  });

  it("rejects with the action's own error message", async () => {
    const w = world({ 1: 2, 2: 1 }, { 1: 'image not available' });
    const poller = new ActionPoller(w.fetch, { sleep: fast });
    const error = await poller.wait([1, 2], { sleep: fast }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'action_failed' });
    expect((error as Error).message).toContain('image not available');
    expect((error as Error).message).toContain('rebuild_server on server 10');
  });

  it('times out naming the command and the resource, and stops polling for it', async () => {
    const w = world({ 7: 1_000_000 });
    const poller = new ActionPoller(w.fetch, { sleep: fast });
    const error = await poller.wait([action(7)], { sleep: fast, timeoutMs: 10_000, label: 'server web-7' }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'action_timeout' });
    expect((error as Error).message).toMatch(/timed out after 10 s waiting for action 7 \(rebuild_server on server 70, server web-7\)/);
    expect(poller.pending).toBe(0);
  });

  it('rejects an action the API does not know', async () => {
    const w = world({});
    const poller = new ActionPoller(w.fetch, { sleep: fast });
    await expect(poller.wait([99], { sleep: fast })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stops waiting when the signal aborts, without stopping other waiters', async () => {
    const w = world({ 1: 4, 2: 4 });
    const poller = new ActionPoller(w.fetch, { sleep: fast });
    const abort = new AbortController();
    const first = poller.wait([1], { sleep: fast, signal: abort.signal });
    const second = poller.wait([2], { sleep: fast });
    abort.abort(new Error('cancelled'));
    await expect(first).rejects.toThrow('cancelled');
    await expect(second).resolves.toHaveLength(1);
  });
});

describe('ActionPoller schedule', () => {
  /** Virtual time: sleeping advances it at once. An action runs from 0 to `durationMs` with linear, rounded-down progress (as the API and the simulator report it), or stops at `stuckAt` %. */
  function timed(durationMs: number, stuckAt?: number) {
    let now = 0;
    const pollTimes: number[] = [];
    const sleep = async (ms: number) => {
      now += ms;
    };
    const fetch = async (ids: number[]): Promise<Action[]> => {
      pollTimes.push(now);
      const pct = Math.floor((now / durationMs) * 100);
      return ids.map((id) =>
        stuckAt === undefined && now >= durationMs ? action(id, 'success', { progress: 100 }) : action(id, 'running', { progress: Math.min(stuckAt ?? 99, pct) }),
      );
    };
    return { sleep, fetch, pollTimes, now: () => now };
  }

  // Progress comes in whole percents: the end is known to about 1% of the duration.
  it.each([5_000, 60_000, 137_000])('notices a %i ms action within 500 ms (or 0.5%) of its end, with few polls', async (durationMs) => {
    const t = timed(durationMs);
    const poller = new ActionPoller(t.fetch, { sleep: t.sleep });
    await poller.wait([action(1)], { sleep: t.sleep });
    expect(t.now() - durationMs).toBeLessThan(Math.max(500, durationMs / 200));
    // The plain backoff (1 s, ×1.5, up to 5 s) alone would notice a 60 s action at 63.1 s with 16 polls.
    expect(t.pollTimes.length).toBeLessThanOrEqual(Math.ceil(durationMs / 10_000) + 8);
  });

  it('once the pace is known, a long action is polled less often than every 5 s, never more than 30 s apart', async () => {
    for (const [durationMs, most] of [
      [60_000, 9],
      [600_000, 36],
    ] as const) {
      const t = timed(durationMs);
      const poller = new ActionPoller(t.fetch, { sleep: t.sleep });
      await poller.wait([action(1)], { sleep: t.sleep });
      const gaps = t.pollTimes.slice(1).map((at, i) => at - t.pollTimes[i]!);
      expect(t.pollTimes.length, t.pollTimes.join()).toBeLessThanOrEqual(most);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
      expect(t.now() - durationMs).toBeLessThan(500);
    }
  });

  it('an action that stops progressing falls back to the backoff instead of polling every 250 ms', async () => {
    const t = timed(10_000, 90);
    const poller = new ActionPoller(t.fetch, { sleep: t.sleep });
    const error = await poller.wait([action(1)], { sleep: t.sleep, timeoutMs: 120_000 }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'action_timeout' });
    const gaps = t.pollTimes.slice(1).map((at, i) => at - t.pollTimes[i]!);
    expect(gaps.filter((g) => g < 1_000).length).toBeLessThanOrEqual(4);
    expect(gaps.slice(-5)).toEqual([5_000, 5_000, 5_000, 5_000, 5_000]);
  });

  it("reports the waiter's first running action after each round", async () => {
    const t = timed(3_000);
    const poller = new ActionPoller(t.fetch, { sleep: t.sleep });
    const seen: string[] = [];
    await poller.wait([action(4)], { sleep: t.sleep, label: 'server web-4', onProgress: (d) => seen.push(d) });
    expect(seen[0]).toBe('action 4 (rebuild_server on server 40, server web-4): 33%');
    expect(seen.length).toBe(t.pollTimes.length - 1);
  });
});

describe('RateBudget', () => {
  function clock() {
    let now = 1_000_000;
    const slept: number[] = [];
    return {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
      slept,
      advance: (ms: number) => (now += ms),
    };
  }

  it('lets requests through while above the reserve, then spaces them at the refill rate', async () => {
    const c = clock();
    const budget = new RateBudget({ now: c.now, sleep: c.sleep });
    // 100 per 100 s: 1 per second; 50 left, full again in 50 s.
    budget.observe({ limit: 100, remaining: 50, resetAt: c.now() + 50_000 });
    expect(budget.delay()).toBe(0);
    budget.observe({ limit: 100, remaining: 5, resetAt: c.now() + 95_000 });
    const releases = [];
    for (let i = 0; i < 3; i++) releases.push(await budget.acquire());
    // The first goes at once, the next two wait one refill interval each.
    expect(c.slept.map(Math.round)).toEqual([1000, 1000]);
    for (const release of releases) release();
  });

  it('after a 429 waits for a request to be refilled, counting requests in flight', async () => {
    const c = clock();
    const budget = new RateBudget({ now: c.now, sleep: c.sleep });
    budget.observe({ limit: 3600, remaining: 1000, resetAt: c.now() + 2_600_000 });
    const inFlight = await budget.acquire();
    budget.exhausted({ limit: 3600, remaining: 0, resetAt: c.now() + 3_600_000 });
    expect(Math.round(budget.delay())).toBe(2000);
    inFlight();
    expect(Math.round(budget.delay())).toBe(1000);
  });

  it('sends the first request alone until the first answer tells the budget', async () => {
    const budget = new RateBudget();
    const first = await budget.acquire();
    let second = false;
    const pending = budget.acquire().then((release) => {
      second = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBe(false);
    budget.observe({ limit: 3600, remaining: 3599, resetAt: Date.now() + 1000 });
    first();
    (await pending)();
    expect(second).toBe(true);
  });
});
