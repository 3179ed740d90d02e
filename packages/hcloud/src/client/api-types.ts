// The Hetzner Cloud API objects kbrun reads, as the API returns them (https://docs.hetzner.cloud). Only the fields kbrun uses are typed.

/** Labels of a resource (`key: value`, both strings). */
export type Labels = Record<string, string>;

/** A reference to a resource an action works on. */
export interface ActionResource {
  id: number;
  type: string;
}

/** An asynchronous operation (`GET /actions/{id}`): `running` until `success` or `error`. */
export interface Action {
  id: number;
  command: string;
  status: 'running' | 'success' | 'error';
  progress: number;
  started: string;
  finished: string | null;
  resources: ActionResource[];
  error: { code: string; message: string } | null;
}

/** `meta.pagination` of list responses. */
export interface Pagination {
  page: number;
  per_page: number;
  previous_page: number | null;
  next_page: number | null;
  last_page: number | null;
  total_entries: number | null;
}

export interface Location {
  id: number;
  name: string;
  description?: string;
  country?: string;
  city?: string;
  network_zone: string;
}

export interface ServerType {
  id: number;
  name: string;
  architecture?: string;
  cores?: number;
  memory?: number;
  disk?: number;
}

export interface Image {
  id: number;
  name: string | null;
  description?: string;
  type?: string;
  os_flavor?: string;
  architecture?: string;
  deprecated?: string | null;
}

export interface Server {
  id: number;
  name: string;
  status: 'running' | 'initializing' | 'starting' | 'stopping' | 'off' | 'deleting' | 'migrating' | 'rebuilding' | 'unknown';
  created: string;
  public_net: {
    ipv4: { id?: number; ip: string; blocked?: boolean; dns_ptr?: string } | null;
    ipv6: { id?: number; ip: string; blocked?: boolean } | null;
    floating_ips?: number[];
    firewalls?: { id: number; status: string }[];
  };
  private_net: { network: number; ip: string; alias_ips?: string[]; mac_address?: string }[];
  server_type: ServerType;
  datacenter?: { id: number; name: string; location?: Location } | null;
  location?: Location;
  image: Image | null;
  rescue_enabled: boolean;
  locked: boolean;
  backup_window: string | null;
  labels: Labels;
  protection: { delete: boolean; rebuild: boolean };
  volumes?: number[];
  load_balancers?: number[];
  placement_group?: { id: number; name: string } | null;
}

export interface Volume {
  id: number;
  name: string;
  server: number | null;
  status?: string;
  location: Location;
  size: number;
  format?: string | null;
  linux_device: string;
  labels: Labels;
  protection: { delete: boolean };
  created?: string;
}

export interface SshKey {
  id: number;
  name: string;
  fingerprint: string;
  public_key: string;
  labels: Labels;
  created?: string;
}

export interface NetworkSubnet {
  type: 'cloud' | 'server' | 'vswitch';
  ip_range: string;
  network_zone: string;
  gateway?: string;
  vswitch_id?: number | null;
}

export interface Network {
  id: number;
  name: string;
  ip_range: string;
  subnets: NetworkSubnet[];
  routes?: { destination: string; gateway: string }[];
  servers?: number[];
  load_balancers?: number[];
  labels: Labels;
  protection: { delete: boolean };
  expose_routes_to_vswitch?: boolean;
  created?: string;
}

export interface FirewallRule {
  direction: 'in' | 'out';
  protocol: 'tcp' | 'udp' | 'icmp' | 'esp' | 'gre';
  port: string | null;
  source_ips: string[];
  destination_ips: string[];
  description: string | null;
}

export interface FirewallResource {
  type: 'server' | 'label_selector';
  server?: { id: number };
  label_selector?: { selector: string };
  applied_to_resources?: { type: string; server?: { id: number } }[];
}

export interface Firewall {
  id: number;
  name: string;
  labels: Labels;
  rules: FirewallRule[];
  applied_to: FirewallResource[];
  created?: string;
}

export interface LoadBalancerTarget {
  type: 'server' | 'label_selector' | 'ip';
  server?: { id: number };
  label_selector?: { selector: string };
  ip?: { ip: string };
  use_private_ip?: boolean;
  health_status?: { listen_port: number; status: string }[];
  targets?: LoadBalancerTarget[];
}

export interface LoadBalancerServiceHealthCheck {
  protocol: 'tcp' | 'http' | 'https';
  port: number;
  interval: number;
  timeout: number;
  retries: number;
  http?: { domain: string | null; path: string; response?: string | null; status_codes?: string[]; tls?: boolean } | null;
}

export interface LoadBalancerService {
  protocol: 'tcp' | 'http' | 'https';
  listen_port: number;
  destination_port: number;
  proxyprotocol: boolean;
  health_check: LoadBalancerServiceHealthCheck;
  http?: { cookie_name?: string; cookie_lifetime?: number; certificates?: number[]; redirect_http?: boolean; sticky_sessions?: boolean; timeout_idle?: number } | null;
}

export interface LoadBalancer {
  id: number;
  name: string;
  public_net: { enabled: boolean; ipv4: { ip: string | null; dns_ptr?: string | null }; ipv6: { ip: string | null; dns_ptr?: string | null } };
  private_net: { network: number; ip: string }[];
  location: Location;
  load_balancer_type: { id: number; name: string };
  protection: { delete: boolean };
  labels: Labels;
  targets: LoadBalancerTarget[];
  services: LoadBalancerService[];
  algorithm: { type: 'round_robin' | 'least_connections' };
  created?: string;
}
