import { resolveHostPattern } from '../inventory/host-pattern.js';
import { pyStr } from '../expr/py-string.js';
import type { LookupSpec } from './lookup-types.js';

/** `inventory_hostnames`: the inventory hosts matching host patterns (`--limit` does not apply); none for a bad pattern. */
export const inventoryHostnamesLookup: LookupSpec = {
  description: 'Inventory hosts matching host patterns (`web:&prod`, `all:!db`), in inventory order; `--limit` does not apply.',
  options: {},
  run: (terms, _options, env) => {
    try {
      return resolveHostPattern(env.inventory, terms.map(pyStr).join(','));
    } catch {
      return [];
    }
  },
};
