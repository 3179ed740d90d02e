import { describe, expect, it } from 'vitest';
import { sealingViolations, type NamespaceView } from '../src/sealing.js';

// The sealing rules judged on what `ip -j` would show; the end-to-end test breaks a real lab (test/lab.test.ts).
const lo = { ifname: 'lo', kind: undefined };
const loRoutes: NamespaceView['routes'] = [{ family: 'inet', dst: '127.0.0.0/8', dev: 'lo', type: 'local', table: 'local' }];

function host(extra: Partial<NamespaceView> = {}): NamespaceView {
  return {
    namespace: 'kbrun-lab.t.h1',
    links: [lo, { ifname: 'eth0', kind: 'veth' }],
    addresses: [
      { ifname: 'lo', family: 'inet', local: '127.0.0.1', prefixlen: 8 },
      { ifname: 'eth0', family: 'inet', local: '10.0.0.120', prefixlen: 16 },
      { ifname: 'eth0', family: 'inet6', local: 'fe80::1', prefixlen: 64 },
    ],
    routes: [
      ...loRoutes,
      { family: 'inet', dst: '10.0.0.0/16', dev: 'eth0', type: undefined, table: undefined },
      { family: 'inet', dst: '10.0.0.120', dev: 'eth0', type: 'local', table: 'local' },
      { family: 'inet6', dst: 'fe80::/64', dev: 'eth0', type: undefined, table: undefined },
      { family: 'inet6', dst: 'ff00::/8', dev: 'eth0', type: 'multicast', table: 'local' },
    ],
    ...extra,
  };
}

const machine: NamespaceView = {
  namespace: undefined,
  links: [lo, { ifname: 'eth0', kind: undefined }],
  addresses: [{ ifname: 'eth0', family: 'inet', local: '192.0.2.2', prefixlen: 24 }],
  routes: [
    { family: 'inet', dst: 'default', dev: 'eth0', type: undefined, table: undefined },
    { family: 'inet', dst: '192.0.2.0/24', dev: 'eth0', type: undefined, table: undefined },
  ],
};

describe('lab sealing rules', () => {
  it('accepts a sealed lab: hosts with lo and eth0 only, no default route, the machine without lab address or route', () => {
    expect(sealingViolations([{ role: 'machine', view: machine }, { role: 'host', view: host() }])).toEqual([]);
  });

  it('refuses a default route in a lab namespace (any table, IPv4 or IPv6)', () => {
    const broken = host({ routes: [...host().routes, { family: 'inet', dst: 'default', dev: 'eth0', type: undefined, table: '100' }] });
    expect(sealingViolations([{ role: 'host', view: broken }])).toEqual([{ namespace: 'kbrun-lab.t.h1', problem: 'has a default route (IPv4, table 100 via eth0)' }]);
    const broken6 = host({ routes: [...host().routes, { family: 'inet6', dst: 'default', dev: 'eth0', type: undefined, table: undefined }] });
    expect(sealingViolations([{ role: 'host', view: broken6 }])[0]?.problem).toMatch(/default route \(IPv6/);
  });

  it("lets a host make virtual interfaces of its own (Docker's bridge), not hold a device; routes via eth0 stay in the lab network", () => {
    const docker = host({
      links: [...host().links, { ifname: 'docker0', kind: 'bridge' }, { ifname: 'veth1a2b', kind: 'veth' }],
      addresses: [...host().addresses, { ifname: 'docker0', family: 'inet', local: '172.17.0.1', prefixlen: 16 }],
      routes: [...host().routes, { family: 'inet', dst: '172.17.0.0/16', dev: 'docker0', type: undefined, table: undefined }],
    });
    expect(sealingViolations([{ role: 'host', view: docker }])).toEqual([]);
    const device = host({ links: [...host().links, { ifname: 'ens3', kind: undefined }] });
    expect(sealingViolations([{ role: 'host', view: device }]).map((v) => v.problem)).toEqual(["has the interface ens3 (a device), which is not the lab's"]);
    const route = host({ routes: [...host().routes, { family: 'inet', dst: '192.168.0.0/16', dev: 'eth0', type: undefined, table: undefined }] });
    expect(sealingViolations([{ role: 'host', view: route }]).map((v) => v.problem)).toEqual(['has a route to 192.168.0.0/16 via eth0, outside the lab network 10.0.0.0/16']);
    const global6 = host({ addresses: [...host().addresses, { ifname: 'eth0', family: 'inet6', local: '2001:db8::1', prefixlen: 64 }] });
    expect(sealingViolations([{ role: 'host', view: global6 }]).map((v) => v.problem)).toEqual(['has the IPv6 address 2001:db8::1 on eth0, which is not link-local']);
  });

  it("refuses a lab address or a route into the lab network in the machine's own namespace (its default route aside)", () => {
    const withAddress: NamespaceView = { ...machine, addresses: [...machine.addresses, { ifname: 'eth0', family: 'inet', local: '10.0.0.5', prefixlen: 24 }] };
    const withRoute: NamespaceView = { ...machine, routes: [...machine.routes, { family: 'inet', dst: '10.0.0.0/8', dev: 'eth0', type: undefined, table: undefined }] };
    expect(sealingViolations([{ role: 'machine', view: withAddress }]).map((v) => v.problem)).toEqual(['has the lab address 10.0.0.5/24 on eth0']);
    expect(sealingViolations([{ role: 'machine', view: withRoute }]).map((v) => v.problem)).toEqual(['has a route to 10.0.0.0/8 via eth0, inside the lab network 10.0.0.0/16']);
    const withVeth: NamespaceView = { ...machine, links: [...machine.links, { ifname: 'leak0', kind: 'veth', peerNamespace: 'kbrun-lab.t.h1' }] };
    expect(sealingViolations([{ role: 'machine', view: withVeth }]).map((v) => v.problem)).toEqual(['has the interface leak0, whose other end is in the lab namespace kbrun-lab.t.h1']);
  });

  it('lets the switch hold its bridge and the hosts\' veths, nothing else', () => {
    const sw: NamespaceView = {
      namespace: 'kbrun-lab.t.switch',
      links: [lo, { ifname: 'br0', kind: 'bridge' }, { ifname: 'vh-0-120', kind: 'veth' }, { ifname: 'eth1', kind: 'veth' }],
      addresses: [{ ifname: 'br0', family: 'inet', local: '10.0.255.254', prefixlen: 16 }],
      routes: [{ family: 'inet', dst: '10.0.0.0/16', dev: 'br0', type: undefined, table: undefined }],
    };
    expect(sealingViolations([{ role: 'switch', view: sw }]).map((v) => v.problem)).toEqual(["has the interface eth1 (veth), which is not the lab's"]);
  });
});
