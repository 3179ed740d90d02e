// Linux's TCP socket tables (/proc/net/tcp, /proc/net/tcp6), read for wait_for's state=drained.
import { isIP } from 'node:net';

/** TCP states by name, as /proc/net/tcp numbers them (include/net/tcp_states.h). */
export const TCP_STATES: Readonly<Record<string, number>> = {
  ESTABLISHED: 0x01,
  SYN_SENT: 0x02,
  SYN_RECV: 0x03,
  FIN_WAIT1: 0x04,
  FIN_WAIT2: 0x05,
  TIME_WAIT: 0x06,
  CLOSE: 0x07,
  CLOSE_WAIT: 0x08,
  LAST_ACK: 0x09,
  LISTEN: 0x0a,
  CLOSING: 0x0b,
};

/** One socket of the table: addresses in canonical form (see `canonicalAddress`). */
export interface TcpSocketEntry {
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  state: number;
}

/**
 * Parses the concatenated text of /proc/net/tcp and /proc/net/tcp6 (header lines skipped). The kernel prints each
 * 32-bit word of an address in the machine's byte order; targets are little-endian (x86-64, arm64).
 */
export function parseTcpTable(text: string): TcpSocketEntry[] {
  const entries: TcpSocketEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || !/^\d+:$/.test(fields[0]!)) continue;
    const local = parseEndpoint(fields[1]!);
    const remote = parseEndpoint(fields[2]!);
    if (!local || !remote) continue;
    entries.push({ local: local.address, localPort: local.port, remote: remote.address, remotePort: remote.port, state: parseInt(fields[3]!, 16) });
  }
  return entries;
}

function parseEndpoint(text: string): { address: string; port: number } | undefined {
  const match = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (!match) return undefined;
  const words = match[1]!.match(/.{8}/g)!.map((word) => word.match(/../g)!.reverse().join(''));
  const hex = words.join('').toLowerCase();
  return { address: canonicalFromHex(hex), port: parseInt(match[2]!, 16) };
}

/** An address from its bytes in network order (8 or 32 hex digits): IPv4 dotted, IPv4-mapped IPv6 as IPv4, other IPv6 as 32 hex digits. */
function canonicalFromHex(hex: string): string {
  if (hex.length === 32 && hex.startsWith('00000000000000000000ffff')) hex = hex.slice(24);
  if (hex.length === 8) return (hex.match(/../g) ?? []).map((byte) => parseInt(byte, 16)).join('.');
  return hex;
}

/**
 * One spelling per address, to compare them: IPv4 dotted (`127.0.0.1`, also for `::ffff:127.0.0.1`), IPv6 as 32
 * lower-case hex digits. Undefined for something that is not an IP address.
 */
export function canonicalAddress(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return bare.split('.').map(Number).join('.');
  if (family !== 6) return undefined;
  let text = bare.toLowerCase().replace(/%.*$/, '');
  // An embedded IPv4 tail (`::ffff:10.0.0.1`) becomes its two groups (`::ffff:a00:1`).
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const all = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (all.length !== 8) return undefined;
  return canonicalFromHex(all.map((group) => group.padStart(4, '0')).join(''));
}

/** Which sockets count for `drained`: those on `port` whose local address is one of `addresses` (or any, for 0.0.0.0/::). */
export interface DrainQuery {
  port: number;
  /** Canonical local addresses; `0.0.0.0` matches every IPv4 address, `::` (all zeros) every address. */
  addresses: ReadonlySet<string>;
  /** Canonical remote addresses whose connections are ignored (`exclude_hosts`). */
  excluded: ReadonlySet<string>;
  states: ReadonlySet<number>;
}

const ANY_IPV6 = '0'.repeat(32);

/** The sockets of `entries` that keep a port from being drained. */
export function activeConnections(entries: readonly TcpSocketEntry[], query: DrainQuery): TcpSocketEntry[] {
  return entries.filter((entry) => {
    if (entry.localPort !== query.port || !query.states.has(entry.state)) return false;
    if (query.excluded.has(entry.remote)) return false;
    const ipv4 = !entry.local.match(/^[0-9a-f]{32}$/);
    return query.addresses.has(entry.local) || query.addresses.has(ANY_IPV6) || (ipv4 && query.addresses.has('0.0.0.0'));
  });
}
