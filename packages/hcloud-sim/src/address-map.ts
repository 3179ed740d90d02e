import type { Simulator } from './types.js';

/**
 * Where a simulated server's port 22 really is: given the public IPv4 a playbook names, the loopback address
 * and port the simulator opened for that server (undefined for any other address or port).
 */
export function sshAddressMap(simulator: Simulator): (host: string, port: number) => { host: string; port: number } | undefined {
  return (host, port) => {
    if (port !== 22) return undefined;
    for (const server of simulator.state().servers as Array<{ name: string; public_net?: { ipv4?: { ip?: string } | null } }>) {
      if (server.public_net?.ipv4?.ip !== host) continue;
      const endpoint = simulator.sshEndpoint(server.name);
      return endpoint ? { host: endpoint.host, port: endpoint.port } : undefined;
    }
    return undefined;
  };
}
