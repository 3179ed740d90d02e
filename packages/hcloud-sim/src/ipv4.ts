// IPv4 helpers for networks, subnets and address pools.

import { parseIpv4 as ipv4Octets } from '@kbrun/fleet-data';

/** An IPv4 address as a 32-bit unsigned number, or undefined when `text` is not a strict dotted quad (@kbrun/fleet-data's syntax). */
export function parseIpv4(text: string): number | undefined {
  const o = ipv4Octets(text);
  return o === undefined ? undefined : ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
}

/** Dotted quad of a 32-bit number. */
export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** A CIDR range. */
export interface Cidr {
  base: number;
  prefix: number;
  size: number;
}

/** Parse `10.0.0.0/16`; undefined when invalid or when the base has host bits set. */
export function parseCidr(text: string): Cidr | undefined {
  const [ip = '', bits = ''] = text.split('/');
  const base = parseIpv4(ip);
  if (base === undefined || !/^\d{1,2}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { base, prefix, size };
}

/** Whether `ip` lies in `range`. */
export function cidrContains(range: Cidr, ip: number): boolean {
  return ip >= range.base && ip < range.base + range.size;
}

/** Whether `inner` lies entirely in `outer`. */
export function cidrInside(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

/** Whether two ranges overlap. */
export function cidrOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** `base/prefix` text of a range. */
export function formatCidr(c: Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}

/** Documentation ranges (RFC 5737) used for public addresses of simulated resources. */
export const PUBLIC_POOLS: readonly string[] = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24'];
