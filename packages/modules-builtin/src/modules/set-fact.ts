import { defineModule } from '@kbrun/core';

/** Arguments of `set_fact`: any variable names, plus `cacheable`. */
export type SetFactArgs = Record<string, unknown> & { cacheable?: boolean };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `set_fact`: sets host variables from the task's arguments, like ansible.builtin.set_fact. */
export const setFact = defineModule<SetFactArgs>({
  name: 'set_fact',
  description: 'Sets variables on the host for the rest of the run: each argument becomes a variable (values are already templated).',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      cacheable: { type: 'boolean', default: false, description: 'Also store the facts in the fact cache (accepted for compatibility).' },
    },
    additionalProperties: true,
  },
  async run(args) {
    const facts: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) {
      if (key === 'cacheable') continue;
      if (!IDENTIFIER.test(key)) {
        return {
          failed: true,
          changed: false,
          msg: `The variable name '${key}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`,
        };
      }
      facts[key] = value;
    }
    if (Object.keys(facts).length === 0) {
      return { failed: true, changed: false, msg: 'No key/value pairs provided, at least one is required for this action to succeed' };
    }
    // Ansible's marker for facts the engine may also put in its fact cache.
    return args.cacheable ? { changed: false, ansible_facts: facts, _ansible_facts_cacheable: true } : { changed: false, ansible_facts: facts };
  },
});
