// Dotted-quad IPv4 addresses: strict syntax and the private ranges.

const QUAD = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

/** The four octets of a strict dotted-quad address (no leading zeros, each 0–255), or undefined. */
export function parseIpv4(text: string): [number, number, number, number] | undefined {
  const m = QUAD.exec(text);
  if (!m) return undefined;
  const octets = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number];
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** True for an RFC 1918 address (10/8, 172.16/12, 192.168/16). */
export function isPrivateIpv4(text: string): boolean {
  const o = parseIpv4(text);
  if (!o) return false;
  return o[0] === 10 || (o[0] === 172 && o[1] >= 16 && o[1] <= 31) || (o[0] === 192 && o[1] === 168);
}

/** True for an address no public interface can have: 0/8, loopback, link-local, multicast and above. */
export function isReservedIpv4(text: string): boolean {
  const o = parseIpv4(text);
  if (!o) return false;
  return o[0] === 0 || o[0] === 127 || (o[0] === 169 && o[1] === 254) || o[0] >= 224;
}
