import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Inventory } from '../../src/inventory/inventory.js';
import { callLookup } from '../../src/lookups/call-lookup.js';
import type { LookupEnv } from '../../src/lookups/lookup-types.js';
import { Templar } from '../../src/template/templar.js';

/** A temporary directory holding `files` (relative path → text). */
export function fixtureDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kbrun-lookup-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A lookup environment rooted at a playbook directory, with an inventory of web1, web2 (web) and db1 (db). */
export function lookupEnv(playbookDir: string, more: Partial<LookupEnv> = {}): LookupEnv & { warnings: string[] } {
  const inventory = new Inventory();
  inventory.addHost('web1', 'web');
  inventory.addHost('web2', 'web');
  inventory.addHost('db1', 'db');
  const warnings: string[] = [];
  return {
    vars: { inventory_hostname: 'web1' },
    searchPath: [playbookDir],
    playbookDir,
    inventory,
    templar: new Templar(),
    subdir: 'files',
    warn: (message) => warnings.push(message),
    warnings,
    ...more,
  };
}

/** query(name, ...terms, **kwargs) against an environment. */
export function query(env: LookupEnv, name: string, terms: unknown[], kwargs: Record<string, unknown> = {}): unknown {
  return callLookup(name, terms, kwargs, true, env);
}

/** lookup(name, ...terms, **kwargs) against an environment. */
export function lookup(env: LookupEnv, name: string, terms: unknown[], kwargs: Record<string, unknown> = {}): unknown {
  return callLookup(name, terms, kwargs, false, env);
}
