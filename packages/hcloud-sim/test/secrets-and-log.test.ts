import { afterEach, describe, expect, it } from 'vitest';
import { fleetSeed, startSim, TOKEN, type SimHarness } from './helpers/sim-client.js';

let h: SimHarness;
afterEach(async () => {
  await h?.close();
});

describe('request log and secrets', () => {
  it('logs method, path, query and status of every request, and never the token', async () => {
    const secret = 'hcloud-secret-token-DO-NOT-LEAK-42';
    h = await startSim({ seed: fleetSeed(), tokens: [secret] });
    await h.api('GET', '/servers?label_selector=role%3Dweb&page=1', undefined, secret);
    await h.api('GET', '/servers', undefined, 'wrong-token-1234');
    await h.api('GET', `/servers?name=${secret}`, undefined, secret);
    await h.api('GET', `/ssh_keys/${secret}`, undefined, secret);
    await h.api('POST', '/servers', { name: 'x', server_type: 'cx22', image: 'nope' }, secret);
    h.sim.setFault({ errorStorm: { status: 503, count: 1 }, dropConnections: { count: 1, path: 'drop-me' } });
    await h.api('GET', '/locations', undefined, secret);
    await h.api('GET', '/drop-me', undefined, secret).catch(() => undefined);

    const log = h.sim.requests();
    expect(log[0]).toEqual({ method: 'GET', path: '/v1/servers', query: { label_selector: 'role=web', page: '1' }, status: 200 });
    expect(log[1]).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(log[2]?.query).toEqual({ name: '[REDACTED]' });
    expect(log[3]?.path).toBe('/v1/ssh_keys/[REDACTED]');
    expect(log[4]).toMatchObject({ method: 'POST', status: 422, code: 'invalid_input' });
    expect(log[5]).toMatchObject({ status: 503, fault: 'storm' });
    expect(log[6]).toMatchObject({ status: 0, fault: 'drop' });
    const everything = JSON.stringify(log) + JSON.stringify(h.sim.state());
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('wrong-token-1234');
    expect(everything.toLowerCase()).not.toContain('authorization');
    expect(everything.toLowerCase()).not.toContain('bearer');
  });

  it('never echoes a token in an error answer', async () => {
    h = await startSim({ tokens: ['only-this-token-0000'] });
    const res = await h.api('GET', '/servers', undefined, 'leaky-token-9999');
    expect(JSON.stringify(res.body)).not.toContain('leaky-token-9999');
  });
});
