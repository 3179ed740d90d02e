import { describe, expect, it } from 'vitest';
import { hcloudServer, hcloudVolume, sharedHcloudClient } from '../src/index.js';
import { runModule } from './helpers/context.js';
import { TOKEN, useFake } from './helpers/setup.js';

// A small bucket that refills fast: 50 concurrent tasks need several times its size.
const { fake, api } = useFake({ rateLimit: 20, refillPerSecond: 40, actionMs: { start_server: 150, stop_server: 150, attach_volume: 200 } });

describe('rate limit pressure', () => {
  it('50 concurrent tasks against a 20-request bucket all succeed: the client slows down and no 429 surfaces', async () => {
    for (let i = 0; i < 50; i++) fake.addServer({ name: `rl-${i}`, status: i % 2 === 0 ? 'off' : 'running', labels: { n: String(i) } });
    fake.clearLog();
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => runModule(hcloudServer, { ...api(), name: `rl-${i}`, state: 'started', labels: { n: String(i), touched: 'yes' } })));
    const seconds = (performance.now() - started) / 1000;
    for (const result of results) {
      expect(result.failed, String(result.msg)).toBeUndefined();
      expect(result.changed).toBe(true);
      expect(JSON.stringify(result)).not.toContain('rate_limit');
    }
    const client = sharedHcloudClient({ token: TOKEN, endpoint: fake.url });
    expect(client.budget.waits).toBeGreaterThan(0);
    // More requests than the bucket holds went out, so they had to be paced by the refill (40/s).
    expect(fake.requests.length).toBeGreaterThan(100);
    expect(seconds).toBeGreaterThan((fake.requests.length - 20) / 40 - 1);
    // The budget mirror keeps the client from hitting the limit (a stray 429 would be retried, never surfaced).
    expect(fake.rejected429).toBeLessThanOrEqual(2);
    expect(fake.maxActionPollsInFlight).toBe(1);
    // 25 power-on actions, polled together: some poll asked for many actions at once.
    expect(Math.max(...fake.actionPolls.map((ids) => ids.length))).toBeGreaterThan(5);
    expect(fake.actionPolls.length).toBeLessThan(25);
  }, 60_000);

  it('a 429 from the API (another client spent the budget) is retried, never surfaced', async () => {
    fake.fail(3, { method: 'GET', path: /^\/servers$/, status: 429, code: 'rate_limit_exceeded', message: 'limit of 3600 requests per hour reached' });
    const result = await runModule(hcloudServer, { ...api(), name: 'rl-1', state: 'started', labels: { n: '1', touched: 'yes' } });
    expect(result).toMatchObject({ changed: false });
    expect(result.failed).toBeUndefined();
  });
});

describe('batched action polling', () => {
  it('ten attach tasks share one poll loop: one GET /actions at a time, several actions per request', async () => {
    const servers = Array.from({ length: 10 }, (_, i) => fake.addServer({ name: `poll-${i}` }));
    for (let i = 0; i < 10; i++) fake.addVolume({ name: `vol-poll-${i}` });
    fake.clearLog();
    const results = await Promise.all(servers.map((s, i) => runModule(hcloudVolume, { ...api(), name: `vol-poll-${i}`, server: s['name'] })));
    for (const result of results) expect(result).toMatchObject({ changed: true });
    expect(fake.maxActionPollsInFlight).toBe(1);
    expect(fake.actionPolls.some((ids) => ids.length >= 3)).toBe(true);
    // One poll loop for all: far fewer polls than one loop per action would make.
    expect(fake.actionPolls.length).toBeLessThan(10);
    for (const ids of fake.actionPolls) expect(fake.requests.find((r) => r.path === '/actions' && r.query.getAll('id').join() === ids.join())!.query.get('per_page')).toBe('50');
  });
});
