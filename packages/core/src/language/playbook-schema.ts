import type { ModuleRegistry } from '../modules/module-registry.js';
import { KEYWORDS, type KeywordSpec } from './keywords.js';

/**
 * The JSON Schema of the whole playbook language (plays, task keywords, every registered module's arguments),
 * for editors (yaml-language-server) to validate and complete playbooks.
 */
export function playbookJsonSchema(registry: ModuleRegistry): Record<string, unknown> {
  const supported = (scope: 'play' | 'task') => KEYWORDS.filter((k) => k.status === 'supported' && k.scopes.includes(scope));
  const describe = (k: KeywordSpec) => ({ ...k.schema, description: k.description, ...(k.default !== undefined ? { default: k.default } : {}) });
  const taskKeywords = Object.fromEntries(supported('task').map((k) => [k.name, describe(k)]));
  const moduleTasks = registry.all().flatMap((module) =>
    [module.name, `ansible.builtin.${module.name}`].map((key) => ({
      type: 'object',
      description: module.description,
      required: [key],
      properties: {
        ...taskKeywords,
        [key]: module.freeForm ? { anyOf: [{ type: 'string' }, { $ref: `#/$defs/module_${module.name}` }] } : { $ref: `#/$defs/module_${module.name}` },
      },
      additionalProperties: false,
    })),
  );
  const playProperties: Record<string, Record<string, unknown>> = Object.fromEntries(supported('play').map((k) => [k.name, describe(k)]));
  for (const list of ['tasks', 'pre_tasks', 'post_tasks']) playProperties[list] = { type: 'array', items: { $ref: '#/$defs/task' }, description: playProperties[list]?.description };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://kbrun.dev/schema/playbook.json',
    title: 'kbrun playbook',
    type: 'array',
    items: { $ref: '#/$defs/play' },
    $defs: {
      play: { type: 'object', required: ['hosts'], properties: playProperties, additionalProperties: false },
      task: { anyOf: moduleTasks },
      ...Object.fromEntries(registry.all().map((m) => [`module_${m.name}`, { ...m.schema, description: m.description }])),
    },
  };
}
