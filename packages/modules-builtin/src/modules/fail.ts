import { defineModule } from '@kbrun/core';

/** Arguments of `fail`. */
export interface FailArgs {
  msg?: string;
}

/** `fail`: fails the task with a message, like ansible.builtin.fail. */
export const fail = defineModule<FailArgs>({
  name: 'fail',
  description: 'Fails the task with a custom message (usually with `when`).',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      msg: { type: 'string', default: 'Failed as requested from task', description: 'The failure message.' },
    },
    additionalProperties: false,
  },
  async run(args) {
    return { failed: true, changed: false, msg: args.msg ?? 'Failed as requested from task' };
  },
});
