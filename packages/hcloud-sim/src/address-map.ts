import type { Simulator, SimStateDump, SshEndpoint } from './types.js';

/** Where a served simulator publishes its SSH endpoints: outside `/v1`, a route the Hetzner API does not have. */
export const SSH_ENDPOINTS_PATH = '/kbrun-sim/ssh-endpoints';

/** The body of `GET /kbrun-sim/ssh-endpoints`: each server's public IPv4 and the loopback endpoint of its port 22. */
export interface SshEndpointsBody {
  ssh_endpoints: Record<string, SshEndpoint>;
}

/** How old a snapshot of the endpoints may be before a lookup reads them again (real time). */
const MAX_AGE_MS = 1000;

/** Public IPv4 → the loopback endpoint the simulator opened for that server's port 22 (servers with one only). */
export function sshEndpointsByIp(state: SimStateDump): Record<string, SshEndpoint> {
  const byIp: Record<string, SshEndpoint> = {};
  for (const server of state.servers as Array<{ name: string; public_net?: { ipv4?: { ip?: string } | null } }>) {
    const ip = server.public_net?.ipv4?.ip;
    const endpoint = state.ssh[server.name];
    if (ip && endpoint) byIp[ip] = endpoint;
  }
  return byIp;
}

/**
 * An address map over a source of SSH endpoints (this process's simulator, or a served one asked over HTTP):
 * a public IPv4 on port 22 maps to the loopback endpoint of that server's port; any other address or port is
 * not mapped. The endpoints are read again for an address not found (a server created since) or when they are
 * older than a second (a port that moved), one read at a time, not on every connection.
 */
export function sshAddressMapFrom(
  load: () => Record<string, SshEndpoint> | Promise<Record<string, SshEndpoint>>,
): (host: string, port: number) => Promise<{ host: string; port: number } | undefined> {
  let byIp: Record<string, SshEndpoint> = {};
  let readAt = -Infinity;
  let reading: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (reading ??= Promise.resolve()
      .then(load)
      .then((endpoints) => {
        byIp = endpoints;
        readAt = Date.now();
      })
      .finally(() => (reading = undefined)));
  return async (host, port) => {
    if (port !== 22) return undefined;
    if (!Object.hasOwn(byIp, host) || Date.now() - readAt > MAX_AGE_MS) await refresh();
    const endpoint = byIp[host];
    return endpoint ? { host: endpoint.host, port: endpoint.port } : undefined;
  };
}

/** The address map of an in-process simulator (see `sshAddressMapFrom`). */
export function sshAddressMap(simulator: Simulator): (host: string, port: number) => Promise<{ host: string; port: number } | undefined> {
  return sshAddressMapFrom(() => sshEndpointsByIp(simulator.state()));
}
