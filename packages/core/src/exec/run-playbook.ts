import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import PQueue from 'p-queue';
import { ConnectionError, type Connection } from '../connection/connection.js';
import { LocalConnection } from '../connection/local-connection.js';
import { KbrunErrors, type KbrunError } from '../errors/kbrun-error.js';
import type { EventListener, HostStats, KbrunEvent } from '../events/events.js';
import { resolveHostPattern } from '../inventory/host-pattern.js';
import { Inventory } from '../inventory/inventory.js';
import { addVarsDirectories, loadInventory } from '../inventory/load-inventory.js';
import type { InventoryPlugin } from '../inventory/inventory-plugin.js';
import { includedNodes } from '../language/load-tasks.js';
import { loadPlaybook } from '../language/load-playbook.js';
import type { LoadScope } from '../language/load-scope.js';
import type { Include, Play, Playbook, TaskNode } from '../language/model.js';
import type { ModulePack } from '../modules/define-module.js';
import { ModuleRegistry } from '../modules/module-registry.js';
import { readVarsFile } from '../source/yaml-loader.js';
import { processSecrets } from '../secrets/process-secrets.js';
import { redactEvent } from './redact-event.js';
import { Templar } from '../template/templar.js';
import { createClock, type Clock } from '../util/clock.js';
import { playRoleMagic, runMagic } from '../vars/run-magic.js';
import { layer, VariableManager, type Layer } from '../vars/variable-manager.js';
import { orderHosts, splitBatches } from './batches.js';
import { BatchRun, type BatchServices, type HostFailures } from './play-runner.js';
import { ProgressBoard } from './progress-board.js';
import type { RunContext } from './run-context.js';
import { TaskLookups, type LookupServices } from './task-lookups.js';
import { RunStats } from './stats.js';
import { TagFilter } from './tag-filter.js';

/** Opens a connection of one kind (`ssh`, …) to a host, from the host's variables. */
export type ConnectionFactory = (host: string, vars: Readonly<Record<string, unknown>>) => Promise<Connection>;

/** Everything `runPlaybook` needs; only `playbook` and `modules` are required. */
export interface RunPlaybookOptions {
  /** Path of the playbook file. */
  playbook: string;
  /** Inventory sources (files, directories, `a,b,` lists) or a built inventory; default: implicit localhost only. */
  inventory?: readonly string[] | Inventory;
  /** `--limit` host pattern. */
  limit?: string;
  /** Extra variables (`-e`), highest precedence. */
  extraVars?: Record<string, unknown>;
  check?: boolean;
  diff?: boolean;
  /** Hosts run in parallel (default 50). */
  forks?: number;
  verbosity?: number;
  /** `--tags` / `--skip-tags`. */
  tags?: readonly string[];
  skipTags?: readonly string[];
  /** `--start-at-task NAME`. */
  startAtTask?: string;
  /** `--force-handlers`: run notified handlers on hosts that failed too. */
  forceHandlers?: boolean;
  /** Directories searched for roles besides `roles/` beside the playbook. */
  rolesPath?: readonly string[];
  /** Module packs to register (e.g. `builtinModules`). */
  modules: readonly ModulePack[];
  /** Receives every event of the run. */
  onEvent?: EventListener;
  /** Connection kinds besides `local`. */
  connections?: Readonly<Record<string, ConnectionFactory>>;
  /** Inventory plugins by the `plugin:` name their files use (e.g. hcloud). */
  inventoryPlugins?: Readonly<Record<string, InventoryPlugin>>;
  /** Hosts/servers destructive modules may never touch (refused before any call). */
  protectedHosts?: readonly string[];
  /** The settings file the run was configured from (`ansible_config_file`). */
  configFile?: string;
  /** Seconds any task may run when it sets no `timeout` keyword (Ansible's TASK_TIMEOUT); none when 0 or undefined. */
  taskTimeout?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

/** What a run ended with: the recap and ansible-playbook's exit code (0 ok, 2 a host failed, 4 a host unreachable). */
export interface RunPlaybookResult {
  stats: Record<string, HostStats>;
  exitCode: 0 | 2 | 4;
  failedHosts: string[];
  unreachableHosts: string[];
}

/** Loads, validates and runs a playbook. Loading errors are thrown (KbrunErrors) before anything runs. */
export async function runPlaybook(options: RunPlaybookOptions): Promise<RunPlaybookResult> {
  const registry = new ModuleRegistry(options.modules);
  const playbook = await loadPlaybook(options.playbook, registry, { rolesPath: options.rolesPath ?? [] });
  const inventory = options.inventory instanceof Inventory ? options.inventory : await loadInventory(options.inventory ?? [], { plugins: options.inventoryPlugins ?? {} });
  await addVarsDirectories(inventory, playbook.directory);
  return executePlaybook(playbook, inventory, registry, options);
}

/** Runs an already loaded playbook against an inventory. */
export async function executePlaybook(playbook: Playbook, inventory: Inventory, registry: ModuleRegistry, options: RunPlaybookOptions): Promise<RunPlaybookResult> {
  const { redactor } = processSecrets();
  redactor.collect(options.extraVars ?? {});
  for (const host of inventory.hosts.keys()) redactor.collect(inventory.hostVars(host));
  const emit = (event: KbrunEvent) => options.onEvent?.(redactEvent(event, redactor));
  const templar = new Templar();
  const extraVars = options.extraVars ?? {};
  const check = options.check ?? false;
  const magic = runMagic({
    playbookDir: playbook.directory,
    check,
    diff: options.diff ?? false,
    verbosity: options.verbosity ?? 0,
    forks: Math.max(1, options.forks ?? 50),
    tags: options.tags ?? [],
    skipTags: options.skipTags ?? [],
    limit: options.limit,
    inventorySources: Array.isArray(options.inventory) ? options.inventory : [],
    configFile: options.configFile,
  });
  const lookups: LookupServices = { templar, inventory, playbookDir: playbook.directory, warn: (message) => emit({ type: 'warning', message }) };
  const vars = new VariableManager(inventory, templar, extraVars, magic, (taskVars, node) => new TaskLookups(lookups, taskVars, node));
  const stats = new RunStats();
  const failures: HostFailures = { failed: new Set(), unreachable: new Set() };
  const connections = new Map<string, Promise<Connection>>();
  const local = new LocalConnection();
  const run: RunContext = {
    templar,
    vars,
    check,
    diff: options.diff ?? false,
    verbosity: options.verbosity ?? 0,
    clock: options.clock ?? createClock(),
    signal: unlimitedListeners(options.signal ?? new AbortController().signal),
    playbookDirectory: playbook.directory,
    emit,
    progress: new ProgressBoard(emit),
    protectedHosts: new Set(options.protectedHosts ?? []),
    taskTimeout: options.taskTimeout ?? 0,
    connectionFor: (host, kind, hostVars) => {
      if (kind === 'local') return Promise.resolve(local);
      const key = `${kind}:${host}`;
      let connection = connections.get(key);
      if (!connection) {
        const factory = options.connections?.[kind];
        connection = factory ? factory(host, hostVars) : Promise.reject(new ConnectionError(`no '${kind}' connection is available in this build (set ansible_connection: local, or install the ${kind} connection)`));
        connection.catch(() => connections.delete(key));
        connections.set(key, connection);
      }
      return connection;
    },
  };
  let currentInventory = inventory;
  const services: BatchServices = {
    forks: new PQueue({ concurrency: Math.max(1, options.forks ?? 50) }),
    stats,
    failures,
    tags: new TagFilter(options.tags, options.skipTags),
    startAt: { name: options.startAtTask },
    forceHandlers: options.forceHandlers ?? false,
    loadInclude: (node, target) => loadInclude(node, target, registry, options.rolesPath ?? [], playbook.directory),
    refreshInventory: async () => {
      if (options.inventory instanceof Inventory || !options.inventory) return;
      const fresh = await loadInventory(options.inventory, { plugins: options.inventoryPlugins ?? {} });
      await addVarsDirectories(fresh, playbook.directory);
      currentInventory.hosts.clear();
      currentInventory.groups.clear();
      for (const [name, host] of fresh.hosts) currentInventory.hosts.set(name, host);
      for (const [name, group] of fresh.groups) currentInventory.groups.set(name, group);
      fresh.groupFileVars.forEach((v, k) => currentInventory.groupFileVars.set(k, v));
      fresh.hostFileVars.forEach((v, k) => currentInventory.hostFileVars.set(k, v));
      currentInventory.invalidate();
      vars.refreshInventory();
    },
  };
  const limit = options.limit ? new Set(resolveHostPattern(currentInventory, options.limit)) : undefined;
  emit({ type: 'playbook_start', file: playbook.file, check });
  try {
    plays: for (const play of playbook.plays) {
      const pattern = templar.renderDeep(play.hosts, extraVars) as string | string[];
      const matched = orderHosts(resolveHostPattern(currentInventory, pattern).filter((h) => !limit || limit.has(h)), play.keywords['order']);
      const hosts = matched.filter((h) => !failures.failed.has(h) && !failures.unreachable.has(h));
      emit({ type: 'play_start', name: play.name, pattern: Array.isArray(pattern) ? pattern.join(',') : pattern, hosts });
      if (hosts.length === 0) {
        emit({ type: 'no_hosts', message: matched.length === 0 ? 'skipping: no hosts matched' : 'NO MORE HOSTS LEFT' });
        continue;
      }
      for (const host of hosts) stats.touch(host);
      vars.startPlay(await playLayers(play, playbook, templar, extraVars), { ansible_play_name: play.name, ansible_play_hosts_all: hosts, ...playRoleMagic(play.roleNames) }, play.roleDefaults.map((d) => layer(d.values, d.location)));
      const batches = splitBatches(hosts, templar.renderDeep(play.keywords['serial'], extraVars));
      for (const [index, batch] of batches.entries()) {
        emit({ type: 'batch_start', play: play.name, batch: index + 1, of: batches.length, hosts: batch });
        const outcome = await new BatchRun(run, play, batch, services, hosts).execute();
        emit({ type: 'batch_end', play: play.name, batch: index + 1, of: batches.length, hosts: batch, failed: batch.filter((h) => failures.failed.has(h)), unreachable: batch.filter((h) => failures.unreachable.has(h)) });
        if (outcome.abortRun) {
          emit({ type: 'no_hosts', message: 'NO MORE HOSTS LEFT' });
          break plays;
        }
        if (outcome.endPlay) break;
        if (batch.every((h) => failures.failed.has(h) || failures.unreachable.has(h))) {
          emit({ type: 'no_hosts', message: 'NO MORE HOSTS LEFT' });
          break plays;
        }
      }
      emit({ type: 'play_end', name: play.name });
    }
  } finally {
    await Promise.allSettled([...connections.values()].map(async (c) => (await c).close()));
  }
  emit({ type: 'recap', hosts: stats.hosts });
  const failedHosts = [...failures.failed];
  const unreachableHosts = [...failures.unreachable];
  return { stats: stats.hosts, exitCode: failedHosts.length > 0 ? 2 : unreachableHosts.length > 0 ? 4 : 0, failedHosts, unreachableHosts };
}

/** Every waiting host-task listens to the run's signal: hundreds at once is expected, not a leak. */
function unlimitedListeners(signal: AbortSignal): AbortSignal {
  setMaxListeners(0, signal);
  return signal;
}

/** The play's `vars` and each of its `vars_files` (paths rendered with play and extra vars, relative to the playbook). */
async function playLayers(play: Play, playbook: Playbook, templar: Templar, extraVars: Record<string, unknown>): Promise<Layer[]> {
  const { redactor } = processSecrets();
  redactor.collect(play.vars);
  const layers: Layer[] = [layer(play.vars, play.location)];
  const context = { ...play.vars, ...extraVars, playbook_dir: playbook.directory };
  for (const file of play.varsFiles) {
    const path = resolve(playbook.directory, String(templar.render(file, context)));
    const values = await readVarsFile(path, play.location);
    redactor.collect(values);
    layers.push(layer(values));
  }
  for (const roleVars of play.roleVars) layers.push(layer(roleVars.values, roleVars.location));
  return layers;
}

/** Reads what an include brings at run time, with the same validation as loading (errors thrown together). */
async function loadInclude(node: Include, target: string, registry: ModuleRegistry, rolesPath: readonly string[], playbookDirectory: string): Promise<TaskNode[]> {
  const errors: KbrunError[] = [];
  const scope: LoadScope = {
    registry,
    errors,
    directory: node.directory,
    rolesPath: [resolve(playbookDirectory, 'roles'), ...rolesPath],
    keywords: Object.fromEntries(Object.entries(node.keywords).filter(([k]) => !k.startsWith('with_') && !['when', 'loop', 'loop_control', 'tags', 'name', 'vars', 'include_tasks', 'include_role'].includes(k))),
    conditions: [],
    vars: node.vars,
    defaults: node.defaults,
    tags: [],
    role: node.role,
    importing: [],
    from: node.location,
    roleHandlers: { handlers: [], loaded: new Set(), defaults: [], vars: [] },
  };
  const nodes = await includedNodes(node, scope, target);
  if (errors.length > 0) throw new KbrunErrors(errors);
  return nodes;
}
