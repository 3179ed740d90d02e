import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KbrunError, KbrunErrors } from '../src/errors/kbrun-error.js';
import { resolveHostPattern } from '../src/inventory/host-pattern.js';
import { Inventory } from '../src/inventory/inventory.js';
import { expandHostRange, loadInventory } from '../src/inventory/load-inventory.js';

let root: string;

/** Writes files (path relative to the temp dir → text) and returns the temp dir. */
async function writeTree(dir: string, files: Record<string, string>): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kbrun-inventory-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const HOSTS_YML = `
all:
  vars: { level: all, from_all: 1 }
  children:
    web:
      vars: { level: web, web_only: true }
      hosts:
        web[01:03]:
        web.example.com: { level: host_inline }
      children:
        frontend:
          vars: { level: frontend }
          hosts:
            web01:
    db:
      hosts:
        db-[a:c]: { port: 5432 }
`;

describe('loadInventory (YAML)', () => {
  let inventory: Inventory;

  beforeAll(async () => {
    const dir = await writeTree(join(root, 'main'), {
      'hosts.yml': HOSTS_YML,
      'group_vars/all.yml': 'level: all_file\nfrom_all_file: true\n',
      'group_vars/web/10-first.yml': 'shared: first\nfirst_only: 1\n',
      'group_vars/web/20-second.yaml': 'shared: second\n',
      'host_vars/web.example.com': 'level: host_file\n',
      'host_vars/db-b.yml': 'port: 6432\n',
    });
    inventory = await loadInventory([join(dir, 'hosts.yml')]);
  });

  it('expands host ranges and nests children', () => {
    expect(inventory.allHosts()).toEqual(['web01', 'web02', 'web03', 'web.example.com', 'db-a', 'db-b', 'db-c']);
    expect(inventory.groupHosts('web')).toEqual(['web01', 'web02', 'web03', 'web.example.com']);
    expect(inventory.groupHosts('frontend')).toEqual(['web01']);
    expect(inventory.groupNames('web01')).toEqual(['frontend', 'web']);
  });

  it.each([
    ['web02', { level: 'web', from_all: 1, from_all_file: true, web_only: true, shared: 'second', first_only: 1 }],
    ['web01', { level: 'frontend' }],
    ['web.example.com', { level: 'host_file', shared: 'second' }],
    ['db-a', { level: 'all_file', port: 5432 }],
    ['db-b', { level: 'all_file', port: 6432 }],
  ])('gives %s its variables with all < parent < child < host precedence', (host, expected) => {
    expect(inventory.hostVars(host)).toMatchObject(expected);
  });

  it('adds an implicit localhost outside all, with a local connection', () => {
    expect(inventory.hosts.get('localhost')).toMatchObject({ implicit: true });
    expect(inventory.hostVars('localhost')).toMatchObject({ ansible_connection: 'local' });
    expect(inventory.allHosts()).not.toContain('localhost');
    expect(inventory.groupHosts('ungrouped')).not.toContain('localhost');
  });
});

describe('loadInventory (several sources)', () => {
  it('merges YAML files and a comma list', async () => {
    const dir = await writeTree(join(root, 'multi'), {
      'one.yml': 'web:\n  hosts:\n    w1: { a: 1 }\n',
      'two.yml': 'web:\n  hosts:\n    w1: { b: 2 }\n    w2:\ndb:\n  hosts:\n    d1:\n',
    });
    const inventory = await loadInventory([join(dir, 'one.yml'), join(dir, 'two.yml'), 'a,b,']);
    expect(inventory.allHosts()).toEqual(['w1', 'w2', 'd1', 'a', 'b']);
    expect(inventory.hostVars('w1')).toMatchObject({ a: 1, b: 2 });
    expect(inventory.groupHosts('ungrouped')).toEqual(['a', 'b']);
  });

  it('defines localhost explicitly when the inventory names it', async () => {
    const inventory = await loadInventory(['localhost,']);
    expect(inventory.allHosts()).toEqual(['localhost']);
    expect(inventory.hosts.get('localhost')?.implicit).toBeFalsy();
  });
});

describe('loadInventory errors', () => {
  it('collects located E_INVENTORY errors', async () => {
    const dir = await writeTree(join(root, 'bad'), {
      'hosts.yml': ['web:', '  hosts:', '    w1:', '  hsts:', '    w2:', 'db:', '  hosts:', '    - d1', ''].join('\n'),
    });
    const error = await loadInventory([join(dir, 'hosts.yml')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KbrunErrors);
    const errors = (error as KbrunErrors).errors;
    expect(errors.map((e) => e.code)).toEqual(['E_INVENTORY', 'E_INVENTORY']);
    expect(errors[0]!.message).toMatch(/unknown key 'hsts' in group 'web'/);
    expect(errors[0]!.location).toMatchObject({ file: join(dir, 'hosts.yml'), line: 4, col: 3 });
    expect(errors[1]!.message).toMatch(/hosts of group 'db' must be a mapping/);
    expect(errors[1]!.location).toMatchObject({ line: 8, col: 5 });
  });

  it('refuses a missing source', async () => {
    await expect(loadInventory([join(root, 'nope.yml')])).rejects.toSatisfy((e) => e instanceof KbrunError && e.code === 'E_FILE_NOT_FOUND');
  });
});

describe('expandHostRange', () => {
  it.each([
    ['web[01:03]', ['web01', 'web02', 'web03']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['n[1:5:2].lan', ['n1.lan', 'n3.lan', 'n5.lan']],
    ['r[1:2]c[a:b]', ['r1ca', 'r1cb', 'r2ca', 'r2cb']],
    ['plain', ['plain']],
  ])('%s → %j', (pattern, hosts) => {
    expect(expandHostRange(pattern)).toEqual(hosts);
  });
});

describe('resolveHostPattern', () => {
  const inventory = new Inventory();
  for (const h of ['web01', 'web02', 'web03']) inventory.addHost(h, 'web');
  for (const h of ['db01', 'db02']) inventory.addHost(h, 'db');
  inventory.addHost('web02', 'staging');
  inventory.addHost('db02', 'staging');
  inventory.addHost('solo', 'ungrouped');
  inventory.ensureLocalhost();
  const everyone = ['web01', 'web02', 'web03', 'db01', 'db02', 'solo'];

  it.each([
    ['all', everyone],
    ['*', everyone],
    ['web01', ['web01']],
    ['web', ['web01', 'web02', 'web03']],
    ['web0*', ['web01', 'web02', 'web03']],
    ['*02', ['web02', 'db02']],
    ['db0?', ['db01', 'db02']],
    ['st*', ['web02', 'db02']],
    ['~db\\d+', ['db01', 'db02']],
    ['db:web', ['web01', 'web02', 'web03', 'db01', 'db02']],
    ['solo,db01', ['db01', 'solo']],
    ['web:&staging', ['web02']],
    ['all:!staging', ['web01', 'web03', 'db01', 'solo']],
    ['web:db:&staging:!web02', ['db02']],
    ['!web02:&staging:web:db', ['db02']],
    ['nothing', []],
    ['localhost', ['localhost']],
    ['web01:localhost', ['web01', 'localhost']],
    ['local*', []],
  ])('%s → %j', (pattern, hosts) => {
    expect(resolveHostPattern(inventory, pattern)).toEqual(hosts);
  });

  it('accepts a list of patterns', () => {
    expect(resolveHostPattern(inventory, ['db', '!db01'])).toEqual(['db02']);
  });

  it('treats a pattern of only exclusions/intersections as applying to all', () => {
    expect(resolveHostPattern(inventory, '!staging')).toEqual(['web01', 'web03', 'db01', 'solo']);
    expect(resolveHostPattern(inventory, '&staging')).toEqual(['web02', 'db02']);
    expect(resolveHostPattern(inventory, ['!web', '!db01'])).toEqual(['db02', 'solo']);
    expect(resolveHostPattern(inventory, '')).toEqual([]);
  });

  it('anchors ~regex at the start of names, as Ansible does', () => {
    expect(resolveHostPattern(inventory, '~eb0[12]')).toEqual([]);
    expect(resolveHostPattern(inventory, '~web|db01')).toEqual(['web01', 'web02', 'web03', 'db01']);
  });

  it('reports an invalid regex as E_HOST_PATTERN', () => {
    expect(() => resolveHostPattern(inventory, '~web[')).toThrow(expect.objectContaining({ code: 'E_HOST_PATTERN' }));
  });
});
