import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '../src/index.js';
import { startSim, TOKEN, type SimHarness } from './helpers/sim-client.js';

let h: SimHarness;
afterEach(async () => {
  await h?.close();
});

describe('authentication', () => {
  it('answers 401 unauthorized with the real body when the token is missing or not accepted', async () => {
    h = await startSim({ tokens: [TOKEN] });
    const none = await h.api('GET', '/servers', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: 'unauthorized', message: 'unable to authenticate', details: null } });
    expect(none.headers.get('ratelimit-limit')).toBe('3600');
    const wrong = await h.api('GET', '/servers', undefined, 'some-other-token');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect((await h.api('GET', '/servers')).status).toBe(200);
    const basic = await fetch(`${h.url}/servers`, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
  });

  it('accepts any non-empty token by default', async () => {
    h = await startSim();
    expect((await h.api('GET', '/servers', undefined, 'anything')).status).toBe(200);
    expect((await h.api('GET', '/servers', undefined, null)).status).toBe(401);
  });
});

describe('rate limit', () => {
  it('sends RateLimit-Limit, -Remaining and -Reset on every answer; 429 rate_limit_exceeded when the bucket is empty', async () => {
    h = await startSim({ rateLimit: { limit: 5, refillPerSecond: 0 } });
    const before = Math.floor(Date.now() / 1000);
    const remaining: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await h.api('GET', i % 2 ? '/servers' : '/nope');
      remaining.push(res.headers.get('ratelimit-remaining') ?? '');
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(before);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const over = await h.api('GET', '/servers');
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limit_exceeded');
    expect(over.headers.get('ratelimit-remaining')).toBe('0');
    const other = await h.api('GET', '/servers', undefined, 'a-second-token');
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('4');
  });

  it('refills gradually in real time (default 3600/h = 1 per second; here 100 per second)', async () => {
    h = await startSim({ rateLimit: { limit: 3, refillPerSecond: 100 } });
    for (let i = 0; i < 3; i += 1) await h.api('GET', '/servers');
    const first = await h.api('GET', '/servers');
    expect([200, 429]).toContain(first.status);
    await new Promise((r) => setTimeout(r, 50));
    const later = await h.api('GET', '/servers');
    expect(later.status).toBe(200);
    expect(Number(later.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(1);
  });

  it('computes RateLimit-Reset as the time the bucket is full again', async () => {
    h = await startSim();
    for (let i = 0; i < 10; i += 1) await h.api('GET', '/locations');
    const res = await h.api('GET', '/locations');
    const reset = Number(res.headers.get('ratelimit-reset'));
    const now = Date.now() / 1000;
    expect(res.headers.get('ratelimit-remaining')).toBe('3589');
    expect(reset - now).toBeGreaterThan(9);
    expect(reset - now).toBeLessThan(14);
  });
});

describe('options', () => {
  it('refuses bad options with expected/got messages, and listening anywhere but loopback', async () => {
    expect(() => createSimulator({ timeScale: 0 })).toThrow(/timeScale: expected a number > 0/);
    expect(() => createSimulator({ rateLimit: { limit: -1 } })).toThrow(/rateLimit.limit/);
    expect(() => createSimulator({ tokens: [''] })).toThrow(/tokens/);
    expect(() => createSimulator({ faults: { errorStorm: { status: 503 } } })).toThrow(/errorStorm/);
    const sim = createSimulator();
    await expect(sim.listen(0, '0.0.0.0')).rejects.toThrow(/loopback only/);
    await expect(sim.listen(0, '192.0.2.1')).rejects.toThrow(/loopback only/);
    const { url } = await sim.listen(0, '::1').catch(() => sim.listen(0, '127.0.0.1'));
    expect(url).toMatch(/^http:\/\/(\[::1\]|127\.0\.0\.1):\d+\/v1$/);
    await sim.close();
  });
});
