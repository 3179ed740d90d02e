import { describe, expect, it } from 'vitest';
import { RecentReads } from '../src/client/recent-reads.js';

/** A RecentReads on a hand-moved clock (1 s lifetime). */
function reads() {
  let now = 1_000;
  const recent = new RecentReads(1_000, () => now);
  return { recent, tick: (ms = 1) => (now += ms), now: () => now };
}

const server = (id: number, name: string, status = 'running') => ({ id, name, status });
const finished = (resources: { type: string; id: number }[], status = 'success') => ({ id: 9, command: 'x', status, progress: 100, resources });

describe('RecentReads', () => {
  it('keeps the servers and volumes of GET answers (lists and single reads) for its lifetime, as copies', () => {
    const { recent, tick, now } = reads();
    recent.remember('/servers', { servers: [server(1, 'web-1'), server(2, 'web-2')], meta: {} }, now());
    recent.remember('/volumes/7', { volume: { id: 7, name: 'vol-7', server: 1 } }, now());
    tick(999);
    expect(recent.byName('servers', 'web-2')).toEqual(server(2, 'web-2'));
    expect(recent.byId('volumes', 7)).toMatchObject({ name: 'vol-7' });
    recent.byId<{ status: string }>('servers', 1)!.status = 'changed by a caller';
    expect(recent.byId('servers', 1)).toEqual(server(1, 'web-1'));
    tick(1);
    expect(recent.byId('servers', 1)).toBeUndefined();
    expect(recent.byName('servers', 'web-2')).toBeUndefined();
  });

  it('keeps nothing of other collections, and nothing with a lifetime of 0', () => {
    const { recent, now } = reads();
    recent.remember('/networks', { networks: [{ id: 3, name: 'net' }] }, now());
    expect(recent.byId('networks', 3)).toBeUndefined();
    const off = new RecentReads(0, now);
    off.remember('/servers', { servers: [server(1, 'web-1')] }, now());
    expect(off.byId('servers', 1)).toBeUndefined();
  });

  it('a write forgets its resource and the resources of the actions it started, before sending and with its answer', () => {
    const { recent, tick, now } = reads();
    recent.remember('/servers', { servers: [server(1, 'web-1'), server(2, 'web-2')] }, now());
    recent.remember('/volumes', { volumes: [{ id: 7, name: 'vol-7', server: 1 }, { id: 8, name: 'vol-8', server: 2 }] }, now());
    tick();
    recent.written('POST', '/servers/1/actions/attach_to_network');
    expect(recent.byId('servers', 1)).toBeUndefined();
    expect(recent.byId('volumes', 7)).toBeDefined();
    recent.written('POST', '/servers/1/actions/attach_to_network', { action: { ...finished([{ type: 'server', id: 1 }, { type: 'volume', id: 7 }]), status: 'running' } });
    expect(recent.byId('volumes', 7)).toBeUndefined();
    expect([recent.byId('servers', 2), recent.byId('volumes', 8)]).toEqual([server(2, 'web-2'), { id: 8, name: 'vol-8', server: 2 }]);
  });

  it('a write to a volume forgets it and every server (whatever its action names), not the other volumes', () => {
    const { recent, tick, now } = reads();
    recent.remember('/servers', { servers: [server(1, 'web-1'), server(2, 'web-2')] }, now());
    recent.remember('/volumes', { volumes: [{ id: 7, name: 'vol-7', server: 1 }, { id: 8, name: 'vol-8', server: 2 }] }, now());
    const sentAt = now();
    tick();
    recent.written('POST', '/volumes/7/actions/detach');
    expect([recent.byId('volumes', 7), recent.byId('servers', 1), recent.byId('servers', 2)]).toEqual([undefined, undefined, undefined]);
    expect(recent.byId('volumes', 8)).toBeDefined();
    // A server read sent before the detach is not kept either.
    recent.remember('/servers/2', { server: server(2, 'web-2') }, sentAt);
    expect(recent.byId('servers', 2)).toBeUndefined();
  });

  it('a finished action in any answer (the poller) forgets its resources; a running one does not', () => {
    const { recent, tick, now } = reads();
    recent.remember('/servers', { servers: [server(1, 'web-1'), server(2, 'web-2')] }, now());
    tick();
    recent.remember('/actions', { actions: [{ ...finished([{ type: 'server', id: 1 }]), status: 'running' }] }, now());
    expect(recent.byId('servers', 1)).toBeDefined();
    recent.remember('/actions', { actions: [finished([{ type: 'server', id: 1 }], 'error')] }, now());
    expect(recent.byId('servers', 1)).toBeUndefined();
    expect(recent.byId('servers', 2)).toBeDefined();
  });

  it('deleting a server, creating anything or writing another collection forgets everything', () => {
    for (const [method, path] of [
      ['DELETE', '/servers/1'],
      ['POST', '/volumes'],
      ['POST', '/load_balancers/4/actions/add_target'],
      ['PUT', '/networks/3'],
    ] as const) {
      const { recent, tick, now } = reads();
      recent.remember('/servers', { servers: [server(1, 'web-1'), server(2, 'web-2')] }, now());
      recent.remember('/volumes', { volumes: [{ id: 7, name: 'vol-7', server: 1 }] }, now());
      tick();
      recent.written(method, path);
      expect([recent.byId('servers', 2), recent.byId('volumes', 7)], `${method} ${path}`).toEqual([undefined, undefined]);
    }
  });

  it('an answer to a read sent before a write that forgot the resource is not kept (it may show the state before the write)', () => {
    const { recent, tick, now } = reads();
    const sentAt = now();
    tick();
    recent.written('POST', '/servers/1/actions/poweroff');
    tick();
    recent.remember('/servers', { servers: [server(1, 'web-1'), server(2, 'web-2')] }, sentAt);
    expect(recent.byId('servers', 1)).toBeUndefined();
    expect(recent.byId('servers', 2)).toBeDefined();
    recent.remember('/servers/1', { server: server(1, 'web-1', 'off') }, now());
    expect(recent.byId('servers', 1)).toMatchObject({ status: 'off' });
  });

  it('answers by name only when exactly one kept resource has it', () => {
    const { recent, now } = reads();
    recent.remember('/servers', { servers: [server(1, 'twin'), server(2, 'twin')] }, now());
    expect(recent.byName('servers', 'twin')).toBeUndefined();
    expect(recent.byName('volumes', 'twin')).toBeUndefined();
  });
});
