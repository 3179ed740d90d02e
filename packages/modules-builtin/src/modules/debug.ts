import { defineModule, stringify, type ModuleResult } from '@kbrun/core';
import { evaluateSafely } from '../lib/evaluate.js';

/** Arguments of `debug`. */
export interface DebugArgs {
  msg?: unknown;
  var?: string;
  verbosity?: number;
}

/** `debug`: prints a message or the value of an expression, like ansible.builtin.debug. */
export const debug = defineModule<DebugArgs>({
  name: 'debug',
  description: 'Prints a message (`msg`) or the value of a variable or expression (`var`); never changes anything.',
  check: 'full',
  textArgs: ['msg'],
  schema: {
    type: 'object',
    properties: {
      msg: { description: "The message to print (any value: text, list, mapping); 'Hello world!' when neither msg nor var is given." },
      var: { type: 'string', description: 'A variable name or expression whose value is printed (under its own text as the key).' },
      verbosity: { type: 'integer', minimum: 0, default: 0, description: 'Only print at this -v level or above (applied by the engine).' },
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    if (args.msg !== undefined && args.var !== undefined) {
      return { failed: true, changed: false, msg: "'msg' and 'var' are incompatible options" };
    }
    if (args.var !== undefined) {
      const evaluated = evaluateSafely(ctx, args.var);
      if ('error' in evaluated) return { failed: true, changed: false, msg: `Error evaluating '${args.var}': ${evaluated.error.message}` };
      const value = evaluated.value;
      if (value === undefined) return { changed: false, [args.var]: 'VARIABLE IS NOT DEFINED!' };
      // Ansible templates `{{ var }}`: a bare variable keeps its type, any other expression's number becomes text.
      return { changed: false, [args.var]: typeof value === 'number' && !/^\s*\w*\s*$/.test(args.var) ? stringify(value) : value };
    }
    // `msg` may be any value here, not only text: ModuleResult types it as a string.
    const result: ModuleResult = { changed: false };
    (result as Record<string, unknown>)['msg'] = args.msg === undefined ? 'Hello world!' : args.msg;
    return result;
  },
});
