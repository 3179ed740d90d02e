// The network facts (interfaces, all_ipv4_addresses, default_ipv4) from /sys/class/net, `ip -4 -o addr` and `ip -4 route`.

/** One IPv4 address of `ip -4 -o addr show`. */
export interface Ipv4Address {
  /** The interface (`eth0`; a VLAN's `@parent` suffix removed). */
  interface: string;
  address: string;
  prefix: number;
  broadcast: string;
  /** The address label (`eth0:1` for an alias, else the interface). */
  label: string;
}

/** One interface of /sys/class/net, as the script prints it: `name mac mtu type` (`-` when unknown). */
export interface NetDevice {
  name: string;
  macaddress?: string;
  mtu?: number;
  type?: string;
}

// /sys/class/net/*/type → the name Ansible gives it.
const TYPES: Readonly<Record<string, string>> = { '1': 'ether', '32': 'infiniband', '512': 'ppp', '772': 'loopback', '65534': 'tunnel' };

/** Parses the script's netdev lines. */
export function parseNetDevices(text: string): NetDevice[] {
  const devices: NetDevice[] = [];
  for (const line of text.split('\n')) {
    const [name, mac, mtu, type] = line.trim().split(/\s+/);
    if (!name) continue;
    const device: NetDevice = { name };
    if (mac && mac !== '-') device.macaddress = mac;
    if (mtu && /^\d+$/.test(mtu)) device.mtu = Number(mtu);
    if (type && type !== '-') device.type = TYPES[type] ?? 'unknown';
    devices.push(device);
  }
  return devices;
}

/** Parses `ip -4 -o addr show` (one line per address: `2: eth0    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0\ …`). */
export function parseIpv4Addresses(text: string): Ipv4Address[] {
  const addresses: Ipv4Address[] = [];
  for (const line of text.split('\n')) {
    const match = /^\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(.*)$/.exec(line);
    if (!match) continue;
    const name = match[1]!.replace(/@.*$/, '');
    const rest = match[4]!.split('\\')[0]!.trim().split(/\s+/);
    const brd = rest.indexOf('brd');
    const last = rest[rest.length - 1] ?? '';
    addresses.push({
      interface: name,
      address: match[2]!,
      prefix: match[3] === undefined ? 32 : Number(match[3]),
      broadcast: brd >= 0 ? (rest[brd + 1] ?? '') : '',
      label: last === name || last.startsWith(`${name}:`) ? last : name,
    });
  }
  return addresses;
}

/** An IPv4 netmask of a prefix length: 24 → 255.255.255.0. */
export function prefixToNetmask(prefix: number): string {
  const bits = prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(32, prefix))) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 0xff).join('.');
}

/** The network address of an address and prefix: 10.0.0.7/24 → 10.0.0.0. */
export function networkOf(address: string, prefix: number): string {
  const mask = prefixToNetmask(prefix).split('.').map(Number);
  return address
    .split('.')
    .map((octet, i) => Number(octet) & mask[i]!)
    .join('.');
}

/** The first default route of `ip -4 route show default`. */
export interface DefaultRoute {
  interface: string;
  gateway?: string;
  source?: string;
}

/** Parses the first `default …` line (`default via 172.31.1.1 dev eth0 proto dhcp src 1.2.3.4 metric 100`). */
export function parseDefaultRoute(text: string): DefaultRoute | undefined {
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== 'default') continue;
    const after = (key: string) => {
      const i = words.indexOf(key);
      return i >= 0 ? words[i + 1] : undefined;
    };
    const dev = after('dev');
    if (!dev) continue;
    const route: DefaultRoute = { interface: dev };
    const via = after('via');
    const src = after('src');
    if (via) route.gateway = via;
    if (src) route.source = src;
    return route;
  }
  return undefined;
}

/**
 * The network facts. `interfaces` lists every interface (/sys/class/net, plus any seen only in `ip`);
 * `all_ipv4_addresses` every IPv4 address but 127.0.0.0/8; `default_ipv4` describes the default route's
 * interface like Ansible's (address, alias, broadcast, gateway, interface, macaddress, mtu, netmask, network, prefix, type).
 * A section that printed nothing (the tool is missing) contributes no key.
 */
export function networkFacts(sections: { netdev?: string | undefined; ipv4?: string | undefined; route?: string | undefined }): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  const devices = parseNetDevices(sections.netdev ?? '');
  const addresses = parseIpv4Addresses(sections.ipv4 ?? '');
  const names = [...new Set([...devices.map((d) => d.name), ...addresses.map((a) => a.interface)])];
  if (names.length > 0) facts['interfaces'] = names;
  if (addresses.length > 0) facts['all_ipv4_addresses'] = addresses.map((a) => a.address).filter((a) => !a.startsWith('127.'));
  const route = parseDefaultRoute(sections.route ?? '');
  if (route) {
    const onInterface = addresses.filter((a) => a.interface === route.interface);
    const address = onInterface.find((a) => a.address === route.source) ?? onInterface[0];
    const device = devices.find((d) => d.name === route.interface);
    const ipv4: Record<string, unknown> = { interface: route.interface };
    if (route.gateway) ipv4['gateway'] = route.gateway;
    const source = address?.address ?? route.source;
    if (source) ipv4['address'] = source;
    if (address) {
      ipv4['prefix'] = String(address.prefix);
      ipv4['netmask'] = prefixToNetmask(address.prefix);
      ipv4['network'] = networkOf(address.address, address.prefix);
      ipv4['broadcast'] = address.broadcast;
      ipv4['alias'] = address.label;
    }
    if (device?.macaddress) ipv4['macaddress'] = device.macaddress;
    if (device?.mtu !== undefined) ipv4['mtu'] = device.mtu;
    if (device?.type) ipv4['type'] = device.type;
    facts['default_ipv4'] = ipv4;
  }
  return facts;
}
