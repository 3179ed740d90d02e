import { existsSync } from 'node:fs';
import { KbrunError } from '@kbrun/core';
import { runChecked, runCommand } from './run-command.js';
import { ipv4ToNumber, LAB_NETWORK, SWITCH_ADDRESS, type NamespaceView } from './sealing.js';

/** The lab bridge's name inside the switch namespace. */
export const BRIDGE = 'br0';

/** The path nspawn and nsenter take for a named network namespace. */
export function namespacePath(namespace: string): string {
  return `/run/netns/${namespace}`;
}

/** The name of a host's veth end in the switch namespace, from its address (`10.0.0.120` → `vh-0-120`). */
export function switchVethName(address: string): string {
  const [, , c, d] = address.split('.');
  return `vh-${c}-${d}`;
}

/** The network namespaces named `ip netns list` shows. */
export async function listNamespaces(): Promise<string[]> {
  const result = await runChecked('ip', ['-j', 'netns', 'list']);
  const parsed = result.stdout.trim() === '' ? [] : (JSON.parse(result.stdout) as Array<{ name: string }>);
  return parsed.map((n) => n.name);
}

/** Creates the switch namespace with its bridge and address, unless it exists. */
export async function ensureSwitch(namespace: string): Promise<void> {
  if (existsSync(namespacePath(namespace))) return;
  const ip = (...args: string[]) => runChecked('ip', ['-n', namespace, ...args]);
  await runChecked('ip', ['netns', 'add', namespace]);
  await ip('link', 'set', 'lo', 'up');
  await ip('link', 'add', BRIDGE, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
  await ip('addr', 'add', `${SWITCH_ADDRESS}/${LAB_NETWORK.prefix}`, 'dev', BRIDGE);
  await ip('link', 'set', BRIDGE, 'up');
}

/**
 * Creates a host's namespace and its link to the switch: the veth is made inside the switch namespace with its
 * peer born in the host's namespace as `eth0`, so it never exists in the machine's own namespace, not even briefly.
 */
export async function addHostNamespace(switchNamespace: string, namespace: string, address: string): Promise<string> {
  if (ipv4ToNumber(address) === undefined) throw new KbrunError('E_LAB', `${address} is not an IPv4 address`);
  const veth = switchVethName(address);
  if (existsSync(namespacePath(namespace))) return veth;
  await runChecked('ip', ['netns', 'add', namespace]);
  await runChecked('ip', ['-n', switchNamespace, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
  await runChecked('ip', ['-n', switchNamespace, 'link', 'set', veth, 'master', BRIDGE, 'up']);
  const ip = (...args: string[]) => runChecked('ip', ['-n', namespace, ...args]);
  await ip('link', 'set', 'lo', 'up');
  await ip('addr', 'add', `${address}/${LAB_NETWORK.prefix}`, 'dev', 'eth0');
  await ip('link', 'set', 'eth0', 'up');
  return veth;
}

/** Removes a network namespace (its interfaces go with it; the veth peer in the switch too). */
export async function deleteNamespace(namespace: string): Promise<void> {
  await runCommand('ip', ['netns', 'del', namespace]);
}

/** What `ip -j` shows of a namespace (undefined: the machine's own). */
export async function readNamespaceView(namespace: string | undefined): Promise<NamespaceView> {
  const ip = async (...args: string[]): Promise<unknown[]> => {
    const result = await runChecked('ip', [...(namespace ? ['-n', namespace] : []), '-j', ...args]);
    return result.stdout.trim() === '' ? [] : (JSON.parse(result.stdout) as unknown[]);
  };
  type Link = { ifname: string; linkinfo?: { info_kind?: string }; link_netnsid?: number };
  type Addr = { ifname: string; addr_info?: Array<{ family: 'inet' | 'inet6'; local: string; prefixlen: number }> };
  type Route = { dst: string; dev?: string; type?: string; table?: string };
  const links = (await ip('-d', 'link', 'show')) as Link[];
  const addrs = (await ip('addr', 'show')) as Addr[];
  const routes4 = (await ip('-4', 'route', 'show', 'table', 'all')) as Route[];
  const routes6 = (await ip('-6', 'route', 'show', 'table', 'all')) as Route[];
  // Which named namespace a veth's other end is in, as this namespace numbers them.
  const ids = new Map(((await ip('netns', 'list-id')) as Array<{ nsid: number; name?: string }>).map((n) => [n.nsid, n.name]));
  return {
    namespace,
    links: links.map((l) => ({ ifname: l.ifname, kind: l.linkinfo?.info_kind, peerNamespace: l.link_netnsid === undefined ? undefined : ids.get(l.link_netnsid) })),
    addresses: addrs.flatMap((a) => (a.addr_info ?? []).map((i) => ({ ifname: a.ifname, family: i.family, local: i.local, prefixlen: i.prefixlen }))),
    routes: [
      ...routes4.map((r) => ({ family: 'inet' as const, dst: r.dst, dev: r.dev, type: r.type, table: r.table })),
      ...routes6.map((r) => ({ family: 'inet6' as const, dst: r.dst, dev: r.dev, type: r.type, table: r.table })),
    ],
  };
}
