import type { Inventory } from './inventory.js';

/** Hosts and groups an inventory plugin (such as hcloud) produces from its configuration file. */
export interface InventoryData {
  hosts: Record<string, Record<string, unknown>>;
  groups: Record<string, { hosts: string[]; vars: Record<string, unknown>; children: string[] }>;
}

/** Reads an inventory file whose `plugin:` names it, and returns its hosts and groups. */
export type InventoryPlugin = (file: string) => Promise<InventoryData>;

/** Adds what a plugin produced to the inventory (group vars, children, hosts with their vars). */
export function addInventoryData(inventory: Inventory, data: InventoryData): void {
  for (const [name, group] of Object.entries(data.groups)) Object.assign(inventory.group(name).vars, group.vars);
  for (const [name, group] of Object.entries(data.groups)) for (const child of group.children) inventory.addChild(name, child);
  for (const [host, vars] of Object.entries(data.hosts)) {
    const groups = Object.entries(data.groups)
      .filter(([, group]) => group.hosts.includes(host))
      .map(([name]) => name);
    for (const group of groups.length > 0 ? groups : ['ungrouped']) inventory.addHost(host, group, vars);
  }
}
