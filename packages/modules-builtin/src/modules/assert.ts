import { defineModule, type ModuleResult } from '@kbrun/core';
import { evaluateSafely } from '../lib/evaluate.js';
import { isTruthy } from '../lib/truthy.js';

/** Arguments of `assert`. */
export interface AssertArgs {
  that: string | string[];
  fail_msg?: string | string[];
  msg?: string | string[];
  success_msg?: string | string[];
  quiet?: boolean;
}

const messageSchema = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

/** `assert`: fails the task unless every condition holds, like ansible.builtin.assert. */
export const assert = defineModule<AssertArgs>({
  name: 'assert',
  description: 'Checks that conditions hold (each `that` expression must be truthy); fails with `fail_msg` at the first that does not.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      that: { ...messageSchema, description: 'A condition or a list of conditions (as in `when`), all of which must be true.' },
      fail_msg: { ...messageSchema, description: 'The message of a failed assertion.' },
      msg: { ...messageSchema, description: 'Older name of `fail_msg`.' },
      success_msg: { ...messageSchema, description: 'The message when all assertions pass.' },
      quiet: { type: 'boolean', default: false, description: 'Print less on success (an output setting: the result is the same).' },
    },
    required: ['that'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    const conditions = Array.isArray(args.that) ? args.that : [args.that];
    for (const condition of conditions) {
      const evaluated = evaluateSafely(ctx, condition);
      if ('error' in evaluated) {
        return { failed: true, changed: false, assertion: condition, msg: `The conditional check '${condition}' failed. The error was: ${evaluated.error.message}` };
      }
      if (!isTruthy(evaluated.value)) {
        const result: ModuleResult = { failed: true, changed: false, evaluated_to: false, assertion: condition };
        (result as Record<string, unknown>)['msg'] = args.fail_msg ?? args.msg ?? 'Assertion failed';
        return result;
      }
    }
    const result: ModuleResult = { changed: false };
    (result as Record<string, unknown>)['msg'] = args.success_msg ?? 'All assertions passed';
    return result;
  },
});
