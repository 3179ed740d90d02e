import type { ModuleRegistry } from '../modules/module-registry.js';
import { KEYWORDS, type KeywordSpec } from './keywords.js';
import type { MetaAction } from './model.js';
import { acceptTemplatesInside } from './template-schema.js';

/** Task keys that make a task something other than a module call; each gets its own schema alternative. */
const SPECIAL_TASK_KEYS = new Set(['block', 'rescue', 'always', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'action', 'local_action']);
/** Every `meta:` action; `satisfies` makes a missing or unknown one a compile error. */
const META_ACTIONS = Object.keys({ flush_handlers: 1, end_play: 1, end_host: 1, end_batch: 1, clear_host_errors: 1, refresh_inventory: 1, noop: 1 } satisfies Record<MetaAction, 1>);
const TASK_LIST = { $ref: '#/$defs/task' };
/** What a file of each kind is a list of: a playbook of plays; a task file (`include_tasks`, a role's tasks/ or handlers/) of tasks. */
const ROOTS = {
  playbook: { title: 'kbrun playbook', items: { $ref: '#/$defs/play' } },
  tasks: { title: 'kbrun task list', items: TASK_LIST },
};

/** The kinds of YAML file `kbrun schema` describes. */
export type SchemaRoot = keyof typeof ROOTS;

/**
 * The JSON Schema of the whole playbook language (plays, task keywords, every registered module's arguments, where a
 * template may stand for any typed argument), for editors (yaml-language-server) to validate and complete playbooks
 * (`root: 'playbook'`) or task files (`root: 'tasks'`).
 */
export function playbookJsonSchema(registry: ModuleRegistry, root: SchemaRoot = 'playbook'): Record<string, unknown> {
  const supported = (scope: 'play' | 'task') => KEYWORDS.filter((k) => k.status === 'supported' && k.scopes.includes(scope));
  const describe = (k: KeywordSpec) => ({ ...k.schema, description: k.description, ...(k.default !== undefined ? { default: k.default } : {}) });
  const keyword = (name: string) => describe(KEYWORDS.find((k) => k.name === name)!);
  const taskKeywords = Object.fromEntries(supported('task').filter((k) => !SPECIAL_TASK_KEYS.has(k.name)).map((k) => [k.name, describe(k)]));
  /** A task alternative: the task keywords plus `own`, with `key` required; nothing else. */
  const taskWith = (key: string, own: Record<string, unknown>, description?: string) => ({
    type: 'object',
    ...(description ? { description } : {}),
    required: [key],
    properties: { ...taskKeywords, ...own },
    additionalProperties: false,
  });
  const moduleTasks = registry.all().flatMap((module) =>
    [module.name, `ansible.builtin.${module.name}`].map((key) =>
      taskWith(key, { [key]: module.freeForm ? { anyOf: [{ type: 'string' }, { $ref: `#/$defs/module_${module.name}` }] } : { $ref: `#/$defs/module_${module.name}` } }, module.description),
    ),
  );
  const section = (name: string) => ({ ...keyword(name), items: TASK_LIST });
  const role = (name: string) => ({ ...keyword(name), required: ['name'] });
  const specialTasks = [
    taskWith('block', { block: section('block'), rescue: section('rescue'), always: section('always') }),
    ...['include_tasks', 'import_tasks', 'action', 'local_action'].map((name) => taskWith(name, { [name]: keyword(name) })),
    ...['include_role', 'import_role'].map((name) => taskWith(name, { [name]: role(name) })),
    taskWith('meta', { meta: { enum: META_ACTIONS, description: 'A run-control action (flush_handlers, end_play, …).' } }),
  ];
  const playProperties: Record<string, Record<string, unknown>> = Object.fromEntries(supported('play').filter((k) => k.name !== 'import_playbook').map((k) => [k.name, describe(k)]));
  for (const list of ['tasks', 'pre_tasks', 'post_tasks', 'handlers']) playProperties[list] = { ...playProperties[list], items: TASK_LIST };
  playProperties['roles'] = { ...playProperties['roles'], items: { $ref: '#/$defs/role' } };
  const importPlaybook = ['import_playbook', 'name', 'vars', 'when', 'tags'];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://kbrun.dev/schema/${root}.json`,
    title: ROOTS[root].title,
    type: 'array',
    items: ROOTS[root].items,
    $defs: {
      play: {
        anyOf: [
          { type: 'object', required: ['hosts'], properties: playProperties, additionalProperties: false },
          { type: 'object', required: ['import_playbook'], properties: Object.fromEntries(importPlaybook.map((k) => [k, keyword(k)])), additionalProperties: false },
        ],
      },
      task: { anyOf: [...moduleTasks, ...specialTasks] },
      role: {
        anyOf: [
          { type: 'string', description: 'Role name.' },
          {
            type: 'object',
            description: 'A role with `when`, `tags`, `vars`; any other key is a role parameter.',
            anyOf: [{ required: ['role'] }, { required: ['name'] }],
            properties: { role: { type: 'string' }, name: { type: 'string' }, vars: keyword('vars'), when: keyword('when'), tags: keyword('tags') },
          },
        ],
      },
      // Arguments are checked once rendered: any typed one may be a template (keywords list `string` where they are templated).
      ...Object.fromEntries(registry.all().map((m) => [`module_${m.name}`, { ...acceptTemplatesInside(m.schema), description: m.description }])),
    },
  };
}
