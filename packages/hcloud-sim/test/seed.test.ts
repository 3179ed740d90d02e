import { readFileSync } from 'node:fs';
import { formatTsvError } from '@kbrun/fleet-data';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, labelValueOf, mergeSeeds, seedFromServersTsv, seedFromVolumesJson } from '../src/index.js';
import { fixture, fleetSeed, startSim, type SimHarness } from './helpers/sim-client.js';

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('seedFromServersTsv', () => {
  it('reads the 14-column fleet TSV into servers with IPs and labels', () => {
    const seed = seedFromServersTsv(readFileSync(fixture('servers.tsv'), 'utf8'));
    expect(seed.servers).toHaveLength(5);
    expect(seed.servers?.[1]).toEqual({
      name: 'db-01',
      public_ipv4: '203.0.113.11',
      private_ipv4: '10.0.0.11',
      labels: { env: 'prod', pool: 'data', role: 'postgres', subrole: 'primary', docker_stack: 'postgres', core: 'yes', role_v3: 'db-postgres', logical_name: 'db-primary' },
    });
    expect(seed.servers?.[0]?.labels).not.toHaveProperty('subrole');
    expect(seed.servers?.[3]?.labels?.['docker_stack']).toBe('nginx-php');
  });

  it('refuses a short row with the error of the fleet parser, located in the file', () => {
    const lines = readFileSync(fixture('servers.tsv'), 'utf8').split('\n');
    lines[2] = lines[2]!.split('\t').slice(0, 13).join('\t');
    const thrown = ((): unknown => {
      try {
        return seedFromServersTsv(lines.join('\n'), { file: '/project/servers/servers_v3.tsv' });
      } catch (error) {
        return error;
      }
    })() as { name: string; errors: Parameters<typeof formatTsvError>[0][] };
    expect(thrown.name).toBe('KbrunErrors');
    expect(thrown.errors.map((e) => [e.code, formatTsvError(e)])).toEqual([
      ['E_INVENTORY', 'servers_v3.tsv:3: expected 14 tab-separated columns, found 13; missing LOGICAL_NAME_V3'],
    ]);
  });

  it('turns cells into valid label values', () => {
    expect(labelValueOf('nginx/php')).toBe('nginx-php');
    expect(labelValueOf('  -  ')).toBeUndefined();
    expect(labelValueOf('--x--')).toBe('x');
    expect(labelValueOf('a'.repeat(80))).toHaveLength(63);
  });
});

describe('seedFromVolumesJson', () => {
  it('reads {volumes: [{name, size, location, server}]} and reports bad entries', () => {
    const seed = seedFromVolumesJson(readFileSync(fixture('volumes.json'), 'utf8'));
    expect(seed.volumes).toEqual([
      { name: 'vol-db-01-data', size: 100, location: 'hel1', server: 'db-01' },
      { name: 'vol-db-02-data', size: 100, location: 'hel1', server: 'db-02' },
      { name: 'vol-web-01-uploads', size: 20, location: 'nbg1', server: 'web-01' },
      { name: 'vol-spare', size: 10, location: 'nbg1' },
    ]);
    expect(() => seedFromVolumesJson('{')).toThrow(/not valid JSON/);
    expect(() => seedFromVolumesJson({ vols: [] })).toThrow(/"volumes" array/);
    expect(() => seedFromVolumesJson({ volumes: [{ name: 'x', size: '10' }] })).toThrow(/volumes\[0\]\.size: expected an integer/);
  });
});

describe('applying a seed', () => {
  it('gives stable ids and timestamps from the seed order, and places servers where their volumes are', () => {
    const a = createSimulator({ seed: fleetSeed() }).state();
    const b = createSimulator({ seed: fleetSeed() }).state();
    const ids = (s: typeof a): unknown[] => s.servers.map((x: any) => [x.id, x.name, x.created, x.public_net.ipv4.ip, x.location.name]);
    expect(ids(a)).toEqual(ids(b));
    expect(ids(a)[0]).toEqual([100001, 'install-01', '2024-01-15T10:00:00+00:00', '203.0.113.10', 'nbg1']);
    expect(ids(a)[1]).toEqual([100002, 'db-01', '2024-01-15T10:01:00+00:00', '203.0.113.11', 'hel1']);
    expect(a.volumes.map((v: any) => v.id)).toEqual([200001, 200002, 200003, 200004]);
    expect(a.networks).toHaveLength(1);
    expect(a.networks[0]).toMatchObject({ name: 'private-10-0', ip_range: '10.0.0.0/16' });
  });

  it('allocates free public IPs for servers without one, avoiding seeded addresses', () => {
    const state = createSimulator({
      seed: { servers: [{ name: 'a' }, { name: 'b', public_ipv4: '203.0.113.1' }, { name: 'c' }] },
    }).state();
    expect(state.servers.map((s: any) => s.public_net.ipv4.ip)).toEqual(['203.0.113.2', '203.0.113.1', '203.0.113.3']);
  });

  it('reports seed mistakes clearly', () => {
    expect(() => createSimulator({ seed: { servers: [{ name: 'a' }, { name: 'a' }] } })).toThrow(/seed.servers\[1\] \(a\): the name is used twice/);
    expect(() => createSimulator({ seed: { servers: [{ name: 'a', server_type: 'cx99' }] } })).toThrow(/unknown server_type 'cx99'/);
    expect(() => createSimulator({ seed: { volumes: [{ name: 'v', size: 10, server: 'ghost' }] } })).toThrow(/server 'ghost' is not in the seed/);
    expect(() =>
      createSimulator({ seed: { servers: [{ name: 'a', location: 'fsn1' }], volumes: [{ name: 'v', size: 10, location: 'hel1', server: 'a' }] } }),
    ).toThrow(/the volume is in hel1 but server a is in fsn1/);
    expect(() => createSimulator({ seed: { servers: [{ name: 'a', labels: { 'bad key!': 'x' } }] } })).toThrow(/invalid label key/);
    expect(() => createSimulator({ seed: { ssh_keys: [{ name: 'k', public_key: 'nope' }] } })).toThrow(/seed.ssh_keys\[0\] \(k\): invalid input/);
  });

  it('seeds ssh keys, networks, firewalls and load balancers', async () => {
    const seed = mergeSeeds(fleetSeed(), {
      ssh_keys: [{ name: 'ops', public_key: (await import('./helpers/sim-client.js')).ED25519_KEY }],
      networks: [{ name: 'backend', ip_range: '10.20.0.0/16', subnets: [{ ip_range: '10.20.1.0/24' }] }],
      firewalls: [{ name: 'ssh-only', rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0'] }], servers: ['web-01'] }],
      load_balancers: [{ name: 'front', targets: ['web-01', 'web-02'], services: [{ protocol: 'http' }] }],
    });
    h = await startSim({ seed });
    const state = h.sim.state();
    expect(state.ssh_keys).toHaveLength(1);
    expect(state.networks.map((n: any) => n.name)).toEqual(['backend', 'private-10-0']);
    expect(state.firewalls[0]).toMatchObject({ name: 'ssh-only', applied_to: [{ type: 'server' }] });
    expect(state.load_balancers[0].targets).toHaveLength(2);
    expect(state.actions).toEqual([]);
    const web = (await h.api('GET', '/servers?name=web-01')).body.servers[0];
    expect(web.public_net.firewalls).toEqual([{ id: state.firewalls[0].id, status: 'applied' }]);
    const rebuild = await h.api('POST', `/servers/${web.id}/actions/rebuild`, { image: 'debian-12' });
    expect(rebuild.body.root_password).toBeNull();
  });

  it('dumps a JSON-serialisable state with every kind of resource', async () => {
    h = await startSim({ seed: fleetSeed() });
    const state = h.sim.state();
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(Object.keys(state).sort()).toEqual(['actions', 'firewalls', 'load_balancers', 'networks', 'now', 'servers', 'ssh', 'ssh_keys', 'volumes']);
    expect(state.servers).toHaveLength(5);
    expect(state.volumes).toHaveLength(4);
  });
});
