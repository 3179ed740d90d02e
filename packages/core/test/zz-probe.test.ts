import { it } from 'vitest';
import { resolveHostPattern } from '../src/inventory/host-pattern.js';
import { Inventory } from '../src/inventory/inventory.js';
it('probe', () => {
  const inventory = new Inventory();
  for (const h of ['web01', 'web02', 'web03']) inventory.addHost(h, 'web');
  for (const h of ['db01', 'db02']) inventory.addHost(h, 'db');
  inventory.addHost('web02', 'staging'); inventory.addHost('db02', 'staging'); inventory.addHost('solo', 'ungrouped');
  for (const p of ['!staging', '&staging', '~eb0[12]']) console.log(p, JSON.stringify(resolveHostPattern(inventory, p)));
});
