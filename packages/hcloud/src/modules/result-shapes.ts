// Results shaped like the hetzner.hcloud collection's (`hcloud_server`, `hcloud_volume`, …).
import type { Firewall, FirewallRule, LoadBalancer, LoadBalancerService, LoadBalancerTarget, Network, NetworkSubnet, Server, SshKey, Volume } from '../client/api-types.js';
import type { HcloudSession } from '../client/hcloud-session.js';
import { SERVERS, getById } from './module-support.js';

/** Server names by ID (one list request when there are several, one GET for a single server). */
export async function serverNames(api: HcloudSession, ids: readonly number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  const unique = [...new Set(ids)];
  if (unique.length === 1) {
    const server = await getById<Server>(api, SERVERS, unique[0]!);
    if (server) names.set(server.id, server.name);
  } else if (unique.length > 1) {
    for (const server of await api.list<Server>(SERVERS.path, SERVERS.many)) names.set(server.id, server.name);
  }
  return names;
}

/** The location name of a server (its `location`, or its datacenter's). */
export function serverLocation(server: Server): string | null {
  return server.location?.name ?? server.datacenter?.location?.name ?? null;
}

/** `hcloud_server` as the collection returns it. */
export function serverResult(server: Server, networks: ReadonlyMap<number, string>): Record<string, unknown> {
  const privateNets = server.private_net ?? [];
  return {
    id: server.id,
    name: server.name,
    created: server.created,
    ipv4_address: server.public_net?.ipv4?.ip ?? null,
    ipv6: server.public_net?.ipv6?.ip ?? null,
    private_networks: privateNets.map((n) => networks.get(n.network) ?? String(n.network)),
    private_networks_info: privateNets.map((n) => ({ name: networks.get(n.network) ?? String(n.network), ip: n.ip })),
    image: server.image ? (server.image.name ?? String(server.image.id)) : null,
    server_type: server.server_type.name,
    datacenter: server.datacenter?.name ?? null,
    location: serverLocation(server),
    placement_group: server.placement_group?.name ?? null,
    rescue_enabled: server.rescue_enabled,
    backup_window: server.backup_window ?? null,
    labels: server.labels ?? {},
    delete_protection: server.protection.delete,
    rebuild_protection: server.protection.rebuild,
    status: server.status,
  };
}

/** `hcloud_volume` as the collection returns it (`server` is the attached server's name). */
export function volumeResult(volume: Volume, servers: ReadonlyMap<number, string>): Record<string, unknown> {
  return {
    id: volume.id,
    name: volume.name,
    size: volume.size,
    location: volume.location.name,
    labels: volume.labels ?? {},
    server: volume.server === null || volume.server === undefined ? null : (servers.get(volume.server) ?? String(volume.server)),
    linux_device: volume.linux_device,
    delete_protection: volume.protection.delete,
  };
}

/** `hcloud_ssh_key`. */
export function sshKeyResult(key: SshKey): Record<string, unknown> {
  return { id: key.id, name: key.name, fingerprint: key.fingerprint, public_key: key.public_key, labels: key.labels ?? {} };
}

/** `hcloud_network`. */
export function networkResult(network: Network): Record<string, unknown> {
  return {
    id: network.id,
    name: network.name,
    ip_range: network.ip_range,
    expose_routes_to_vswitch: network.expose_routes_to_vswitch ?? false,
    delete_protection: network.protection.delete,
    labels: network.labels ?? {},
  };
}

/** `hcloud_subnetwork`. */
export function subnetworkResult(network: Network, subnet: NetworkSubnet): Record<string, unknown> {
  return {
    network: network.name,
    ip_range: subnet.ip_range,
    type: subnet.type,
    network_zone: subnet.network_zone,
    gateway: subnet.gateway ?? null,
    vswitch_id: subnet.vswitch_id ?? null,
  };
}

/** One rule of `hcloud_firewall.rules`. */
export function firewallRuleResult(rule: FirewallRule): Record<string, unknown> {
  return {
    direction: rule.direction,
    protocol: rule.protocol,
    port: rule.port ?? null,
    source_ips: rule.source_ips ?? [],
    destination_ips: rule.destination_ips ?? [],
    description: rule.description ?? null,
  };
}

/** `hcloud_firewall`. */
export function firewallResult(firewall: Firewall): Record<string, unknown> {
  return {
    id: firewall.id,
    name: firewall.name,
    rules: firewall.rules.map(firewallRuleResult),
    labels: firewall.labels ?? {},
    applied_to: (firewall.applied_to ?? []).map((resource) => {
      const entry: Record<string, unknown> = {
        type: resource.type,
        server: resource.server?.id ?? null,
        label_selector: resource.label_selector?.selector ?? null,
      };
      if (resource.applied_to_resources) entry['applied_to_resources'] = resource.applied_to_resources.map((r) => ({ type: r.type, server: r.server?.id ?? null }));
      return entry;
    }),
  };
}

/** `hcloud_load_balancer`. */
export function loadBalancerResult(lb: LoadBalancer): Record<string, unknown> {
  return {
    id: lb.id,
    name: lb.name,
    ipv4_address: lb.public_net.ipv4.ip ?? null,
    ipv6_address: lb.public_net.ipv6.ip ?? null,
    private_ipv4_address: lb.private_net.length > 0 ? lb.private_net[0]!.ip : null,
    load_balancer_type: lb.load_balancer_type.name,
    algorithm: lb.algorithm.type,
    location: lb.location.name,
    labels: lb.labels ?? {},
    delete_protection: lb.protection.delete,
    disable_public_interface: !lb.public_net.enabled,
  };
}

/** `hcloud_load_balancer_target`. */
export function loadBalancerTargetResult(lb: LoadBalancer, target: LoadBalancerTarget, servers: ReadonlyMap<number, string>): Record<string, unknown> {
  const result: Record<string, unknown> = { type: target.type, load_balancer: lb.name, use_private_ip: target.use_private_ip ?? false };
  if (target.type === 'server' && target.server) result['server'] = servers.get(target.server.id) ?? String(target.server.id);
  else if (target.type === 'label_selector') result['label_selector'] = target.label_selector?.selector ?? null;
  else if (target.type === 'ip') result['ip'] = target.ip?.ip ?? null;
  return result;
}

/** `hcloud_load_balancer_service` (certificates by name when known). */
export function loadBalancerServiceResult(lb: LoadBalancer, service: LoadBalancerService, certificates: ReadonlyMap<number, string>): Record<string, unknown> {
  const http =
    service.protocol === 'tcp' || !service.http
      ? null
      : {
          cookie_name: service.http.cookie_name ?? null,
          cookie_lifetime: service.http.cookie_lifetime ?? null,
          redirect_http: service.http.redirect_http ?? false,
          sticky_sessions: service.http.sticky_sessions ?? false,
          timeout_idle: service.http.timeout_idle ?? null,
          certificates: (service.http.certificates ?? []).map((id) => certificates.get(id) ?? String(id)),
        };
  const check = service.health_check;
  const healthCheck: Record<string, unknown> = { protocol: check.protocol, port: check.port, interval: check.interval, timeout: check.timeout, retries: check.retries };
  if (check.protocol !== 'tcp') {
    healthCheck['http'] = {
      domain: check.http?.domain ?? null,
      path: check.http?.path ?? null,
      response: check.http?.response ?? null,
      status_codes: check.http?.status_codes ?? [],
      tls: check.http?.tls ?? false,
    };
  }
  return {
    load_balancer: lb.name,
    protocol: service.protocol,
    listen_port: service.listen_port,
    destination_port: service.destination_port,
    proxyprotocol: service.proxyprotocol,
    http,
    health_check: healthCheck,
  };
}
