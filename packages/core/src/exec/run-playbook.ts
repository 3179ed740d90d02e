import { resolve } from 'node:path';
import PQueue from 'p-queue';
import { ConnectionError, type Connection } from '../connection/connection.js';
import { LocalConnection } from '../connection/local-connection.js';
import type { EventListener, HostStats, KbrunEvent, TaskInfo } from '../events/events.js';
import { resolveHostPattern } from '../inventory/host-pattern.js';
import { Inventory } from '../inventory/inventory.js';
import { addVarsDirectories, loadInventory } from '../inventory/load-inventory.js';
import { loadPlaybook } from '../language/load-playbook.js';
import type { Play, Playbook, Task } from '../language/model.js';
import type { ModulePack } from '../modules/define-module.js';
import { ModuleRegistry } from '../modules/module-registry.js';
import { readVarsFile, valueLocationOf } from '../source/yaml-loader.js';
import { Templar } from '../template/templar.js';
import { createClock, type Clock } from '../util/clock.js';
import { layer, VariableManager, type Layer } from '../vars/variable-manager.js';
import { runPlayTasks, type HostFailures } from './play-runner.js';
import { ProgressBoard } from './progress-board.js';
import type { RunContext } from './run-context.js';
import { RunStats } from './stats.js';

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
  /** Module packs to register (e.g. `builtinModules`). */
  modules: readonly ModulePack[];
  /** Receives every event of the run. */
  onEvent?: EventListener;
  /** Connection kinds besides `local`. */
  connections?: Readonly<Record<string, ConnectionFactory>>;
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
  const playbook = await loadPlaybook(options.playbook, registry);
  const inventory = options.inventory instanceof Inventory ? options.inventory : await loadInventory(options.inventory ?? []);
  await addVarsDirectories(inventory, playbook.directory);
  return executePlaybook(playbook, inventory, options);
}

/** Runs an already loaded playbook against an inventory. */
export async function executePlaybook(playbook: Playbook, inventory: Inventory, options: RunPlaybookOptions): Promise<RunPlaybookResult> {
  const emit = (event: KbrunEvent) => options.onEvent?.(event);
  const templar = new Templar();
  const extraVars = options.extraVars ?? {};
  const check = options.check ?? false;
  const vars = new VariableManager(inventory, templar, extraVars, {
    ansible_check_mode: check,
    ansible_diff_mode: options.diff ?? false,
    ansible_verbosity: options.verbosity ?? 0,
    playbook_dir: playbook.directory,
    ansible_version: { full: '2.14.0', major: 2, minor: 14, revision: 0, string: 'kbrun' },
  });
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
    signal: options.signal ?? new AbortController().signal,
    playbookDirectory: playbook.directory,
    emit,
    progress: new ProgressBoard(emit),
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
  const forks = new PQueue({ concurrency: Math.max(1, options.forks ?? 50) });
  const limit = options.limit ? new Set(resolveHostPattern(inventory, options.limit)) : undefined;
  emit({ type: 'playbook_start', file: playbook.file, check });
  try {
    for (const play of playbook.plays) {
      const pattern = templar.renderDeep(play.hosts, extraVars) as string | string[];
      const matched = resolveHostPattern(inventory, pattern).filter((h) => !limit || limit.has(h));
      const hosts = matched.filter((h) => !failures.failed.has(h) && !failures.unreachable.has(h));
      emit({ type: 'play_start', name: play.name, pattern: Array.isArray(pattern) ? pattern.join(',') : pattern, hosts });
      if (hosts.length === 0) {
        emit({ type: 'no_hosts', message: matched.length === 0 ? 'skipping: no hosts matched' : 'NO MORE HOSTS LEFT' });
        continue;
      }
      for (const host of hosts) stats.touch(host);
      vars.startPlay(await playLayers(play, playbook, templar, extraVars), {
        ansible_play_name: play.name,
        ansible_play_hosts_all: hosts,
        ansible_play_hosts: hosts,
        ansible_play_batch: hosts,
      });
      await runPlayTasks({ run, play, hosts, forks, stats, failures, infos: taskInfos(play) });
      emit({ type: 'play_end', name: play.name });
      if (hosts.every((h) => failures.failed.has(h) || failures.unreachable.has(h))) {
        emit({ type: 'no_hosts', message: 'NO MORE HOSTS LEFT' });
        break;
      }
    }
  } finally {
    await Promise.allSettled([...connections.values()].map(async (c) => (await c).close()));
  }
  emit({ type: 'recap', hosts: stats.hosts });
  const failedHosts = [...failures.failed];
  const unreachableHosts = [...failures.unreachable];
  return { stats: stats.hosts, exitCode: failedHosts.length > 0 ? 2 : unreachableHosts.length > 0 ? 4 : 0, failedHosts, unreachableHosts };
}

/** The play's `vars` and each of its `vars_files` (paths rendered with play and extra vars, relative to the playbook). */
async function playLayers(play: Play, playbook: Playbook, templar: Templar, extraVars: Record<string, unknown>): Promise<Layer[]> {
  const layers: Layer[] = [layer(play.vars, play.location)];
  const context = { ...play.vars, ...extraVars, playbook_dir: playbook.directory };
  for (const [index, file] of play.varsFiles.entries()) {
    const path = resolve(playbook.directory, String(templar.render(file, context)));
    layers.push(layer(await readVarsFile(path, valueLocationOf(play.varsFiles, index) ?? play.location)));
  }
  return layers;
}

function taskInfos(play: Play): Map<Task, TaskInfo> {
  return new Map(play.tasks.map((task) => [task, { id: task.id, name: task.name, action: task.action, location: task.location, noLog: task.keywords['no_log'] === true }]));
}
