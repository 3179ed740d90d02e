import { KbrunError } from '@kbrun/core';

/** Every lab's namespaces start with it (lab-paths.ts names them). */
const LAB_NAMESPACE_PREFIX = 'kbrun-lab.';

/** An IPv4 network as `a.b.c.d/len`. */
export interface Ipv4Network {
  address: string;
  prefix: number;
}

/** The lab's network: the fleet's private network, 10.0.0.0/16. */
export const LAB_NETWORK: Ipv4Network = { address: '10.0.0.0', prefix: 16 };

/** The switch namespace's own address on the lab bridge (the forwarders connect from it); no fleet host uses it. */
export const SWITCH_ADDRESS = '10.0.255.254';

/** What `ip -j` shows of one namespace: its interfaces (with their kind), addresses and routes of every table. */
export interface NamespaceView {
  /** The namespace's name, or undefined for the machine's own namespace. */
  namespace: string | undefined;
  /** `peerNamespace`: for a veth whose other end is in a named namespace, that namespace (from `ip netns list-id`). */
  links: Array<{ ifname: string; kind: string | undefined; peerNamespace?: string | undefined }>;
  addresses: Array<{ ifname: string; family: 'inet' | 'inet6'; local: string; prefixlen: number }>;
  routes: Array<{ family: 'inet' | 'inet6'; dst: string; dev: string | undefined; type: string | undefined; table: string | undefined }>;
}

/** The role a namespace plays, which decides the interfaces it may hold. */
export type NamespaceRole = 'machine' | 'switch' | 'host';

/** One way a namespace breaks the sealing. */
export interface SealingViolation {
  namespace: string;
  problem: string;
}

/** `a.b.c.d` → its 32-bit number, or undefined when it is not an IPv4 address. */
export function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** The first and last address of a network (`default` is 0.0.0.0/0; a bare address is a /32). */
function range(dst: string): [number, number] | undefined {
  if (dst === 'default') return [0, 2 ** 32 - 1];
  const [address, prefixText] = dst.split('/');
  const start = ipv4ToNumber(address ?? '');
  if (start === undefined) return undefined;
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  const size = 2 ** (32 - prefix);
  const first = Math.floor(start / size) * size;
  return [first, first + size - 1];
}

/** True when `address` lies inside `network`. */
export function inNetwork(address: string, network: Ipv4Network = LAB_NETWORK): boolean {
  const a = range(address);
  const n = range(`${network.address}/${network.prefix}`)!;
  return a !== undefined && a[0] >= n[0] && a[1] <= n[1];
}

/** True when the networks share at least one address. */
function overlaps(dst: string, network: Ipv4Network): boolean {
  const a = range(dst);
  const n = range(`${network.address}/${network.prefix}`)!;
  return a !== undefined && a[0] <= n[1] && n[0] <= a[1];
}

/**
 * Judges the sealing of a lab from what its namespaces and the machine's own namespace show:
 * - the switch holds only `lo`, the bridge `br0` and the hosts' veths, routes only inside the lab network;
 * - a host holds its veth `eth0` (lab addresses only, IPv6 link-local) and may create virtual interfaces of its own
 *   (Docker's bridge and veths, dummies, tunnels: their traffic can only leave through `eth0`), but no device without
 *   a kind (a physical one); routes through `eth0` stay inside the lab network;
 * - no lab namespace has a default route in any table (IPv4 or IPv6);
 * - the machine's own namespace has no address in the lab network, no route into it (its default route aside) and no
 *   veth whose other end is in a lab namespace.
 */
export function sealingViolations(views: ReadonlyArray<{ role: NamespaceRole; view: NamespaceView }>, network: Ipv4Network = LAB_NETWORK): SealingViolation[] {
  const violations: SealingViolation[] = [];
  const cidr = `${network.address}/${network.prefix}`;
  for (const { role, view } of views) {
    const name = view.namespace ?? "the machine's own namespace";
    const add = (problem: string) => violations.push({ namespace: name, problem });
    if (role === 'machine') {
      for (const a of view.addresses) if (a.family === 'inet' && inNetwork(a.local, network)) add(`has the lab address ${a.local}/${a.prefixlen} on ${a.ifname}`);
      for (const r of view.routes) if (r.family === 'inet' && r.dst !== 'default' && overlaps(r.dst, network)) add(`has a route to ${r.dst}${r.dev ? ` via ${r.dev}` : ''}, inside the lab network ${cidr}`);
      for (const l of view.links) if (l.peerNamespace?.startsWith(LAB_NAMESPACE_PREFIX)) add(`has the interface ${l.ifname}, whose other end is in the lab namespace ${l.peerNamespace}`);
      continue;
    }
    for (const link of view.links) {
      const allowed =
        link.ifname === 'lo' ||
        (role === 'host' && (link.ifname === 'eth0' ? link.kind === 'veth' : link.kind !== undefined)) ||
        (role === 'switch' && ((link.ifname === 'br0' && link.kind === 'bridge') || (/^vh-\d+-\d+$/.test(link.ifname) && link.kind === 'veth')));
      if (!allowed) add(`has the interface ${link.ifname}${link.kind ? ` (${link.kind})` : ' (a device)'}, which is not the lab's`);
    }
    if (role === 'host' && !view.links.some((l) => l.ifname === 'eth0')) add('has no lab interface eth0');
    // A host's own virtual interfaces (docker0…) may carry other networks; the lab's links may not.
    const labLink = (dev: string | undefined) => role === 'switch' || dev === 'eth0';
    for (const r of view.routes) {
      if (r.dst === 'default') {
        add(`has a default route (${r.family === 'inet' ? 'IPv4' : 'IPv6'}${r.table && r.table !== 'main' ? `, table ${r.table}` : ''}${r.dev ? ` via ${r.dev}` : ''})`);
        continue;
      }
      if (r.dev === 'lo' || !labLink(r.dev)) continue;
      if (r.family === 'inet' && !inNetwork(r.dst, network)) add(`has a route to ${r.dst}${r.dev ? ` via ${r.dev}` : ''}, outside the lab network ${cidr}`);
      if (r.family === 'inet6' && !/^(fe[89ab][0-9a-f]:|ff[0-9a-f]{2}:)/i.test(r.dst)) add(`has an IPv6 route to ${r.dst}, which is not link-local`);
    }
    for (const a of view.addresses) {
      if (a.ifname === 'lo' || !labLink(a.ifname)) continue;
      if (a.family === 'inet' && !inNetwork(a.local, network)) add(`has the address ${a.local} on ${a.ifname}, outside the lab network ${cidr}`);
      if (a.family === 'inet6' && !/^fe[89ab][0-9a-f]:/i.test(a.local)) add(`has the IPv6 address ${a.local} on ${a.ifname}, which is not link-local`);
    }
  }
  return violations;
}

/** Throws E_LAB_NOT_SEALED listing every violation; nothing is booted after it. */
export function assertSealed(violations: readonly SealingViolation[], labName: string): void {
  if (violations.length === 0) return;
  const lines = violations.map((v) => `  - ${v.namespace} ${v.problem}`);
  throw new KbrunError('E_LAB_NOT_SEALED', `the lab network of lab '${labName}' is not sealed; refusing to boot anything:\n${lines.join('\n')}`, {
    hint: 'something changed the lab namespaces or the machine has a lab address or route; kbrun lab down removes the lab, then kbrun lab up builds it again',
  });
}
