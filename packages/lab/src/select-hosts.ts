import { KbrunError, loadInventory, resolveHostPattern } from '@kbrun/core';
import { inNetwork, LAB_NETWORK, SWITCH_ADDRESS } from './sealing.js';

/** The fleet's inventory, the default of `kbrun lab up`. */
export const DEFAULT_LAB_INVENTORY = 'inventory/hosts.yml';

/** An inventory host the lab can boot: its fleet address and its volume from the plan. */
export interface LabHostSpec {
  name: string;
  address: string;
  volume: { name: string | undefined; sizeGb: number; mountpoint: string | undefined } | undefined;
}

/**
 * The inventory hosts the patterns name (inventory names, groups, globs, `a:b`, `a:&b`, `a:!b`), with their private
 * address (`ansible_host`, which must lie in the lab network 10.0.0.0/16) and volume (`volume_size` in GB).
 */
export async function selectLabHosts(inventoryFiles: readonly string[], patterns: readonly string[]): Promise<LabHostSpec[]> {
  if (patterns.length === 0) throw new KbrunError('E_LAB', 'kbrun lab up needs at least one host or pattern', { hint: 'kbrun lab up haproxy-01 haproxy-02, or a group: kbrun lab up lb_internal' });
  const inventory = await loadInventory(inventoryFiles);
  const names = resolveHostPattern(inventory, patterns.join(':'));
  if (names.length === 0) throw new KbrunError('E_LAB', `no inventory host matches ${patterns.join(' ')} in ${inventoryFiles.join(', ')}`);
  const seen = new Map<string, string>();
  const specs: LabHostSpec[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const vars = inventory.hostVars(name);
    const address = typeof vars['ansible_host'] === 'string' ? vars['ansible_host'] : undefined;
    if (address === undefined || !inNetwork(address, LAB_NETWORK) || address === SWITCH_ADDRESS) {
      problems.push(`${name}: ansible_host ${address ?? '(none)'} is not a private address in ${LAB_NETWORK.address}/${LAB_NETWORK.prefix}`);
      continue;
    }
    const other = seen.get(address);
    if (other) {
      problems.push(`${name}: ansible_host ${address} is also ${other}'s`);
      continue;
    }
    seen.set(address, name);
    const size = Number(vars['volume_size']);
    specs.push({
      name,
      address,
      volume:
        vars['volume_size'] !== undefined && Number.isFinite(size) && size > 0
          ? { name: typeof vars['volume_name'] === 'string' ? vars['volume_name'] : undefined, sizeGb: size, mountpoint: typeof vars['volume_mountpoint'] === 'string' ? vars['volume_mountpoint'] : undefined }
          : undefined,
    });
  }
  if (problems.length > 0) throw new KbrunError('E_LAB', `cannot put these hosts in the lab:\n  ${problems.join('\n  ')}`);
  return specs;
}
