import { dirname, resolve } from 'node:path';
import { KbrunError, KbrunErrors } from '../errors/kbrun-error.js';
import type { AnyModule } from '../modules/define-module.js';
import type { ModuleRegistry } from '../modules/module-registry.js';
import { validateModuleArgs } from '../modules/validate-args.js';
import { loadYamlFile, locationOf, valueLocationOf } from '../source/yaml-loader.js';
import type { SourceLocation } from '../source/location.js';
import { Templar } from '../template/templar.js';
import { didYouMean } from '../util/similar.js';
import { shellSplit } from '../util/quote.js';
import { keywordsFor, type KeywordSpec } from './keywords.js';
import type { Play, Playbook, Task } from './model.js';
import { validateKeyword } from './validate-keyword.js';

const PLAY_KEYWORDS = keywordsFor('play');
const TASK_KEYWORDS = keywordsFor('task');
const TASK_LISTS = ['pre_tasks', 'tasks', 'post_tasks'] as const;

let nextTaskId = 1;

/**
 * Loads a playbook file and validates all of it before anything runs: YAML syntax, play and task keywords,
 * module names and arguments (statically where no template is involved). Every error is collected and
 * thrown together as KbrunErrors, each with its file:line:col.
 */
export async function loadPlaybook(file: string, registry: ModuleRegistry): Promise<Playbook> {
  const path = resolve(file);
  const documents = await loadYamlFile(path);
  const errors: KbrunError[] = [];
  const root = documents[0];
  const plays: Play[] = [];
  if (!Array.isArray(root)) {
    errors.push(
      new KbrunError('E_PLAYBOOK_SHAPE', 'a playbook must be a list of plays', {
        location: locationOf(root) ?? { file: path, line: 1, col: 1 },
        hint: 'start the file with "- hosts: all" followed by "tasks:"',
      }),
    );
  } else {
    for (const entry of root) {
      const play = loadPlay(entry, root, registry, errors);
      if (play) plays.push(play);
    }
  }
  if (errors.length > 0) throw new KbrunErrors(sortByLocation(errors));
  return { file: path, directory: dirname(path), plays };
}

function loadPlay(entry: unknown, parent: unknown[], registry: ModuleRegistry, errors: KbrunError[]): Play | undefined {
  const location = locationOf(entry) ?? locationOf(parent, parent.indexOf(entry));
  if (!isMapping(entry)) {
    errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'each play must be a mapping with at least hosts: and tasks:', { location }));
    return undefined;
  }
  checkKeywords(entry, PLAY_KEYWORDS, 'play', errors);
  if (entry['hosts'] === undefined) {
    errors.push(new KbrunError('E_PLAYBOOK_SHAPE', "the play has no 'hosts:'", { location, hint: "add 'hosts: all' (or a group, host or pattern)" }));
  }
  const tasks: Task[] = [];
  for (const list of TASK_LISTS) {
    const value = entry[list];
    if (Array.isArray(value)) {
      for (const item of value) {
        const task = loadTask(item, value, registry, errors);
        if (task) tasks.push(task);
      }
    }
  }
  const keywords: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (!TASK_LISTS.includes(k as (typeof TASK_LISTS)[number]) && k !== 'vars' && k !== 'vars_files') keywords[k] = v;
  const hosts = entry['hosts'];
  return {
    name: typeof entry['name'] === 'string' ? entry['name'] : Array.isArray(hosts) ? hosts.join(',') : String(hosts ?? ''),
    hosts: Array.isArray(hosts) ? hosts.map(String) : String(hosts ?? ''),
    location,
    vars: isMapping(entry['vars']) ? entry['vars'] : {},
    varsFiles: Array.isArray(entry['vars_files']) ? entry['vars_files'].map(String) : [],
    tasks,
    keywords,
  };
}

function loadTask(entry: unknown, parent: unknown[], registry: ModuleRegistry, errors: KbrunError[]): Task | undefined {
  const location = locationOf(entry) ?? locationOf(parent, parent.indexOf(entry));
  if (!isMapping(entry)) {
    errors.push(new KbrunError('E_PLAYBOOK_SHAPE', 'each task must be a mapping (a module and its keywords)', { location, hint: 'write "- name: …" then the module on the next line, e.g. "  debug: {msg: hi}"' }));
    return undefined;
  }
  const others = checkKeywords(entry, TASK_KEYWORDS, 'task', errors, registry);
  const modules = others.filter((k) => registry.get(k));
  const unknown = others.filter((k) => !registry.get(k));
  for (const key of unknown) {
    if (modules.length > 0) {
      errors.push(new KbrunError('E_UNKNOWN_KEYWORD', `'${key}' is not a task keyword.${didYouMean(key, TASK_KEYWORDS.keys())}`, { location: locationOf(entry, key), hint: 'a task has one module and task keywords (see docs/ansible-compatibility.md)' }));
    } else {
      errors.push(new KbrunError('E_UNKNOWN_MODULE', `unknown module '${key}'.${didYouMean(key, [...registry.names(), ...TASK_KEYWORDS.keys()])}`, { location: locationOf(entry, key), hint: `available modules: ${registry.names().join(', ')}` }));
    }
  }
  if (modules.length > 1) {
    errors.push(new KbrunError('E_MULTIPLE_MODULES', `a task runs one module, found ${modules.map((m) => `'${m}'`).join(' and ')}`, { location: locationOf(entry, modules[1]!), hint: 'split it into one task per module' }));
    return undefined;
  }
  if (modules.length === 0) {
    if (unknown.length === 0) {
      errors.push(new KbrunError('E_NO_MODULE', 'the task has no module', { location, hint: `add a module such as ${registry.names().slice(0, 6).join(', ')}` }));
    }
    return undefined;
  }
  const action = modules[0]!;
  const module = registry.get(action)!;
  const written = entry[action];
  const args = moduleArgs(written, module, location, action, errors);
  if (!args) return undefined;
  if (isMapping(entry['args'])) for (const [k, v] of Object.entries(entry['args'])) if (!(k in args)) args[k] = v;
  const templatedArgs = new Set(Object.keys(args).filter((k) => Templar.containsTemplate(args[k])));
  const argsSource = isMapping(written) ? written : undefined;
  errors.push(...validateModuleArgs(module, args, { task: locationOf(entry, action), args: argsSource }, templatedArgs));
  const keywords: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (k !== action && k !== 'args') keywords[k] = v;
  return {
    id: nextTaskId++,
    name: typeof entry['name'] === 'string' ? entry['name'] : action,
    action,
    module,
    args,
    templatedArgs,
    argsSource,
    location,
    keywords,
    keywordSource: entry,
  };
}

/** Turns what is written under the module key into an argument mapping (free-form strings and `k=v` pairs included). */
function moduleArgs(written: unknown, module: AnyModule, location: SourceLocation | undefined, action: string, errors: KbrunError[]): Record<string, unknown> | undefined {
  const freeForm = module.freeForm;
  const schemaProperties = module.schema.properties;
  if (written === null || written === undefined) return {};
  if (isMapping(written)) return { ...written };
  if (typeof written === 'string' || typeof written === 'number' || typeof written === 'boolean') {
    const text = String(written);
    if (freeForm) return freeFormArgs(text, freeForm, Object.keys(schemaProperties));
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

/** Validates the keywords of a play/task mapping; returns the keys that are not keywords. */
function checkKeywords(entry: Record<string, unknown>, table: Map<string, KeywordSpec>, scope: 'play' | 'task', errors: KbrunError[], registry?: ModuleRegistry): string[] {
  const others: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    const spec = table.get(key);
    if (!spec) {
      if (scope === 'play') {
        errors.push(new KbrunError('E_UNKNOWN_KEYWORD', `'${key}' is not a play keyword.${didYouMean(key, table.keys())}`, { location: locationOf(entry, key) }));
      } else others.push(key);
      continue;
    }
    if (registry && registry.get(key)) {
      others.push(key);
      continue;
    }
    if (spec.status !== 'supported') {
      const message = spec.status === 'planned' ? `the ${scope} keyword '${key}' is not supported by kbrun yet` : `the ${scope} keyword '${key}' is not supported by kbrun: ${spec.reason}`;
      errors.push(new KbrunError('E_UNKNOWN_KEYWORD', message, { location: locationOf(entry, key), hint: 'see docs/ansible-compatibility.md for what is supported' }));
      continue;
    }
    const problem = validateKeyword(spec, value);
    if (problem) errors.push(new KbrunError('E_KEYWORD_TYPE', `'${key}' ${problem}`, { location: valueLocationOf(entry, key) }));
  }
  return others;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sortByLocation(errors: KbrunError[]): KbrunError[] {
  return [...errors].sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
}
