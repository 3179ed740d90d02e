import type { Simulator } from './types.js';

/**
 * Where a simulated server's port 22 really is: given the public IPv4 a playbook names, the loopback address
 * and port the simulator opened for that server (undefined for any other address or port).
 * Public IPs are read from the simulator's state once, and again only for an address not found there
 * (a server created since), not on every connection.
 */
export function sshAddressMap(simulator: Simulator): (host: string, port: number) => { host: string; port: number } | undefined {
  let serverByIp = new Map<string, number>();
  const refresh = (): void => {
    serverByIp = new Map();
    for (const server of simulator.state().servers as Array<{ id: number; public_net?: { ipv4?: { ip?: string } | null } }>) {
      const ip = server.public_net?.ipv4?.ip;
      if (ip) serverByIp.set(ip, server.id);
    }
  };
  return (host, port) => {
    if (port !== 22) return undefined;
    if (!serverByIp.has(host)) refresh();
    const id = serverByIp.get(host);
    const endpoint = id === undefined ? undefined : simulator.sshEndpoint(id);
    return endpoint ? { host: endpoint.host, port: endpoint.port } : undefined;
  };
}
