// Which facts `setup` knows, which subset each belongs to, and which script sections produce it.
import { fnmatchRegExp } from '@kbrun/core';
import type { SectionName } from './gather-script.js';

/** The subsets `gather_subset` names (Ansible's), besides `all`. */
export const SUBSETS = ['min', 'hardware', 'network', 'virtual'] as const;

/** One subset. */
export type Subset = (typeof SUBSETS)[number];

/** Where one fact comes from. */
export interface FactSource {
  subset: Subset;
  sections: readonly SectionName[];
}

const min = (...sections: SectionName[]): FactSource => ({ subset: 'min', sections });
const hardware = (...sections: SectionName[]): FactSource => ({ subset: 'hardware', sections });
const network = (...sections: SectionName[]): FactSource => ({ subset: 'network', sections });
const virtual = (...sections: SectionName[]): FactSource => ({ subset: 'virtual', sections });

/** Every fact `setup` can return (names as stored in `ansible_facts`, without the `ansible_` prefix). */
export const FACTS: Readonly<Record<string, FactSource>> = {
  hostname: min('uname'),
  nodename: min('uname'),
  fqdn: min('uname', 'fqdn'),
  domain: min('uname', 'fqdn'),
  system: min('uname'),
  kernel: min('uname'),
  kernel_version: min('uname'),
  machine: min('uname'),
  architecture: min('uname'),
  distribution: min('os-release'),
  distribution_version: min('os-release', 'debian-version'),
  distribution_major_version: min('os-release', 'debian-version'),
  distribution_release: min('os-release'),
  os_family: min('os-release'),
  date_time: min('date'),
  user_id: min('user'),
  user_uid: min('user'),
  user_gid: min('user'),
  user_gecos: min('user'),
  user_dir: min('user'),
  user_shell: min('user'),
  real_user_id: min('user'),
  effective_user_id: min('user'),
  real_group_id: min('user'),
  effective_group_id: min('user'),
  env: min('env'),
  dns: min('dns'),
  processor: hardware('cpuinfo'),
  processor_count: hardware('cpuinfo', 'nproc'),
  processor_cores: hardware('cpuinfo', 'nproc'),
  processor_threads_per_core: hardware('cpuinfo', 'nproc'),
  processor_vcpus: hardware('cpuinfo', 'nproc'),
  processor_nproc: hardware('nproc', 'cpuinfo'),
  memtotal_mb: hardware('meminfo'),
  memfree_mb: hardware('meminfo'),
  swaptotal_mb: hardware('meminfo'),
  swapfree_mb: hardware('meminfo'),
  memory_mb: hardware('meminfo'),
  devices: hardware('devices'),
  mounts: hardware('mounts', 'df', 'devices'),
  uptime_seconds: hardware('uptime'),
  interfaces: network('netdev', 'ipv4'),
  all_ipv4_addresses: network('ipv4'),
  default_ipv4: network('route', 'ipv4', 'netdev'),
  virtualization_type: virtual('virtual'),
  virtualization_role: virtual('virtual'),
  virtualization_tech_guest: virtual('virtual'),
  virtualization_tech_host: virtual('virtual'),
};

/** Facts about the gathering itself: always returned (unless filtered out), need no section. */
export const META_FACTS = ['gather_subset', 'module_setup'] as const;

/** A `gather_subset` entry that is not `all`, a subset or `!` one of them. */
export class BadSubsetError extends Error {
  override readonly name = 'BadSubsetError';
}

/**
 * The subsets a `gather_subset` list selects, with Ansible's rules: `all` adds every subset, a name adds it,
 * `!name` removes it (`!all` removes all but `min`); only exclusions start from `all`; `min` is kept unless `!min`.
 */
export function resolveSubsets(requested: readonly string[]): Set<Subset> {
  const include = new Set<string>();
  const exclude = new Set<string>();
  for (const raw of requested) {
    const entry = raw.trim();
    if (entry === '') continue;
    const excluded = entry.startsWith('!');
    const name = excluded ? entry.slice(1) : entry;
    if (name !== 'all' && !(SUBSETS as readonly string[]).includes(name)) {
      throw new BadSubsetError(`Bad subset '${name}' given to gather_subset: expected one of all, ${SUBSETS.join(', ')} (optionally prefixed with '!').`);
    }
    (excluded ? exclude : include).add(name);
  }
  if (include.size === 0) include.add('all');
  const chosen = new Set<Subset>(include.has('all') && !exclude.has('all') ? SUBSETS : []);
  for (const name of include) if (name !== 'all') chosen.add(name as Subset);
  for (const name of exclude) if (name !== 'all') chosen.delete(name as Subset);
  if (!exclude.has('min')) chosen.add('min');
  return chosen;
}

/**
 * A predicate on fact names (without prefix) for a `filter` list, as Ansible's setup does: a pattern is
 * matched against `ansible_<name>`; one not starting with `ansible_` may also name the short form (`distribution*`).
 * An empty list (or `*`) keeps everything.
 */
export function factFilter(patterns: readonly string[]): (name: string) => boolean {
  const active = patterns.map((p) => p.trim()).filter((p) => p !== '');
  if (active.length === 0 || active.includes('*')) return () => true;
  const regexps = active.flatMap((p) => (p.startsWith('ansible_') ? [fnmatchRegExp(p)] : [fnmatchRegExp(p), fnmatchRegExp(`ansible_${p}`)]));
  return (name) => regexps.some((r) => r.test(`ansible_${name}`));
}

/** The facts to produce for some subsets and a filter. */
export function wantedFacts(subsets: ReadonlySet<Subset>, keep: (name: string) => boolean): Set<string> {
  const wanted = new Set<string>();
  for (const [name, source] of Object.entries(FACTS)) if (subsets.has(source.subset) && keep(name)) wanted.add(name);
  for (const name of META_FACTS) if (keep(name)) wanted.add(name);
  return wanted;
}

/** The script sections needed for some facts, in the script's order. */
export function sectionsFor(facts: ReadonlySet<string>, order: readonly SectionName[]): SectionName[] {
  const needed = new Set<SectionName>();
  for (const name of facts) for (const section of FACTS[name]?.sections ?? []) needed.add(section);
  return order.filter((section) => needed.has(section));
}
