import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { KbrunError, KbrunErrors } from '../errors/kbrun-error.js';
import { loadYamlFile, locationOf, readVarsFile, valueLocationOf } from '../source/yaml-loader.js';
import { didYouMean } from '../util/similar.js';
import { Inventory } from './inventory.js';
import { addInventoryData, type InventoryPlugin } from './inventory-plugin.js';

const VARS_EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * Builds one inventory from several sources (`-i` may be given more than once):
 * a YAML inventory file, a directory of them, or a comma-separated host list (`a,b,`).
 * `group_vars/` and `host_vars/` beside each source are loaded too.
 */
export async function loadInventory(sources: readonly string[], options: { plugins?: Readonly<Record<string, InventoryPlugin>> } = {}): Promise<Inventory> {
  const inventory = new Inventory();
  const errors: KbrunError[] = [];
  for (const source of sources) {
    try {
      await addSource(inventory, source, errors, options.plugins ?? {});
    } catch (error) {
      if (error instanceof KbrunErrors) errors.push(...error.errors);
      else throw error;
    }
  }
  if (errors.length > 0) throw new KbrunErrors(errors);
  inventory.ensureLocalhost();
  return inventory;
}

async function addSource(inventory: Inventory, source: string, errors: KbrunError[], plugins: Readonly<Record<string, InventoryPlugin>>): Promise<void> {
  if (source.includes(',') && !(await exists(source))) {
    for (const name of source.split(',').map((s) => s.trim()).filter(Boolean)) inventory.addHost(name, 'ungrouped');
    return;
  }
  const path = resolve(source);
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new KbrunError('E_FILE_NOT_FOUND', `inventory source ${source} does not exist`, {
      hint: 'pass an inventory file or directory with -i, or a comma-separated host list ending with a comma (-i host1,)',
    });
  }
  if (info.isDirectory()) {
    const entries = (await readdir(path)).filter((e) => ['.yml', '.yaml'].includes(extname(e))).sort();
    for (const entry of entries) await addYamlFile(inventory, join(path, entry), errors, plugins);
    await addVarsDirectories(inventory, path);
    return;
  }
  await addYamlFile(inventory, path, errors, plugins);
  await addVarsDirectories(inventory, dirname(path));
}

async function addYamlFile(inventory: Inventory, file: string, errors: KbrunError[], plugins: Readonly<Record<string, InventoryPlugin>>): Promise<void> {
  const [root] = await loadYamlFile(file);
  if (root === null || root === undefined) return;
  if (isMapping(root) && typeof root['plugin'] === 'string') {
    // An inventory plugin's configuration (`plugin: hcloud`): the plugin builds the hosts and groups.
    const plugin = plugins[root['plugin']];
    if (!plugin) {
      errors.push(new KbrunError('E_INVENTORY', `${basename(file)}: unknown inventory plugin '${root['plugin']}'.${didYouMean(root['plugin'], Object.keys(plugins))}`, { location: valueLocationOf(root, 'plugin'), hint: `plugins: ${Object.keys(plugins).join(', ') || 'none registered'}` }));
      return;
    }
    addInventoryData(inventory, await plugin(file));
    return;
  }
  if (!isMapping(root)) {
    errors.push(new KbrunError('E_INVENTORY', `${basename(file)}: an inventory must be a mapping of groups (all: {hosts: …, children: …})`, { location: locationOf(root) ?? { file, line: 1, col: 1 } }));
    return;
  }
  for (const [name, body] of Object.entries(root)) addGroup(inventory, name, body, root, errors, new Set(), file);
}

const GROUP_KEYS = ['hosts', 'children', 'vars'];

function addGroup(inventory: Inventory, name: string, body: unknown, parent: object, errors: KbrunError[], path: Set<string>, file: string): void {
  if (path.has(name)) {
    errors.push(new KbrunError('E_INVENTORY', `group '${name}' contains itself`, { location: locationOf(parent, name) }));
    return;
  }
  const group = inventory.group(name);
  if (body === null || body === undefined) return;
  if (!isMapping(body)) {
    errors.push(new KbrunError('E_INVENTORY', `group '${name}' must be a mapping with hosts, children and vars`, { location: valueLocationOf(parent, name) }));
    return;
  }
  for (const key of Object.keys(body)) {
    if (!GROUP_KEYS.includes(key)) {
      errors.push(new KbrunError('E_INVENTORY', `unknown key '${key}' in group '${name}'`, { location: locationOf(body, key), hint: 'a group has only hosts:, children: and vars:' }));
    }
  }
  if (body['vars'] !== undefined && body['vars'] !== null) {
    if (!isMapping(body['vars'])) errors.push(new KbrunError('E_INVENTORY', `vars of group '${name}' must be a mapping`, { location: valueLocationOf(body, 'vars') }));
    else Object.assign(group.vars, body['vars']);
  }
  const hosts = body['hosts'];
  if (hosts !== undefined && hosts !== null) {
    if (!isMapping(hosts)) {
      errors.push(new KbrunError('E_INVENTORY', `hosts of group '${name}' must be a mapping of host names (each with its variables or empty)`, { location: valueLocationOf(body, 'hosts') }));
    } else {
      for (const [pattern, vars] of Object.entries(hosts)) {
        if (vars !== null && vars !== undefined && !isMapping(vars)) {
          errors.push(new KbrunError('E_INVENTORY', `variables of host '${pattern}' must be a mapping`, { location: valueLocationOf(hosts, pattern) }));
          continue;
        }
        for (const host of expandHostRange(pattern)) inventory.addHost(host, name, { ...(vars ?? {}) }, file);
      }
    }
  }
  const children = body['children'];
  if (children !== undefined && children !== null) {
    if (!isMapping(children)) {
      errors.push(new KbrunError('E_INVENTORY', `children of group '${name}' must be a mapping of group names`, { location: valueLocationOf(body, 'children') }));
    } else {
      for (const [child, childBody] of Object.entries(children)) {
        inventory.addChild(name, child);
        addGroup(inventory, child, childBody, children, errors, new Set([...path, name]), file);
      }
    }
  }
}

/** Expands Ansible host ranges: `web[01:03]` → web01, web02, web03; `db-[a:c]` → db-a … db-c. */
export function expandHostRange(pattern: string): string[] {
  const match = /^(.*?)\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\](.*)$/.exec(pattern);
  if (!match) return [pattern];
  const [, head, from, to, stepText, tail] = match as unknown as [string, string, string, string, string | undefined, string];
  const step = stepText ? Number(stepText) : 1;
  const out: string[] = [];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.length;
    for (let i = Number(from); i <= Number(to); i += step) out.push(head + String(i).padStart(width, '0'));
  } else {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c += step) out.push(head + String.fromCharCode(c));
  }
  return out.flatMap((h) => expandHostRange(h + tail));
}

/** Loads `group_vars/` and `host_vars/` of a directory (beside an inventory or a playbook) into the inventory. */
export async function addVarsDirectories(inventory: Inventory, directory: string): Promise<void> {
  await addVarsEntries(join(directory, 'group_vars'), new Set(inventory.groups.keys()), inventory.groupFileVars);
  await addVarsEntries(join(directory, 'host_vars'), new Set(inventory.hosts.keys()), inventory.hostFileVars);
  inventory.invalidate();
}

/**
 * For each entry of a vars directory named after a known group/host: `name.yml` (or .yaml, .json, no extension)
 * and every file of `name/`, sorted. The directory is listed once, whatever the inventory's size.
 */
async function addVarsEntries(directory: string, names: ReadonlySet<string>, into: Map<string, Record<string, unknown>[]>): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const ext = extname(entry.name);
    // `web.example.com` (no extension) is a host name; `web.yml` is the vars of `web`.
    const name = entry.isDirectory() || names.has(entry.name) ? entry.name : VARS_EXTENSIONS.includes(ext) ? entry.name.slice(0, entry.name.length - ext.length) : undefined;
    if (name === undefined || !names.has(name)) continue;
    const path = join(directory, entry.name);
    const files = entry.isDirectory() ? (await readdir(path)).filter((f) => VARS_EXTENSIONS.includes(extname(f))).sort().map((f) => join(path, f)) : [path];
    const layers = await Promise.all(files.map((f) => readVarsFile(f)));
    into.set(name, [...(into.get(name) ?? []), ...layers]);
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
