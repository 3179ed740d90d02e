// The `hcloud` inventory source: hosts and groups built from the API, as the hetzner.hcloud.hcloud inventory plugin builds them.
import { compileExpression, didYouMean, evaluateCondition, KbrunError, KbrunErrors, loadYamlFile, locationOf, Templar, type InventoryData } from '@kbrun/core';
import type { Network, Server } from '../client/api-types.js';
import { sharedHcloudClient } from '../client/client-registry.js';
import type { HcloudClient } from '../client/hcloud-client.js';
import { HcloudError } from '../client/hcloud-error.js';
import { firstIpv6Host } from '../util/ip-address.js';

/** One `keyed_groups` entry (Ansible's constructed options). */
export interface KeyedGroup {
  /** Expression whose value names the group(s): a string, a list, or a mapping (`k_v` groups). */
  key: string;
  prefix?: string;
  /** Between prefix and value (default `_`). */
  separator?: string;
  /** Used when the value is empty. */
  default_value?: string;
  /** With false, an empty value gives `prefix` alone (default true). */
  trailing_separator?: boolean;
  /** With false, no separator after an empty prefix (default true, Ansible's leading `_`). */
  leading_separator?: boolean;
  /** A group the created groups become children of. */
  parent_group?: string;
}

/** The configuration of the source (the options of hetzner.hcloud.hcloud plus constructed's compose/groups/keyed_groups). */
export interface HcloudInventoryConfig {
  plugin?: 'hcloud' | 'hetzner.hcloud.hcloud';
  api_token?: string;
  token?: string;
  api_endpoint?: string;
  endpoint?: string;
  /** The group every server joins (default `hcloud`). */
  group?: string;
  /** What `ansible_host` is (default public_ipv4). */
  connect_with?: 'public_ipv4' | 'public_ipv6' | 'hostname' | 'ipv4_dns_ptr' | 'private_ipv4';
  locations?: string[];
  types?: string[];
  images?: string[];
  label_selector?: string;
  /** Only servers attached to this network (name or ID); also sets `hcloud_private_ipv4`. */
  network?: string;
  status?: string[];
  hostvars_prefix?: string;
  hostvars_suffix?: string;
  /** A template for the host name (default: the server name), e.g. `{{ hcloud_name }}.example.com`. */
  hostname?: string;
  compose?: Record<string, string>;
  groups?: Record<string, string>;
  keyed_groups?: KeyedGroup[];
  /** Fail on expressions that cannot be evaluated instead of skipping them. */
  strict?: boolean;
}

/** Options of a load. */
export interface HcloudInventoryOptions {
  /** Variables the token and hostname templates may use (extra vars). */
  vars?: Record<string, unknown>;
  env?: Readonly<Record<string, string | undefined>>;
  /** A client to use instead of the process's shared one. */
  client?: HcloudClient;
}

const CONFIG_KEYS: readonly string[] = [
  'plugin', 'api_token', 'token', 'api_endpoint', 'endpoint', 'group', 'connect_with', 'locations', 'types', 'images', 'label_selector',
  'network', 'status', 'hostvars_prefix', 'hostvars_suffix', 'hostname', 'compose', 'groups', 'keyed_groups', 'strict',
];
const PLUGIN_NAMES = ['hcloud', 'hetzner.hcloud.hcloud'];

/** True when a parsed YAML document configures this source (`plugin: hcloud` or `hetzner.hcloud.hcloud`). */
export function isHcloudInventoryConfig(root: unknown): root is HcloudInventoryConfig {
  return root !== null && typeof root === 'object' && !Array.isArray(root) && PLUGIN_NAMES.includes(String((root as Record<string, unknown>)['plugin']));
}

/** Reads an inventory file with `plugin: hcloud` and builds its hosts and groups from the API. */
export async function loadHcloudInventory(file: string, options: HcloudInventoryOptions = {}): Promise<InventoryData> {
  const [root] = await loadYamlFile(file);
  if (!isHcloudInventoryConfig(root)) {
    throw new KbrunError('E_INVENTORY', `${file} is not an hcloud inventory: it needs plugin: hcloud (or hetzner.hcloud.hcloud)`, { location: locationOf(root) ?? { file, line: 1, col: 1 } });
  }
  const errors: KbrunError[] = [];
  for (const key of Object.keys(root)) {
    if (!CONFIG_KEYS.includes(key)) {
      errors.push(new KbrunError('E_INVENTORY', `unknown option '${key}' in hcloud inventory ${file}.${didYouMean(key, CONFIG_KEYS)}`, { location: locationOf(root, key), hint: `options: ${CONFIG_KEYS.join(', ')}` }));
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new KbrunErrors(errors);
  return hcloudInventory(root, options);
}

/** Builds hosts and groups from the servers of the project (see HcloudInventoryConfig). */
export async function hcloudInventory(config: HcloudInventoryConfig, options: HcloudInventoryOptions = {}): Promise<InventoryData> {
  const templar = new Templar();
  const vars = options.vars ?? {};
  const render = (text: string | undefined, name: string) => (text !== undefined && text.includes('{{') ? templar.renderText(text, vars, name) : text);
  const client =
    options.client ??
    sharedHcloudClient({
      token: render(config.api_token ?? config.token, 'api_token'),
      endpoint: render(config.api_endpoint ?? config.endpoint, 'api_endpoint'),
      ...(options.env ? { env: options.env } : {}),
    });

  let servers: Server[];
  let networks: Network[];
  try {
    const query: Record<string, string | string[]> = {};
    if (config.label_selector) query['label_selector'] = config.label_selector;
    if (config.status && config.status.length > 0) query['status'] = config.status;
    [servers, networks] = await Promise.all([client.list<Server>('/servers', 'servers', { query }), client.list<Network>('/networks', 'networks')]);
  } catch (error) {
    if (error instanceof HcloudError && error.code === 'unauthorized') throw new KbrunError('E_INVENTORY', `hcloud inventory: invalid Hetzner Cloud API token (${error.message})`, { cause: error });
    if (error instanceof HcloudError) throw new KbrunError('E_INVENTORY', `hcloud inventory: ${error.message}`, { cause: error });
    throw error;
  }
  const networkById = new Map(networks.map((n) => [n.id, n]));
  let filterNetwork: Network | undefined;
  if (config.network) {
    const wanted = String(config.network);
    filterNetwork = networks.find((n) => n.name === wanted) ?? networks.find((n) => String(n.id) === wanted);
    if (!filterNetwork) throw new KbrunError('E_INVENTORY', `hcloud inventory: network ${JSON.stringify(wanted)} not found`);
    servers = servers.filter((s) => s.private_net.some((p) => p.network === filterNetwork!.id));
  }
  if (config.locations?.length) servers = servers.filter((s) => config.locations!.includes(locationOf_(s) ?? ''));
  if (config.types?.length) servers = servers.filter((s) => config.types!.includes(s.server_type.name));
  if (config.images?.length) servers = servers.filter((s) => s.image?.os_flavor !== undefined && config.images!.includes(s.image.os_flavor));

  const data: InventoryData = { hosts: {}, groups: {} };
  const groupOf = (name: string) => (data.groups[name] ??= { hosts: [], vars: {}, children: [] });
  const join = (group: string, host: string) => {
    const entry = groupOf(group);
    if (!entry.hosts.includes(host)) entry.hosts.push(host);
  };
  const topGroup = config.group ?? 'hcloud';
  groupOf(topGroup);
  const prefix = config.hostvars_prefix ?? 'hcloud_';
  const suffix = config.hostvars_suffix ?? '';
  const strict = config.strict ?? false;

  for (const server of servers) {
    const raw = serverVars(server, networkById, filterNetwork, config.connect_with ?? 'public_ipv4');
    const hostvars: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) hostvars[key === 'ansible_host' ? key : `${prefix}${key}${suffix}`] = value;
    const name = config.hostname ? templar.renderText(config.hostname, { ...vars, ...hostvars }, 'hostname') : server.name;
    join(topGroup, name);
    const all = { ...vars, ...hostvars };
    for (const [variable, expression] of Object.entries(config.compose ?? {})) {
      const value = attempt(() => compileExpression(unwrap(expression)).evaluate(all), strict, `compose.${variable}`);
      if (value !== SKIPPED) {
        hostvars[variable] = value;
        all[variable] = value;
      }
    }
    for (const [group, condition] of Object.entries(config.groups ?? {})) {
      if (attempt(() => evaluateCondition(condition, all), strict, `groups.${group}`) === true) join(group, name);
    }
    for (const keyed of config.keyed_groups ?? []) {
      const value = attempt(() => compileExpression(unwrap(keyed.key)).evaluate(all), strict, `keyed_groups key ${keyed.key}`);
      if (value === SKIPPED) continue;
      for (const group of keyedGroupNames(keyed, value)) {
        join(group, name);
        if (keyed.parent_group) {
          const parent = groupOf(keyed.parent_group);
          if (!parent.children.includes(group)) parent.children.push(group);
        }
      }
    }
    data.hosts[name] = hostvars;
  }
  return data;
}

/** The variables the plugin gives a server (before the `hcloud_` prefix). */
function serverVars(server: Server, networks: ReadonlyMap<number, Network>, filterNetwork: Network | undefined, connectWith: NonNullable<HcloudInventoryConfig['connect_with']>): Record<string, unknown> {
  const vars: Record<string, unknown> = {
    id: server.id,
    name: server.name,
    status: server.status,
    type: server.server_type.name,
    server_type: server.server_type.name,
    architecture: server.server_type.architecture ?? null,
  };
  const ipv4 = server.public_net?.ipv4?.ip;
  const ipv6Net = server.public_net?.ipv6?.ip;
  if (ipv4) vars['ipv4'] = ipv4;
  if (ipv6Net) {
    const [network, mask] = ipv6Net.split('/');
    vars['ipv6'] = firstIpv6Host(ipv6Net);
    vars['ipv6_network'] = network;
    vars['ipv6_network_mask'] = mask ?? '64';
  }
  vars['private_networks'] = server.private_net.map((p) => ({ id: p.network, name: networks.get(p.network)?.name ?? null, ip: p.ip }));
  const privateIp = filterNetwork ? server.private_net.find((p) => p.network === filterNetwork.id)?.ip : undefined;
  if (privateIp) vars['private_ipv4'] = privateIp;
  vars['location'] = locationOf_(server);
  vars['datacenter'] = server.datacenter?.name ?? null;
  if (server.image) {
    vars['image_id'] = server.image.id;
    vars['image_os_flavor'] = server.image.os_flavor ?? null;
    vars['image_name'] = server.image.name ?? server.image.description ?? null;
  }
  vars['labels'] = { ...(server.labels ?? {}) };
  const host =
    connectWith === 'public_ipv4' ? ipv4
    : connectWith === 'public_ipv6' ? (ipv6Net ? firstIpv6Host(ipv6Net) : undefined)
    : connectWith === 'hostname' ? server.name
    : connectWith === 'ipv4_dns_ptr' ? server.public_net?.ipv4?.dns_ptr
    : privateIp;
  if (host) vars['ansible_host'] = host;
  return vars;
}

function locationOf_(server: Server): string | null {
  return server.location?.name ?? server.datacenter?.location?.name ?? null;
}

const SKIPPED = Symbol('skipped');

function attempt<T>(evaluate: () => T, strict: boolean, what: string): T | typeof SKIPPED {
  try {
    return evaluate();
  } catch (error) {
    if (strict) throw new KbrunError('E_INVENTORY', `hcloud inventory: cannot evaluate ${what}: ${(error as Error).message}`, { cause: error });
    return SKIPPED;
  }
}

/** `{{ expr }}` around an expression is accepted, as in Ansible. */
function unwrap(expression: string): string {
  const match = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(expression);
  return match ? match[1]!.trim() : expression;
}

/** Group names of one keyed group, following Ansible's constructed rules. */
export function keyedGroupNames(keyed: KeyedGroup, value: unknown): string[] {
  const prefix = keyed.prefix ?? '';
  const separator = keyed.separator ?? '_';
  const bare: string[] = [];
  const withDefault = (text: string) => (text === '' && keyed.default_value !== undefined ? keyed.default_value : text);
  if (value === null || value === undefined) {
    if (keyed.default_value === undefined) return [];
    bare.push(keyed.default_value);
  } else if (Array.isArray(value)) {
    for (const item of value) bare.push(withDefault(String(item)));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const text = withDefault(v === null || v === undefined ? '' : String(v));
      bare.push(text === '' && keyed.trailing_separator === false ? k : `${k}${separator}${text}`);
    }
  } else {
    bare.push(withDefault(String(value)));
  }
  return bare.map((name) => {
    if (prefix === '' && keyed.leading_separator === false) return name;
    if (name === '' && keyed.trailing_separator === false) return prefix;
    return `${prefix}${separator}${name}`;
  });
}
