// ufw's stored rules ("### tuple ###" lines of user.rules/user6.rules) and whether they let an SSH connection in.

/** One stored ufw rule. */
export interface UfwTuple {
  /** The line as stored (without the "### tuple ### " prefix). */
  text: string;
  /** allow, deny, reject, limit (logging suffix removed); route rules keep "route:". */
  action: string;
  proto: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  /** in, out, in_eth0… */
  direction: string;
  v6: boolean;
}

/** The SSH connection a guard protects: the server port, and the addresses when known. */
export interface SshEndpoint {
  clientIp?: string;
  serverIp?: string;
  port: number;
}

/** Parses "### tuple ###" lines (any other line is ignored). */
export function parseTuples(text: string): UfwTuple[] {
  const tuples: UfwTuple[] = [];
  for (const line of text.split('\n')) {
    const match = /^### tuple ### (.*)$/.exec(line.trim());
    if (!match) continue;
    const body = match[1]!.trim();
    const fields = body.replace(/ comment=\S*$/, '').split(/\s+/);
    if (fields.length < 7) continue;
    const [action, proto, dport, dst, sport, src] = fields as [string, string, string, string, string, string];
    const direction = fields.at(-1)!;
    tuples.push({ text: body, action: action.replace(/_log(-all)?$/, ''), proto, dport, dst, sport, src, direction, v6: dst.includes(':') || src.includes(':') });
  }
  return tuples;
}

/** Whether a port field ("any", "22", "20:30", "22,80,1000:2000") includes a port. */
export function portCovers(field: string, port: number): boolean {
  if (field === 'any') return true;
  return field.split(',').some((part) => {
    const [low, high] = part.split(':').map(Number);
    return high === undefined ? low === port : low! <= port && port <= high;
  });
}

/** Whether an address field ("any", "0.0.0.0/0", "10.0.0.0/16", "10.0.0.5", "::/0") includes an address. */
export function addressCovers(field: string, address: string | undefined): boolean {
  if (field === 'any' || field === '0.0.0.0/0' || field === '::/0') return true;
  if (address === undefined) return false;
  const [net, bits] = field.split('/');
  if (net === undefined) return false;
  if (!net.includes(':') && !address.includes(':')) {
    const prefix = bits === undefined ? 32 : Number(bits);
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    const a = ipv4Number(address);
    const n = ipv4Number(net);
    return a !== undefined && n !== undefined && (a & mask) >>> 0 === (n & mask) >>> 0;
  }
  return bits === undefined && net.toLowerCase() === address.toLowerCase();
}

function ipv4Number(address: string): number | undefined {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** Whether a stored rule lets the SSH connection in (allow/limit, inbound on any interface, tcp, its port and addresses). */
export function tupleAllowsSsh(tuple: UfwTuple, ssh: SshEndpoint): boolean {
  if (tuple.action !== 'allow' && tuple.action !== 'limit') return false;
  if (tuple.direction !== 'in') return false;
  if (tuple.proto !== 'any' && tuple.proto !== 'tcp') return false;
  if (!portCovers(tuple.dport, ssh.port)) return false;
  if (ssh.clientIp !== undefined && tuple.v6 !== ssh.clientIp.includes(':')) return false;
  return addressCovers(tuple.src, ssh.clientIp) && addressCovers(tuple.dst, ssh.serverIp);
}

/** Reads SSH_CONNECTION ("client port server port"); IPv4-mapped IPv6 addresses become IPv4. */
export function parseSshConnection(value: string): SshEndpoint | undefined {
  const [client, , server, port] = value.trim().split(/\s+/);
  if (client === undefined || server === undefined || port === undefined || !/^\d+$/.test(port)) return undefined;
  const plain = (ip: string) => ip.replace(/^::ffff:/i, '');
  return { clientIp: plain(client), serverIp: plain(server), port: Number(port) };
}
