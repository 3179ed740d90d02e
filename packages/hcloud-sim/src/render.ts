// Resources in the exact JSON shapes the real API answers with.

import { datacenterJson, imageJson, INCLUDED_TRAFFIC, loadBalancerTypeJson, locationJson, serverTypeJson } from './catalog.js';
import type { SimCore } from './core.js';
import { matchesSelector, parseLabelSelector } from './label-selector.js';
import type {
  FirewallRecord,
  LbTarget,
  LoadBalancerRecord,
  NetworkRecord,
  ServerRecord,
  SshKeyRecord,
  VolumeRecord,
} from './store.js';

function reverseDns(ip: string): string {
  return `static.${ip.split('.').reverse().join('.')}.clients.your-server.de`;
}

/** Servers a label selector currently matches. */
export function serversMatching(core: SimCore, selector: string): ServerRecord[] {
  let terms;
  try {
    terms = parseLabelSelector(selector);
  } catch {
    return [];
  }
  return [...core.store.servers.values()].filter((s) => matchesSelector(s.labels, terms));
}

/** Firewalls applied to a server (directly or by label selector) with their status. */
export function firewallsOf(core: SimCore, server: ServerRecord): Array<{ id: number; status: 'applied' | 'pending' }> {
  const out: Array<{ id: number; status: 'applied' | 'pending' }> = [];
  for (const fw of core.store.firewalls.values()) {
    const applied = fw.appliedTo.some((t) =>
      t.type === 'server' ? t.serverId === server.id : serversMatching(core, t.selector).includes(server),
    );
    if (applied) out.push({ id: fw.id, status: fw.pending.has(server.id) ? 'pending' : 'applied' });
  }
  return out;
}

/** A server. */
export function serverJson(core: SimCore, s: ServerRecord): unknown {
  const { store } = core;
  const volumes = [...store.volumes.values()].filter((v) => v.serverId === s.id).map((v) => v.id);
  const loadBalancers = [...store.loadBalancers.values()]
    .filter((lb) =>
      lb.targets.some((t) =>
        t.type === 'server' ? t.serverId === s.id : t.type === 'label_selector' && serversMatching(core, t.selector).includes(s),
      ),
    )
    .map((lb) => lb.id);
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    public_net: {
      ipv4: s.ipv4 ? { id: s.ipv4.id, ip: s.ipv4.ip, blocked: false, dns_ptr: reverseDns(s.ipv4.ip) } : null,
      ipv6: s.ipv6 ? { id: s.ipv6.id, ip: s.ipv6.ip, blocked: false, dns_ptr: [] } : null,
      floating_ips: [],
      firewalls: firewallsOf(core, s),
    },
    private_net: s.privateNets.map((p) => ({ network: p.networkId, ip: p.ip, alias_ips: [...p.aliasIps], mac_address: p.mac })),
    server_type: serverTypeJson(s.serverType),
    datacenter: datacenterJson(s.datacenter),
    location: locationJson(s.datacenter.location),
    image: s.image ? imageJson(s.image) : null,
    iso: null,
    rescue_enabled: false,
    locked: false,
    backup_window: null,
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: INCLUDED_TRAFFIC,
    protection: { ...s.protection },
    labels: { ...s.labels },
    volumes,
    load_balancers: loadBalancers,
    primary_disk_size: s.serverType.disk,
    placement_group: null,
  };
}

/** A volume. */
export function volumeJson(v: VolumeRecord): unknown {
  return {
    id: v.id,
    created: v.created,
    name: v.name,
    server: v.serverId,
    location: locationJson(v.location),
    size: v.size,
    linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${v.id}`,
    protection: { ...v.protection },
    labels: { ...v.labels },
    status: v.status,
    format: v.format,
  };
}

/** An SSH key. */
export function sshKeyJson(k: SshKeyRecord): unknown {
  return { id: k.id, name: k.name, fingerprint: k.fingerprint, public_key: k.publicKey, labels: { ...k.labels }, created: k.created };
}

/** A network. */
export function networkJson(core: SimCore, n: NetworkRecord): unknown {
  const servers = [...core.store.servers.values()].filter((s) => s.privateNets.some((p) => p.networkId === n.id)).map((s) => s.id);
  const lbs = [...core.store.loadBalancers.values()].filter((lb) => lb.privateNets.some((p) => p.networkId === n.id)).map((lb) => lb.id);
  return {
    id: n.id,
    name: n.name,
    ip_range: n.ipRange,
    subnets: n.subnets.map((s) => ({ type: s.type, ip_range: s.ipRange, network_zone: s.networkZone, gateway: s.gateway, vswitch_id: null })),
    routes: n.routes.map((r) => ({ ...r })),
    servers,
    load_balancers: lbs,
    protection: { ...n.protection },
    labels: { ...n.labels },
    created: n.created,
    expose_routes_to_vswitch: n.exposeRoutesToVswitch,
  };
}

/** A firewall. */
export function firewallJson(core: SimCore, f: FirewallRecord): unknown {
  return {
    id: f.id,
    name: f.name,
    labels: { ...f.labels },
    created: f.created,
    rules: f.rules.map((r) => ({ ...r, source_ips: [...r.source_ips], destination_ips: [...r.destination_ips] })),
    applied_to: f.appliedTo.map((t) =>
      t.type === 'server'
        ? { type: 'server', server: { id: t.serverId } }
        : {
            type: 'label_selector',
            label_selector: { selector: t.selector },
            applied_to_resources: serversMatching(core, t.selector).map((s) => ({ type: 'server', server: { id: s.id } })),
          },
    ),
  };
}

function targetJson(core: SimCore, lb: LoadBalancerRecord, t: LbTarget): unknown {
  const health = lb.services.map((s) => ({ listen_port: s.listen_port, status: 'healthy' }));
  if (t.type === 'server') return { type: 'server', server: { id: t.serverId }, health_status: health, use_private_ip: t.usePrivateIp };
  if (t.type === 'ip') return { type: 'ip', ip: { ip: t.ip }, health_status: health };
  return {
    type: 'label_selector',
    label_selector: { selector: t.selector },
    targets: serversMatching(core, t.selector).map((s) => ({
      type: 'server',
      server: { id: s.id },
      health_status: health,
      use_private_ip: t.usePrivateIp,
    })),
    use_private_ip: t.usePrivateIp,
  };
}

/** A load balancer. */
export function loadBalancerJson(core: SimCore, lb: LoadBalancerRecord): unknown {
  return {
    id: lb.id,
    name: lb.name,
    public_net: {
      enabled: lb.publicEnabled,
      ipv4: { ip: lb.publicEnabled ? lb.ipv4 : null, dns_ptr: lb.publicEnabled ? reverseDns(lb.ipv4) : null },
      ipv6: { ip: lb.publicEnabled ? lb.ipv6 : null, dns_ptr: null },
    },
    private_net: lb.privateNets.map((p) => ({ network: p.networkId, ip: p.ip })),
    location: locationJson(lb.location),
    load_balancer_type: loadBalancerTypeJson(lb.lbType),
    protection: { ...lb.protection },
    labels: { ...lb.labels },
    created: lb.created,
    services: lb.services.map((s) => {
      const out: Record<string, unknown> = {
        protocol: s.protocol,
        listen_port: s.listen_port,
        destination_port: s.destination_port,
        proxyprotocol: s.proxyprotocol,
        health_check: structuredClone(s.health_check),
      };
      if (s.http) out['http'] = structuredClone(s.http);
      return out;
    }),
    targets: lb.targets.map((t) => targetJson(core, lb, t)),
    algorithm: { type: lb.algorithm },
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: INCLUDED_TRAFFIC,
  };
}
