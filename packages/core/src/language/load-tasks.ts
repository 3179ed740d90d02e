import { isAbsolute, dirname, resolve } from 'node:path';
import { KbrunError } from '../errors/kbrun-error.js';
import type { AnyModule } from '../modules/define-module.js';
import { validateModuleArgs } from '../modules/validate-args.js';
import { loadYamlFile, locationOf, valueLocationOf } from '../source/yaml-loader.js';
import type { SourceLocation } from '../source/location.js';
import { Templar } from '../template/templar.js';
import { didYouMean } from '../util/similar.js';
import { shellSplit } from '../util/quote.js';
import { keywordsFor } from './keywords.js';
import { childScope, isMapping, tagList, type LoadScope } from './load-scope.js';
import type { Block, Include, MetaAction, MetaTask, NodeBase, Task, TaskNode } from './model.js';
import { loadRoleTasks } from './roles.js';
import { checkKeywords } from './check-keywords.js';

const TASK_KEYWORDS = keywordsFor('task');
const META_ACTIONS: readonly MetaAction[] = ['flush_handlers', 'end_play', 'end_host', 'end_batch', 'clear_host_errors', 'refresh_inventory', 'noop'];
/** Keys that make a task something other than a module call. */
const SPECIAL = ['block', 'import_tasks', 'include_tasks', 'import_role', 'include_role', 'meta', 'local_action', 'action'] as const;

let nextId = 1;

/** A fresh node id (unique within the process). */
export function nodeId(): number {
  return nextId++;
}

/** Loads a task list (tasks, handlers, block sections, an imported file) into nodes; errors go to `scope.errors`. */
export async function loadTaskList(list: unknown, scope: LoadScope, where: SourceLocation | undefined): Promise<TaskNode[]> {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    scope.errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'a task list must be a YAML list of tasks', { location: locationOf(list) ?? where, hint: 'start each task with "- "' }));
    return [];
  }
  const nodes: TaskNode[] = [];
  for (const [index, entry] of list.entries()) nodes.push(...(await loadNode(entry, locationOf(entry) ?? locationOf(list, index), scope)));
  return nodes;
}

async function loadNode(entry: unknown, location: SourceLocation | undefined, scope: LoadScope): Promise<TaskNode[]> {
  if (!isMapping(entry)) {
    scope.errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'each task must be a mapping (a module and its keywords)', { location, hint: 'write "- name: …" then the module on the next line, e.g. "  debug: {msg: hi}"' }));
    return [];
  }
  const others = checkKeywords(entry, TASK_KEYWORDS, 'task', scope.errors, scope.registry);
  const loops = Object.keys(entry).filter((k) => k === 'loop' || (k.startsWith('with_') && TASK_KEYWORDS.has(k)));
  if (loops.length > 1) {
    scope.errors.push(new KbrunError('E_PLAYBOOK_SHAPE', `a task loops once: ${loops.map((k) => `'${k}'`).join(' and ')} are both given`, { location: locationOf(entry, loops[1]!), hint: 'keep `loop` or one `with_<lookup>`' }));
  }
  const special = SPECIAL.find((k) => entry[k] !== undefined);
  if (special && others.length > 0) {
    for (const key of others) scope.errors.push(new KbrunError('E_UNKNOWN_KEYWORD', `'${key}' cannot be used with '${special}'.${didYouMean(key, TASK_KEYWORDS.keys())}`, { location: locationOf(entry, key) }));
    return [];
  }
  switch (special) {
    case 'block':
      return [await loadBlock(entry, location, scope)];
    case 'import_tasks':
      return importTasks(entry, location, scope);
    case 'include_tasks':
    case 'include_role':
      return [await loadInclude(entry, special, location, scope)];
    case 'import_role':
      return importRole(entry, location, scope);
    case 'meta':
      return loadMeta(entry, location, scope);
    case 'local_action':
    case 'action':
      return loadAction(entry, special, location, scope);
    default:
      return loadModuleTask(entry, others, location, scope);
  }
}

/** The parts every node shares, from its own mapping and the scope it sits in. */
function nodeBase(entry: Record<string, unknown>, location: SourceLocation | undefined, scope: LoadScope, fallbackName: string): NodeBase {
  const own = childScope(scope, entry, {}, valueLocationOf(entry, 'when'));
  const keywords: Record<string, unknown> = { ...own.keywords };
  for (const [key, value] of Object.entries(entry)) if (!(key in keywords)) keywords[key] = value;
  const rawName = typeof entry['name'] === 'string' ? entry['name'] : '';
  const shown = rawName || fallbackName;
  return {
    id: nodeId(),
    rawName,
    name: scope.role ? `${scope.role.name} : ${shown}` : shown,
    location,
    keywords,
    keywordSource: entry,
    conditions: scope.conditions,
    vars: own.vars,
    defaults: scope.defaults,
    tags: own.tags,
    role: scope.role,
    directory: scope.directory,
  };
}

async function loadBlock(entry: Record<string, unknown>, location: SourceLocation | undefined, scope: LoadScope): Promise<Block> {
  const inner = childScope(scope, entry, {}, valueLocationOf(entry, 'when'));
  return {
    ...nodeBase(entry, location, scope, 'block'),
    kind: 'block',
    block: await loadTaskList(entry['block'], inner, location),
    rescue: await loadTaskList(entry['rescue'], inner, location),
    always: await loadTaskList(entry['always'], inner, location),
  };
}

/** `import_tasks: file.yml` — read now, its tasks inlined with this task's keywords, vars, tags and when. */
async function importTasks(entry: Record<string, unknown>, location: SourceLocation | undefined, scope: LoadScope): Promise<TaskNode[]> {
  const target = fileTarget(entry['import_tasks']);
  if (target === undefined || Templar.isTemplate(target)) {
    scope.errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'import_tasks needs a plain file name (it is read before the run)', { location: valueLocationOf(entry, 'import_tasks'), hint: 'use include_tasks for a file name that holds a template' }));
    return [];
  }
  const file = isAbsolute(target) ? target : resolve(scope.directory, target);
  if (scope.importing.includes(file)) {
    scope.errors.push(new KbrunError('E_PLAYBOOK_SHAPE', `${file} imports itself (through ${scope.importing.join(' → ')})`, { location }));
    return [];
  }
  const inner = childScope(scope, entry, { directory: dirname(file), importing: [...scope.importing, file], from: location }, valueLocationOf(entry, 'when'));
  try {
    const [list] = await loadYamlFile(file, valueLocationOf(entry, 'import_tasks'));
    return await loadTaskList(list, inner, { file, line: 1, col: 1 });
  } catch (error) {
    collect(scope, error);
    return [];
  }
}

async function loadInclude(entry: Record<string, unknown>, action: 'include_tasks' | 'include_role', location: SourceLocation | undefined, scope: LoadScope): Promise<Include> {
  const value = entry[action];
  const options = isMapping(value) ? { ...value } : {};
  const target = action === 'include_tasks' ? fileTarget(value) : typeof options['name'] === 'string' ? options['name'] : undefined;
  if (target === undefined) {
    scope.errors.push(new KbrunError('E_PLAYBOOK_SHAPE', action === 'include_tasks' ? 'include_tasks needs a file name' : 'include_role needs a role name (name:)', { location: valueLocationOf(entry, action) }));
  }
  const node: Include = { ...nodeBase(entry, location, scope, action), kind: 'include', action, target: target ?? '', options };
  // A plain target is read now, so its mistakes are reported before anything runs; the run reads it again per host.
  if (target !== undefined && !Templar.isTemplate(target)) await includedNodes(node, { ...scope, vars: node.vars }, undefined);
  return node;
}

/**
 * The nodes an include brings for one host: the file's tasks or the role's. `scope` is the include's own
 * (its `vars` are already in `scope.vars`); the include's `when`, `loop` and `tags` apply to the include only.
 */
export async function includedNodes(node: Include, scope: LoadScope, target: string | undefined): Promise<TaskNode[]> {
  const name = target ?? node.target;
  const inner: LoadScope = { ...scope, directory: node.directory, from: node.location };
  if (node.action === 'include_role') {
    const tasksFrom = typeof node.options['tasks_from'] === 'string' ? node.options['tasks_from'] : 'main';
    const params = isMapping(node.options['vars']) ? node.options['vars'] : {};
    return loadRoleTasks(name, params, {}, inner, node.location, tasksFrom);
  }
  const file = isAbsolute(name) ? name : resolve(node.directory, name);
  const entry = node.keywordSource as Record<string, unknown>;
  try {
    const [list] = await loadYamlFile(file, valueLocationOf(entry, 'include_tasks'));
    return await loadTaskList(list, { ...inner, directory: dirname(file) }, { file, line: 1, col: 1 });
  } catch (error) {
    collect(scope, error);
    return [];
  }
}

async function importRole(entry: Record<string, unknown>, location: SourceLocation | undefined, scope: LoadScope): Promise<TaskNode[]> {
  const value = entry['import_role'];
  if (!isMapping(value) || typeof value['name'] !== 'string') {
    scope.errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'import_role needs a mapping with the role name (import_role: {name: web})', { location: valueLocationOf(entry, 'import_role') }));
    return [];
  }
  const tasksFrom = typeof value['tasks_from'] === 'string' ? value['tasks_from'] : 'main';
  const params = isMapping(value['vars']) ? value['vars'] : {};
  return loadRoleTasks(value['name'], params, entry, scope, location, tasksFrom);
}

function loadMeta(entry: Record<string, unknown>, location: SourceLocation | undefined, scope: LoadScope): MetaTask[] {
  const what = entry['meta'];
  if (typeof what !== 'string' || !META_ACTIONS.includes(what as MetaAction)) {
    scope.errors.push(new KbrunError('E_SCHEMA', `unknown meta action ${JSON.stringify(what)}.${typeof what === 'string' ? didYouMean(what, META_ACTIONS) : ''}`, { location: valueLocationOf(entry, 'meta'), hint: `meta accepts: ${META_ACTIONS.join(', ')}` }));
    return [];
  }
  return [{ ...nodeBase(entry, location, scope, 'meta'), kind: 'meta', action: 'meta', what: what as MetaAction }];
}

/** `local_action: copy src=a dest=b` / `action: {module: copy, src: a}` → the module task they stand for. */
function loadAction(entry: Record<string, unknown>, key: 'local_action' | 'action', location: SourceLocation | undefined, scope: LoadScope): Task[] {
  const value = entry[key];
  let module: string | undefined;
  let args: unknown;
  if (typeof value === 'string') {
    const [first, ...rest] = value.trim().split(/\s+/);
    module = first;
    args = rest.join(' ');
  } else if (isMapping(value) && typeof value['module'] === 'string') {
    const { module: name, ...others } = value;
    module = name as string;
    args = others;
  }
  if (!module || !scope.registry.get(module)) {
    scope.errors.push(new KbrunError(module ? 'E_UNKNOWN_MODULE' : 'E_PLAYBOOK_SHAPE', module ? `unknown module '${module}'.${didYouMean(module, scope.registry.names())}` : `${key} needs a module (${key}: copy src=a dest=b, or ${key}: {module: copy, …})`, { location: valueLocationOf(entry, key) }));
    return [];
  }
  const rewritten: Record<string, unknown> = { ...entry, [module]: args };
  delete rewritten[key];
  if (key === 'local_action') rewritten['delegate_to'] = 'localhost';
  const task = moduleTask(rewritten, entry, module, location, scope);
  return task ? [task] : [];
}

function loadModuleTask(entry: Record<string, unknown>, others: string[], location: SourceLocation | undefined, scope: LoadScope): Task[] {
  const modules = others.filter((k) => scope.registry.get(k));
  const unknown = others.filter((k) => !scope.registry.get(k));
  for (const key of unknown) {
    if (modules.length > 0) {
      scope.errors.push(new KbrunError('E_UNKNOWN_KEYWORD', `'${key}' is not a task keyword.${didYouMean(key, TASK_KEYWORDS.keys())}`, { location: locationOf(entry, key), hint: 'a task has one module and task keywords (see docs/ansible-compatibility.md)' }));
    } else {
      scope.errors.push(new KbrunError('E_UNKNOWN_MODULE', `unknown module '${key}'.${didYouMean(key, [...scope.registry.names(), ...TASK_KEYWORDS.keys(), 'meta'])}`, { location: locationOf(entry, key), hint: `available modules: ${scope.registry.names().join(', ')}` }));
    }
  }
  if (modules.length > 1) {
    scope.errors.push(new KbrunError('E_MULTIPLE_MODULES', `a task runs one module, found ${modules.map((m) => `'${m}'`).join(' and ')}`, { location: locationOf(entry, modules[1]!), hint: 'split it into one task per module' }));
    return [];
  }
  if (modules.length === 0) {
    if (unknown.length === 0) scope.errors.push(new KbrunError('E_NO_MODULE', 'the task has no module', { location, hint: `add a module such as ${scope.registry.names().slice(0, 6).join(', ')}` }));
    return [];
  }
  const task = moduleTask(entry, entry, modules[0]!, location, scope);
  return task ? [task] : [];
}

/** Builds a module task: arguments from the module key (free-form, k=v or mapping) and `args:`, validated statically. */
function moduleTask(entry: Record<string, unknown>, written: Record<string, unknown>, action: string, location: SourceLocation | undefined, scope: LoadScope): Task | undefined {
  const module = scope.registry.get(action)!;
  const raw = entry[action];
  const args = moduleArgs(raw, module, location, action, scope.errors);
  if (!args) return undefined;
  if (isMapping(entry['args'])) for (const [k, v] of Object.entries(entry['args'])) if (!(k in args)) args[k] = v;
  const templatedArgs = new Set(Object.keys(args).filter((k) => Templar.containsTemplate(args[k])));
  const argsSource = isMapping(raw) ? raw : undefined;
  scope.errors.push(...validateModuleArgs(module, args, { task: locationOf(written, action) ?? location, args: argsSource }, templatedArgs));
  const base = nodeBase(entry, location, scope, action);
  const keywords: Record<string, unknown> = { ...base.keywords };
  delete keywords[action];
  delete keywords['args'];
  return { ...base, keywords, keywordSource: written, kind: 'task', action, module, args, templatedArgs, argsSource, notify: tagList(entry['notify']), listen: tagList(entry['listen']) };
}

/** Turns what is written under the module key into an argument mapping (free-form strings and `k=v` pairs included). */
function moduleArgs(written: unknown, module: AnyModule, location: SourceLocation | undefined, action: string, errors: KbrunError[]): Record<string, unknown> | undefined {
  if (written === null || written === undefined || written === '') return {};
  if (isMapping(written)) return { ...written };
  if (typeof written === 'string' || typeof written === 'number' || typeof written === 'boolean') {
    const text = String(written);
    if (module.freeForm) return freeFormArgs(text, module.freeForm, Object.keys(module.schema.properties));
    try {
      return parseKeyValues(text);
    } catch {
      errors.push(new KbrunError('E_SCHEMA', `cannot read '${text}' as key=value arguments of '${action}'`, { location, hint: `write the arguments as a mapping under '${action}:'` }));
      return undefined;
    }
  }
  errors.push(new KbrunError('E_SCHEMA', `the arguments of '${action}' must be a mapping`, { location }));
  return undefined;
}

/** A free-form string with Ansible's inline options: `chdir=/tmp creates=x make all` → { chdir, creates, cmd: 'make all' }. */
function freeFormArgs(text: string, freeForm: string, known: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const options = known.filter((k) => k !== freeForm);
  if (options.length === 0) return { [freeForm]: text };
  const pattern = new RegExp(`(^|\\s)(${options.join('|')})=('[^']*'|"[^"]*"|\\S+)`, 'g');
  const rest = text.replace(pattern, (_match, lead: string, key: string, value: string) => {
    args[key] = /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
    return lead;
  });
  args[freeForm] = rest.trim().replace(/\s{2,}/g, ' ');
  return args;
}

/** `path=/tmp/x state=touch` → { path: '/tmp/x', state: 'touch' }. */
function parseKeyValues(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const word of shellSplit(text)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new Error(`not key=value: ${word}`);
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

/** `import_tasks: x.yml` or `import_tasks: {file: x.yml}`. */
function fileTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isMapping(value) && typeof value['file'] === 'string') return value['file'];
  return undefined;
}

/** Adds loading errors of an imported file to the scope's list. */
export function collect(scope: LoadScope, error: unknown): void {
  if (error instanceof KbrunError) scope.errors.push(error);
  else if (error && typeof error === 'object' && 'errors' in error && Array.isArray((error as { errors: unknown }).errors)) scope.errors.push(...((error as { errors: KbrunError[] }).errors));
  else throw error;
}
