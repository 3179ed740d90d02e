import { dirname, isAbsolute, join, resolve } from 'node:path';
import { KbrunError, KbrunErrors } from '../errors/kbrun-error.js';
import type { ModuleRegistry } from '../modules/module-registry.js';
import { validateModuleArgs } from '../modules/validate-args.js';
import { loadYamlFile, locationOf, valueLocationOf } from '../source/yaml-loader.js';
import type { SourceLocation } from '../source/location.js';
import { checkKeywords } from './check-keywords.js';
import { keywordsFor } from './keywords.js';
import { INHERITED_KEYWORDS, isMapping, tagList, type LoadScope } from './load-scope.js';
import { loadTaskList, nodeId } from './load-tasks.js';
import type { Play, Playbook, Task, TaskNode } from './model.js';
import { loadRoleTasks } from './roles.js';

const PLAY_KEYWORDS = keywordsFor('play');

/** Options of loading: where roles are searched (besides `roles/` beside the playbook). */
export interface LoadOptions {
  rolesPath?: readonly string[];
}

/**
 * Loads a playbook file and validates all of it before anything runs: YAML syntax, play and task keywords,
 * module names and arguments (statically where no template is involved), imports, roles, handlers.
 * Every error is collected and thrown together as KbrunErrors, each with its file:line:col.
 */
export async function loadPlaybook(file: string, registry: ModuleRegistry, options: LoadOptions = {}): Promise<Playbook> {
  const path = resolve(file);
  const errors: KbrunError[] = [];
  const plays = await loadPlays(path, registry, options, errors, []);
  if (errors.length > 0) throw new KbrunErrors(sortByLocation(errors));
  return { file: path, directory: dirname(path), plays };
}

async function loadPlays(path: string, registry: ModuleRegistry, options: LoadOptions, errors: KbrunError[], importing: string[], from?: SourceLocation): Promise<Play[]> {
  let root: unknown;
  try {
    [root] = await loadYamlFile(path, from);
  } catch (error) {
    if (error instanceof KbrunErrors) errors.push(...error.errors);
    else if (error instanceof KbrunError) errors.push(error);
    else throw error;
    return [];
  }
  if (!Array.isArray(root)) {
    errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'a playbook must be a list of plays', { location: locationOf(root) ?? { file: path, line: 1, col: 1 }, hint: 'start the file with "- hosts: all" followed by "tasks:"' }));
    return [];
  }
  const plays: Play[] = [];
  for (const [index, entry] of root.entries()) {
    const location = locationOf(entry) ?? locationOf(root, index);
    if (isMapping(entry) && entry['import_playbook'] !== undefined) {
      const target = String(entry['import_playbook']);
      const other = isAbsolute(target) ? target : resolve(dirname(path), target);
      if ([...importing, path].includes(other)) errors.push(new KbrunError('E_PLAYBOOK_SHAPE', `${other} imports itself`, { location }));
      else plays.push(...(await loadPlays(other, registry, options, errors, [...importing, path], valueLocationOf(entry, 'import_playbook'))));
      continue;
    }
    const play = await loadPlay(entry, location, path, registry, options, errors);
    if (play) plays.push(play);
  }
  return plays;
}

async function loadPlay(entry: unknown, location: SourceLocation | undefined, file: string, registry: ModuleRegistry, options: LoadOptions, errors: KbrunError[]): Promise<Play | undefined> {
  if (!isMapping(entry)) {
    errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'each play must be a mapping with at least hosts: and tasks:', { location }));
    return undefined;
  }
  checkKeywords(entry, PLAY_KEYWORDS, 'play', errors);
  if (entry['hosts'] === undefined) errors.push(new KbrunError('E_PLAYBOOK_SHAPE', "the play has no 'hosts:'", { location, hint: "add 'hosts: all' (or a group, host or pattern)" }));
  const directory = dirname(file);
  const inherited: Record<string, unknown> = {};
  for (const key of INHERITED_KEYWORDS) if (entry[key] !== undefined) inherited[key] = entry[key];
  const scope: LoadScope = {
    registry,
    errors,
    directory,
    rolesPath: [join(directory, 'roles'), ...(options.rolesPath ?? [])],
    keywords: inherited,
    conditions: [],
    vars: [],
    defaults: [],
    tags: tagList(entry['tags']),
    role: undefined,
    importing: [file],
    from: undefined,
    roleHandlers: { handlers: [], loaded: new Set(), defaults: [], vars: [] },
  };
  const pre = await loadTaskList(entry['pre_tasks'], scope, location);
  const roles = await loadRoles(entry['roles'], scope, location);
  const tasks = await loadTaskList(entry['tasks'], scope, location);
  const post = await loadTaskList(entry['post_tasks'], scope, location);
  const ownHandlers = (await loadTaskList(entry['handlers'], scope, location)).filter((n): n is Task => n.kind === 'task');
  const handlers = [...ownHandlers, ...scope.roleHandlers.handlers];
  checkNotifications([pre, roles, tasks, post, handlers], handlers, errors);
  const keywords: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (!['pre_tasks', 'tasks', 'post_tasks', 'handlers', 'roles', 'vars', 'vars_files'].includes(k)) keywords[k] = v;
  const hosts = entry['hosts'];
  return {
    name: typeof entry['name'] === 'string' ? entry['name'] : Array.isArray(hosts) ? hosts.join(',') : String(hosts ?? ''),
    hosts: Array.isArray(hosts) ? hosts.map(String) : String(hosts ?? ''),
    location,
    vars: isMapping(entry['vars']) ? entry['vars'] : {},
    varsFiles: Array.isArray(entry['vars_files']) ? entry['vars_files'].map(String) : [],
    sections: [pre, [...roles, ...tasks], post],
    handlers,
    gatherFacts: gatherFactsTask(entry, location, scope),
    keywords,
    tags: scope.tags,
    directory,
    roleNames: playRoleNames([pre, roles, tasks, post]),
    roleDefaults: scope.roleHandlers.defaults,
    roleVars: scope.roleHandlers.vars,
  };
}

/** The roles whose tasks a play holds (those of `roles:` and import_role; include_role's come at run time), in order. */
function playRoleNames(sections: readonly TaskNode[][]): string[] {
  const names = new Set<string>();
  const visit = (nodes: readonly TaskNode[]): void => {
    for (const node of nodes) {
      if (node.role) names.add(node.role.name);
      if (node.kind === 'block') [node.block, node.rescue, node.always].forEach(visit);
    }
  };
  sections.forEach(visit);
  return [...names];
}

/** `roles:` entries: a name, or a mapping with `role:`/`name:`, `when`, `tags`, `vars` and role parameters. */
async function loadRoles(value: unknown, scope: LoadScope, location: SourceLocation | undefined): Promise<TaskNode[]> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    scope.errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'roles: must be a list', { location: locationOf(value) ?? location }));
    return [];
  }
  const nodes: TaskNode[] = [];
  for (const [index, entry] of value.entries()) {
    const where = locationOf(entry) ?? locationOf(value, index);
    if (typeof entry === 'string') {
      nodes.push(...(await loadRoleTasks(entry, {}, {}, scope, where)));
      continue;
    }
    const name = isMapping(entry) ? (entry['role'] ?? entry['name']) : undefined;
    if (!isMapping(entry) || typeof name !== 'string') {
      scope.errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'a role entry is a name or a mapping with role: NAME', { location: where }));
      continue;
    }
    const own: Record<string, unknown> = {};
    const params: Record<string, unknown> = isMapping(entry['vars']) ? { ...entry['vars'] } : {};
    for (const [k, v] of Object.entries(entry)) {
      if (k === 'role' || k === 'name' || k === 'vars') continue;
      if (k === 'when' || k === 'tags' || (INHERITED_KEYWORDS as readonly string[]).includes(k)) own[k] = v;
      else params[k] = v;
    }
    const exposedAt = scope.roleHandlers.vars.length;
    nodes.push(...(await loadRoleTasks(name, params, own, scope, where)));
    // The entry's `vars:` are the role's own vars in Ansible (not parameters): the play sees them, below the role's vars/main.yml.
    if (isMapping(entry['vars'])) scope.roleHandlers.vars.splice(exposedAt, 0, { values: entry['vars'], location: where });
  }
  return nodes;
}

/** The implicit "Gathering Facts" task (the `setup` module), when facts are gathered and the module exists. */
function gatherFactsTask(entry: Record<string, unknown>, location: SourceLocation | undefined, scope: LoadScope): Task | undefined {
  const gather = entry['gather_facts'];
  if (gather === false || (typeof gather === 'string' && /^(no|false|off|0)$/i.test(gather))) return undefined;
  const module = scope.registry.get('setup');
  if (!module) return undefined;
  const args: Record<string, unknown> = {};
  if (entry['gather_subset'] !== undefined) args['gather_subset'] = entry['gather_subset'];
  if (entry['gather_timeout'] !== undefined) args['gather_timeout'] = entry['gather_timeout'];
  scope.errors.push(...validateModuleArgs(module, args, { task: location }));
  const source = {};
  return {
    id: nodeId(),
    rawName: 'Gathering Facts',
    name: 'Gathering Facts',
    location,
    keywords: { ...scope.keywords, tags: ['always'] },
    keywordSource: source,
    conditions: [],
    vars: [],
    defaults: [],
    tags: ['always'],
    role: undefined,
    directory: scope.directory,
    kind: 'task',
    action: 'setup',
    module,
    args,
    templatedArgs: new Set(),
    argsSource: undefined,
    notify: [],
    listen: [],
  };
}

/** Every static `notify:` must name a handler (by name or `listen` topic): a typo is found before the run. */
function checkNotifications(lists: TaskNode[][], handlers: Task[], errors: KbrunError[]): void {
  const known = new Set(handlers.flatMap((h) => [h.rawName, h.name, ...h.listen]));
  const visit = (nodes: TaskNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'block') [node.block, node.rescue, node.always].forEach(visit);
      if (node.kind !== 'task') continue;
      for (const name of node.notify) {
        if (name.includes('{{') || known.has(name)) continue;
        errors.push(new KbrunError('E_UNKNOWN_KEYWORD', `notify: no handler is named or listens to '${name}'`, { location: valueLocationOf(node.keywordSource, 'notify') ?? node.location, hint: `handlers of this play: ${[...known].filter(Boolean).join(', ') || 'none'}` }));
      }
    }
  };
  lists.forEach(visit);
}

function sortByLocation(errors: KbrunError[]): KbrunError[] {
  return [...errors].sort((a, b) => (a.location?.file ?? '').localeCompare(b.location?.file ?? '') || (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
}

