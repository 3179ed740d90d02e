/** One inventory host and its own variables. */
export interface InventoryHost {
  name: string;
  vars: Record<string, unknown>;
  /** Direct groups, in the order the host was added to them. */
  groups: Set<string>;
  /** True for the implicit `localhost` (not a member of `all`). */
  implicit?: boolean;
  /** The inventory file that first named the host (`inventory_file`); undefined for `-i a,b,` lists and plugins. */
  source?: string;
}

/** One inventory group. */
export interface InventoryGroup {
  name: string;
  vars: Record<string, unknown>;
  hosts: Set<string>;
  children: Set<string>;
  parents: Set<string>;
}

/** Hosts and groups from every inventory source, with Ansible's group-variable precedence. */
export class Inventory {
  readonly hosts = new Map<string, InventoryHost>();
  readonly groups = new Map<string, InventoryGroup>();
  /** Variables from group_vars/ and host_vars/ files, layered above the inline ones. */
  readonly groupFileVars = new Map<string, Record<string, unknown>[]>();
  readonly hostFileVars = new Map<string, Record<string, unknown>[]>();
  private readonly varsCache = new Map<string, Record<string, unknown>>();

  constructor() {
    this.group('all');
    this.group('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  /** The group of that name, created when missing. */
  group(name: string): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, vars: {}, hosts: new Set(), children: new Set(), parents: new Set() };
      this.groups.set(name, group);
      if (name !== 'all' && name !== 'ungrouped') this.addChild('all', name);
    }
    return group;
  }

  /** Makes `child` a subgroup of `parent`. */
  addChild(parent: string, child: string): void {
    this.group(parent).children.add(child);
    const c = this.group(child);
    c.parents.add(parent);
    if (parent !== 'all') this.groups.get('all')!.children.delete(child);
  }

  /** Adds (or updates) a host in a group; `source` is the inventory file it is read from. */
  addHost(name: string, group: string, vars: Record<string, unknown> = {}, source?: string): InventoryHost {
    let host = this.hosts.get(name);
    if (!host || host.implicit) {
      host = { name, vars: {}, groups: new Set(), ...(source === undefined ? {} : { source }) };
      this.hosts.set(name, host);
    }
    Object.assign(host.vars, vars);
    if (group !== 'all') {
      host.groups.add(group);
      this.group(group).hosts.add(name);
    }
    this.varsCache.clear();
    return host;
  }

  /** Hosts of `all` in inventory order (hosts in no group count as `ungrouped`). */
  allHosts(): string[] {
    return [...this.hosts.values()].filter((h) => !h.implicit).map((h) => h.name);
  }

  /** Hosts of a group and of all its subgroups, in inventory order. */
  groupHosts(name: string): string[] {
    if (name === 'all') return this.allHosts();
    const group = this.groups.get(name);
    if (!group) return [];
    const found = new Set<string>();
    const visit = (g: InventoryGroup, seen: Set<string>) => {
      if (seen.has(g.name)) return;
      seen.add(g.name);
      for (const h of g.hosts) found.add(h);
      for (const c of g.children) visit(this.groups.get(c)!, seen);
    };
    visit(group, new Set());
    return this.allHosts().filter((h) => found.has(h));
  }

  /** Every group a host belongs to, directly or through subgroups (without `all`), sorted by name. */
  groupNames(host: string): string[] {
    const h = this.hosts.get(host);
    if (!h) return [];
    const names = new Set<string>();
    const climb = (g: string) => {
      if (g === 'all' || names.has(g)) return;
      names.add(g);
      for (const p of this.groups.get(g)?.parents ?? []) climb(p);
    };
    for (const g of h.groups) climb(g);
    if (names.size === 0 && !h.implicit) names.add('ungrouped');
    return [...names].sort();
  }

  /** `groups` magic variable: every group's hosts, `all` and `ungrouped` included. */
  groupsMap(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const name of this.groups.keys()) out[name] = this.groupHosts(name);
    out['ungrouped'] = this.allHosts().filter((h) => this.hosts.get(h)!.groups.size === 0 || this.hosts.get(h)!.groups.has('ungrouped'));
    return out;
  }

  /**
   * A host's inventory variables: `all` < parent groups < child groups (deeper wins, then name order)
   * < the host's own; in each group, inline vars < group_vars/ files; host inline < host_vars/ files.
   */
  hostVars(host: string): Record<string, unknown> {
    const cached = this.varsCache.get(host);
    if (cached) return cached;
    const h = this.hosts.get(host);
    const out: Record<string, unknown> = {};
    if (h) {
      const groups = ['all', ...this.groupNames(host)];
      const depth = (g: string): number => {
        const parents = [...(this.groups.get(g)?.parents ?? [])];
        return parents.length === 0 ? 0 : 1 + Math.max(...parents.map(depth));
      };
      const ordered = groups.map((g) => [g, g === 'all' ? -1 : depth(g)] as const).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
      for (const [g] of ordered) {
        Object.assign(out, this.groups.get(g)?.vars);
        for (const layer of this.groupFileVars.get(g) ?? []) Object.assign(out, layer);
      }
      Object.assign(out, h.vars);
      for (const layer of this.hostFileVars.get(host) ?? []) Object.assign(out, layer);
    }
    this.varsCache.set(host, out);
    return out;
  }

  /** Adds the implicit `localhost` (local connection) when the inventory does not define it. */
  ensureLocalhost(): void {
    if (this.hosts.has('localhost')) return;
    this.hosts.set('localhost', { name: 'localhost', vars: { ansible_connection: 'local' }, groups: new Set(), implicit: true });
  }

  /** Forgets cached variables (after group_vars/host_vars were added). */
  invalidate(): void {
    this.varsCache.clear();
  }
}
