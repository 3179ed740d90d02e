// The read-only catalog: locations, datacenters, server types, load balancer types and system images, in the API's shapes.
// Ids and names follow the public API where known; prices are plausible EUR figures, not a price list.

/** A location (`nbg1`, …). */
export interface LocationInfo {
  id: number;
  name: string;
  description: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  network_zone: string;
}

/** A datacenter (`nbg1-dc3`, …). */
export interface DatacenterInfo {
  id: number;
  name: string;
  description: string;
  location: LocationInfo;
}

/** A server type (`cx22`, …). */
export interface ServerTypeInfo {
  id: number;
  name: string;
  description: string;
  cores: number;
  memory: number;
  disk: number;
  cpu_type: 'shared' | 'dedicated';
  architecture: 'x86' | 'arm';
  category: string;
  monthlyNet: number;
  /** Locations where the type can be ordered. */
  locations: string[];
}

/** A system image (`ubuntu-24.04`, …). */
export interface ImageInfo {
  id: number;
  name: string;
  description: string;
  os_flavor: string;
  os_version: string;
  created: string;
  architecture: 'x86' | 'arm';
}

/** A load balancer type (`lb11`, …). */
export interface LoadBalancerTypeInfo {
  id: number;
  name: string;
  description: string;
  max_connections: number;
  max_services: number;
  max_targets: number;
  max_assigned_certificates: number;
  monthlyNet: number;
}

export const LOCATIONS: readonly LocationInfo[] = [
  { id: 1, name: 'fsn1', description: 'Falkenstein DC Park 1', country: 'DE', city: 'Falkenstein', latitude: 50.47612, longitude: 12.370071, network_zone: 'eu-central' },
  { id: 2, name: 'nbg1', description: 'Nuremberg DC Park 1', country: 'DE', city: 'Nuremberg', latitude: 49.452102, longitude: 11.076665, network_zone: 'eu-central' },
  { id: 3, name: 'hel1', description: 'Helsinki DC Park 1', country: 'FI', city: 'Helsinki', latitude: 60.169855, longitude: 24.938379, network_zone: 'eu-central' },
  { id: 4, name: 'ash', description: 'Ashburn, VA', country: 'US', city: 'Ashburn, VA', latitude: 39.045821, longitude: -77.487073, network_zone: 'us-east' },
  { id: 5, name: 'hil', description: 'Hillsboro, OR', country: 'US', city: 'Hillsboro, OR', latitude: 45.54222, longitude: -122.951924, network_zone: 'us-west' },
  { id: 6, name: 'sin', description: 'Singapore', country: 'SG', city: 'Singapore', latitude: 1.283333, longitude: 103.833333, network_zone: 'ap-southeast' },
];

function loc(name: string): LocationInfo {
  const found = LOCATIONS.find((l) => l.name === name);
  if (!found) throw new Error(`no location ${name}`);
  return found;
}

export const DATACENTERS: readonly DatacenterInfo[] = [
  { id: 2, name: 'nbg1-dc3', description: 'Nuremberg 1 virtual DC 3', location: loc('nbg1') },
  { id: 3, name: 'hel1-dc2', description: 'Helsinki 1 virtual DC 2', location: loc('hel1') },
  { id: 4, name: 'fsn1-dc14', description: 'Falkenstein 1 virtual DC 14', location: loc('fsn1') },
  { id: 5, name: 'ash-dc1', description: 'Ashburn virtual DC 1', location: loc('ash') },
  { id: 6, name: 'hil-dc1', description: 'Hillsboro virtual DC 1', location: loc('hil') },
  { id: 7, name: 'sin-dc1', description: 'Singapore virtual DC 1', location: loc('sin') },
];

const EU = ['fsn1', 'nbg1', 'hel1'];
const ALL = LOCATIONS.map((l) => l.name);

export const SERVER_TYPES: readonly ServerTypeInfo[] = [
  { id: 22, name: 'cpx11', description: 'CPX 11', cores: 2, memory: 2, disk: 40, cpu_type: 'shared', architecture: 'x86', category: 'Shared vCPU', monthlyNet: 4.35, locations: ALL },
  { id: 23, name: 'cpx21', description: 'CPX 21', cores: 3, memory: 4, disk: 80, cpu_type: 'shared', architecture: 'x86', category: 'Shared vCPU', monthlyNet: 7.55, locations: ALL },
  { id: 24, name: 'cpx31', description: 'CPX 31', cores: 4, memory: 8, disk: 160, cpu_type: 'shared', architecture: 'x86', category: 'Shared vCPU', monthlyNet: 13.6, locations: ALL },
  { id: 25, name: 'cpx41', description: 'CPX 41', cores: 8, memory: 16, disk: 240, cpu_type: 'shared', architecture: 'x86', category: 'Shared vCPU', monthlyNet: 25.2, locations: ALL },
  { id: 26, name: 'cpx51', description: 'CPX 51', cores: 16, memory: 32, disk: 360, cpu_type: 'shared', architecture: 'x86', category: 'Shared vCPU', monthlyNet: 54.9, locations: ALL },
  { id: 96, name: 'ccx13', description: 'CCX13 Dedicated CPU', cores: 2, memory: 8, disk: 80, cpu_type: 'dedicated', architecture: 'x86', category: 'Dedicated vCPU', monthlyNet: 12.49, locations: ALL },
  { id: 104, name: 'cx22', description: 'CX22', cores: 2, memory: 4, disk: 40, cpu_type: 'shared', architecture: 'x86', category: 'Shared vCPU', monthlyNet: 3.79, locations: EU },
  { id: 105, name: 'cx32', description: 'CX32', cores: 4, memory: 8, disk: 80, cpu_type: 'shared', architecture: 'x86', category: 'Shared vCPU', monthlyNet: 6.8, locations: EU },
  { id: 106, name: 'cx42', description: 'CX42', cores: 8, memory: 16, disk: 160, cpu_type: 'shared', architecture: 'x86', category: 'Shared vCPU', monthlyNet: 16.4, locations: EU },
  { id: 107, name: 'cx52', description: 'CX52', cores: 16, memory: 32, disk: 320, cpu_type: 'shared', architecture: 'x86', category: 'Shared vCPU', monthlyNet: 32.4, locations: EU },
];

export const IMAGES: readonly ImageInfo[] = [
  { id: 45557056, name: 'debian-11', description: 'Debian 11', os_flavor: 'debian', os_version: '11', created: '2021-08-16T11:12:01+00:00', architecture: 'x86' },
  { id: 67794396, name: 'ubuntu-22.04', description: 'Ubuntu 22.04', os_flavor: 'ubuntu', os_version: '22.04', created: '2022-04-21T13:32:38+00:00', architecture: 'x86' },
  { id: 76766499, name: 'rocky-9', description: 'Rocky Linux 9', os_flavor: 'rocky', os_version: '9', created: '2022-07-14T09:38:45+00:00', architecture: 'x86' },
  { id: 114690387, name: 'debian-12', description: 'Debian 12', os_flavor: 'debian', os_version: '12', created: '2023-06-13T06:00:02+00:00', architecture: 'x86' },
  { id: 161547269, name: 'ubuntu-24.04', description: 'Ubuntu 24.04', os_flavor: 'ubuntu', os_version: '24.04', created: '2024-04-25T08:55:17+00:00', architecture: 'x86' },
];

export const LOAD_BALANCER_TYPES: readonly LoadBalancerTypeInfo[] = [
  { id: 1, name: 'lb11', description: 'LB11', max_connections: 10000, max_services: 5, max_targets: 25, max_assigned_certificates: 10, monthlyNet: 5.39 },
  { id: 2, name: 'lb21', description: 'LB21', max_connections: 20000, max_services: 15, max_targets: 75, max_assigned_certificates: 25, monthlyNet: 16.4 },
  { id: 3, name: 'lb31', description: 'LB31', max_connections: 40000, max_services: 30, max_targets: 150, max_assigned_certificates: 50, monthlyNet: 32.9 },
];

/** Traffic included per month with a server, in bytes (20 TB). */
export const INCLUDED_TRAFFIC = 21990232555520;

function money(net: number): { net: string; gross: string } {
  return { net: net.toFixed(4), gross: (net * 1.19).toFixed(4) };
}

function priceFor(location: string, monthlyNet: number): unknown {
  return {
    location,
    price_hourly: money(Math.ceil((monthlyNet / 730) * 10000) / 10000),
    price_monthly: money(monthlyNet),
    included_traffic: INCLUDED_TRAFFIC,
    price_per_tb_traffic: money(1),
  };
}

/** Location in the API's shape. */
export function locationJson(l: LocationInfo): unknown {
  return { ...l };
}

/** Datacenter in the API's shape. */
export function datacenterJson(d: DatacenterInfo): unknown {
  const ids = SERVER_TYPES.filter((t) => t.locations.includes(d.location.name)).map((t) => t.id);
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    location: locationJson(d.location),
    server_types: { supported: ids, available: ids, available_for_migration: ids },
  };
}

/** Server type in the API's shape. */
export function serverTypeJson(t: ServerTypeInfo): unknown {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    cores: t.cores,
    memory: t.memory,
    disk: t.disk,
    deprecated: false,
    prices: t.locations.map((l) => priceFor(l, t.monthlyNet)),
    storage_type: 'local',
    cpu_type: t.cpu_type,
    category: t.category,
    architecture: t.architecture,
    deprecation: null,
    locations: t.locations.map((name) => ({ id: loc(name).id, name, deprecation: null })),
  };
}

/** System image in the API's shape. */
export function imageJson(i: ImageInfo): unknown {
  return {
    id: i.id,
    type: 'system',
    status: 'available',
    name: i.name,
    description: i.description,
    image_size: null,
    disk_size: 5,
    created: i.created,
    created_from: null,
    bound_to: null,
    os_flavor: i.os_flavor,
    os_version: i.os_version,
    rapid_deploy: true,
    protection: { delete: false },
    deprecated: null,
    deleted: null,
    labels: {},
    architecture: i.architecture,
  };
}

/** Load balancer type in the API's shape. */
export function loadBalancerTypeJson(t: LoadBalancerTypeInfo): unknown {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    max_connections: t.max_connections,
    max_services: t.max_services,
    max_targets: t.max_targets,
    max_assigned_certificates: t.max_assigned_certificates,
    deprecated: null,
    prices: EU.concat(['ash', 'hil', 'sin']).map((l) => priceFor(l, t.monthlyNet)),
  };
}

/** Find a catalog entry by id (number or numeric string) or name. */
export function findByIdOrName<T extends { id: number; name: string }>(
  list: readonly T[],
  ref: unknown,
): T | undefined {
  if (typeof ref === 'number') return list.find((x) => x.id === ref);
  if (typeof ref !== 'string') return undefined;
  if (/^\d+$/.test(ref)) return list.find((x) => x.id === Number(ref) || x.name === ref);
  return list.find((x) => x.name === ref);
}

/** The default datacenter of a location. */
export function datacenterOf(location: LocationInfo): DatacenterInfo {
  const dc = DATACENTERS.find((d) => d.location.name === location.name);
  if (!dc) throw new Error(`no datacenter in ${location.name}`);
  return dc;
}
