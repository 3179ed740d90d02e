// The simulated project: every resource record, id counters and address pools.

import type { DatacenterInfo, ImageInfo, LoadBalancerTypeInfo, LocationInfo, ServerTypeInfo } from './catalog.js';
import { formatIpv4, parseCidr, parseIpv4, PUBLIC_POOLS } from './ipv4.js';
import type { FirewallRuleInput, ServerStatus } from './types.js';

/** A server. Volumes, firewalls and load balancers refer to it; the server itself does not store them. */
export interface ServerRecord {
  id: number;
  name: string;
  status: ServerStatus;
  created: string;
  serverType: ServerTypeInfo;
  datacenter: DatacenterInfo;
  image: ImageInfo | null;
  ipv4: { id: number; ip: string } | null;
  ipv6: { id: number; ip: string } | null;
  privateNets: Array<{ networkId: number; ip: string; aliasIps: string[]; mac: string }>;
  labels: Record<string, string>;
  protection: { delete: boolean; rebuild: boolean };
  /** Created with SSH keys: no root password is returned on rebuild. */
  hasSshKeys: boolean;
  /** The image a running rebuild installs. */
  pendingImage?: ImageInfo;
}

/** A volume. */
export interface VolumeRecord {
  id: number;
  name: string;
  created: string;
  size: number;
  location: LocationInfo;
  serverId: number | null;
  labels: Record<string, string>;
  status: 'creating' | 'available';
  format: string | null;
  protection: { delete: boolean };
}

/** An SSH key. */
export interface SshKeyRecord {
  id: number;
  name: string;
  publicKey: string;
  fingerprint: string;
  labels: Record<string, string>;
  created: string;
}

/** A subnet of a network. */
export interface SubnetRecord {
  type: 'cloud' | 'server' | 'vswitch';
  ipRange: string;
  networkZone: string;
  gateway: string;
}

/** A private network. */
export interface NetworkRecord {
  id: number;
  name: string;
  ipRange: string;
  subnets: SubnetRecord[];
  routes: Array<{ destination: string; gateway: string }>;
  labels: Record<string, string>;
  protection: { delete: boolean };
  created: string;
  exposeRoutesToVswitch: boolean;
}

/** A firewall rule as stored (every field present). */
export interface FirewallRule {
  direction: 'in' | 'out';
  protocol: FirewallRuleInput['protocol'];
  port: string | null;
  source_ips: string[];
  destination_ips: string[];
  description: string | null;
}

/** What a firewall is applied to. */
export type FirewallTarget = { type: 'server'; serverId: number } | { type: 'label_selector'; selector: string };

/** A firewall. */
export interface FirewallRecord {
  id: number;
  name: string;
  labels: Record<string, string>;
  created: string;
  rules: FirewallRule[];
  appliedTo: FirewallTarget[];
  /** Servers whose `apply_firewall` action still runs (status `pending` on the server). */
  pending: Set<number>;
}

/** A load balancer service. */
export interface LbService {
  protocol: 'tcp' | 'http' | 'https';
  listen_port: number;
  destination_port: number;
  proxyprotocol: boolean;
  health_check: Record<string, unknown>;
  http: Record<string, unknown> | null;
}

/** A load balancer target. */
export type LbTarget =
  | { type: 'server'; serverId: number; usePrivateIp: boolean }
  | { type: 'label_selector'; selector: string; usePrivateIp: boolean }
  | { type: 'ip'; ip: string };

/** A load balancer. */
export interface LoadBalancerRecord {
  id: number;
  name: string;
  created: string;
  lbType: LoadBalancerTypeInfo;
  location: LocationInfo;
  algorithm: 'round_robin' | 'least_connections';
  services: LbService[];
  targets: LbTarget[];
  labels: Record<string, string>;
  protection: { delete: boolean };
  publicEnabled: boolean;
  ipv4: string;
  ipv6: string;
  privateNets: Array<{ networkId: number; ip: string }>;
}

/** First ids of each kind: distinct ranges, so a client that confuses kinds of ids gets `not_found`. */
const FIRST_ID = {
  server: 100001,
  volume: 200001,
  ssh_key: 300001,
  network: 400001,
  firewall: 500001,
  load_balancer: 600001,
  primary_ip: 700001,
  action: 1,
} as const;

/** Kinds of ids the store hands out. */
export type IdKind = keyof typeof FIRST_ID;

/** Every resource of the simulated project. */
export class Store {
  readonly servers = new Map<number, ServerRecord>();
  readonly volumes = new Map<number, VolumeRecord>();
  readonly sshKeys = new Map<number, SshKeyRecord>();
  readonly networks = new Map<number, NetworkRecord>();
  readonly firewalls = new Map<number, FirewallRecord>();
  readonly loadBalancers = new Map<number, LoadBalancerRecord>();
  private readonly next: Record<IdKind, number> = { ...FIRST_ID };

  /** The next id of a kind. */
  nextId(kind: IdKind): number {
    const id = this.next[kind];
    this.next[kind] = id + 1;
    return id;
  }

  /** Make sure later ids of a kind are above `id` (for seeds with fixed ids). */
  reserveId(kind: IdKind, id: number): void {
    if (id >= this.next[kind]) this.next[kind] = id + 1;
  }

  /** Every public IPv4 in use. */
  private usedPublicIps(): Set<string> {
    const used = new Set<string>();
    for (const s of this.servers.values()) if (s.ipv4) used.add(s.ipv4.ip);
    for (const lb of this.loadBalancers.values()) used.add(lb.ipv4);
    return used;
  }

  /** A free public IPv4 from the documentation ranges. */
  allocatePublicIpv4(): string {
    const used = this.usedPublicIps();
    for (const pool of PUBLIC_POOLS) {
      const range = parseCidr(pool);
      if (!range) continue;
      for (let host = 1; host < range.size - 1; host += 1) {
        const ip = formatIpv4(range.base + host);
        if (!used.has(ip)) return ip;
      }
    }
    throw new Error('the simulated public address pools are exhausted');
  }

  /** Every private address in use in a network. */
  usedPrivateIps(networkId: number): Set<string> {
    const used = new Set<string>();
    for (const s of this.servers.values()) {
      for (const p of s.privateNets) {
        if (p.networkId !== networkId) continue;
        used.add(p.ip);
        p.aliasIps.forEach((a) => used.add(a));
      }
    }
    for (const lb of this.loadBalancers.values()) {
      for (const p of lb.privateNets) if (p.networkId === networkId) used.add(p.ip);
    }
    return used;
  }

  /** A free address in a network's subnets (the first hosts are skipped: the gateway lives there). */
  allocatePrivateIp(network: NetworkRecord): string | undefined {
    const used = this.usedPrivateIps(network.id);
    const gateway = parseIpv4(network.subnets[0]?.gateway ?? '');
    for (const subnet of network.subnets) {
      const range = parseCidr(subnet.ipRange);
      if (!range) continue;
      for (let host = 2; host < range.size - 1; host += 1) {
        const n = range.base + host;
        const ip = formatIpv4(n);
        if (n !== gateway && !used.has(ip)) return ip;
      }
    }
    return undefined;
  }

  /** A server by id, or by name when `ref` is not numeric. */
  findServer(ref: unknown): ServerRecord | undefined {
    if (typeof ref === 'number') return this.servers.get(ref);
    if (typeof ref !== 'string') return undefined;
    if (/^\d+$/.test(ref)) return this.servers.get(Number(ref));
    return [...this.servers.values()].find((s) => s.name === ref);
  }
}
