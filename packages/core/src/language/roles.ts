import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { KbrunError } from '../errors/kbrun-error.js';
import { loadYamlFile, readVarsFile } from '../source/yaml-loader.js';
import type { SourceLocation } from '../source/location.js';
import { childScope, type LoadScope } from './load-scope.js';
import type { RoleRef, Task, TaskNode, VarsSource } from './model.js';
import { collect, loadTaskList } from './load-tasks.js';

/** A role's files, read once per directory. */
interface RoleFiles {
  ref: RoleRef;
  defaults: VarsSource | undefined;
  vars: VarsSource | undefined;
}

const YAML_NAMES = ['main.yml', 'main.yaml', 'main'];

/**
 * Where handlers of the roles a play uses are gathered (each role's handlers once), with the defaults and vars of
 * the roles it loads statically (`roles:`, import_role), which Ansible shows to the whole play.
 */
export interface RoleHandlerSink {
  handlers: Task[];
  loaded: Set<string>;
  defaults: VarsSource[];
  vars: VarsSource[];
}

/**
 * Loads a role's tasks (`tasks/<tasksFrom>.yml`) in a scope holding its defaults (lowest precedence),
 * its vars and the caller's parameters, its `when`/`tags`, and its directory for `files/` and `templates/`.
 * The role's handlers join the play's handlers.
 */
export async function loadRoleTasks(name: string, params: Record<string, unknown>, own: Record<string, unknown>, scope: LoadScope, location: SourceLocation | undefined, tasksFrom = 'main'): Promise<TaskNode[]> {
  const role = await readRole(name, scope, location);
  if (!role) return [];
  const ref: RoleRef = scope.role ? { ...role.ref, parent: scope.role } : role.ref;
  const inner = childScope(scope, own, { role: ref, directory: join(role.ref.directory, 'tasks'), defaults: [...scope.defaults, ...(role.defaults ? [role.defaults] : [])] }, location);
  const paramsLayer = Object.keys(params).length > 0 ? [{ values: params, location }] : [];
  const roleScope: LoadScope = { ...inner, vars: [...inner.vars, ...(role.vars ? [role.vars] : []), ...paramsLayer] };
  const sink = scope.roleHandlers;
  if (role.defaults && !sink.defaults.includes(role.defaults)) sink.defaults.push(role.defaults);
  if (role.vars && !sink.vars.includes(role.vars)) sink.vars.push(role.vars);
  if (!sink.loaded.has(role.ref.directory)) {
    sink.loaded.add(role.ref.directory);
    const handlersFile = await firstFile(join(role.ref.directory, 'handlers'), YAML_NAMES);
    // Handlers see the role's defaults and vars but not the parameters of the entry that brought the role (as in Ansible).
    const handlerScope: LoadScope = { ...inner, vars: [...inner.vars, ...(role.vars ? [role.vars] : [])], directory: join(role.ref.directory, 'handlers') };
    if (handlersFile) sink.handlers.push(...(await readTasks(handlersFile, handlerScope)).filter((n): n is Task => n.kind === 'task'));
  }
  const tasksFile = await firstFile(join(role.ref.directory, 'tasks'), tasksFrom === 'main' ? YAML_NAMES : [`${tasksFrom}.yml`, `${tasksFrom}.yaml`, tasksFrom]);
  if (!tasksFile) {
    if (tasksFrom !== 'main') scope.errors.push(new KbrunError('E_FILE_NOT_FOUND', `role '${name}' has no tasks/${tasksFrom}.yml`, { location }));
    return [];
  }
  return readTasks(tasksFile, roleScope);
}

async function readTasks(file: string, scope: LoadScope): Promise<TaskNode[]> {
  try {
    const [list] = await loadYamlFile(file);
    return await loadTaskList(list, scope, { file, line: 1, col: 1 });
  } catch (error) {
    collect(scope, error);
    return [];
  }
}

async function readRole(name: string, scope: LoadScope, location: SourceLocation | undefined): Promise<RoleFiles | undefined> {
  const candidates = isAbsolute(name) ? [name] : [...scope.rolesPath.map((dir) => join(dir, name)), resolve(scope.directory, name)];
  let directory: string | undefined;
  for (const candidate of candidates) {
    if ((await stat(candidate).catch(() => undefined))?.isDirectory()) {
      directory = candidate;
      break;
    }
  }
  if (!directory) {
    scope.errors.push(new KbrunError('E_FILE_NOT_FOUND', `role '${name}' was not found`, { location, hint: `looked in: ${candidates.join(', ')} (set roles_path in kbrun.config.yaml)` }));
    return undefined;
  }
  const readVars = async (sub: string): Promise<VarsSource | undefined> => {
    const file = await firstFile(join(directory, sub), YAML_NAMES);
    if (!file) return undefined;
    try {
      return { values: await readVarsFile(file), location: { file, line: 1, col: 1 } };
    } catch (error) {
      collect(scope, error);
      return undefined;
    }
  };
  return { ref: { name: name.split('/').pop()!, directory }, defaults: await readVars('defaults'), vars: await readVars('vars') };
}

async function firstFile(directory: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    const file = join(directory, name);
    if ((await stat(file).catch(() => undefined))?.isFile()) return file;
  }
  return undefined;
}
