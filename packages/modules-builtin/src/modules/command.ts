import { defineModule, shellSplit } from '@kbrun/core';
import { runCommandModule, type CommandOptions } from '../lib/command-runner.js';
import { commandOptionProperties } from '../lib/command-schema.js';

/** Arguments of `command`. */
export interface CommandArgs extends CommandOptions {
  cmd?: string;
  argv?: string[];
}

/** `command`: runs a program on the target as an argument vector (no shell), like ansible.builtin.command. */
export const command = defineModule<CommandArgs>({
  name: 'command',
  description:
    'Runs a command on the target without a shell: the string is split into words (quotes respected, no expansion), or `argv` gives the words. Always reports changed unless creates/removes skip it.',
  check: 'full',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      cmd: { type: 'string', description: 'The command line, split into words as a shell would (no variables, globs, pipes or redirections).' },
      argv: { type: 'array', items: { type: 'string' }, description: 'The command as a list of words (instead of `cmd`).' },
      ...commandOptionProperties,
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    if (args.cmd !== undefined && args.argv !== undefined) {
      return { failed: true, changed: false, rc: 256, msg: 'only command or argv can be given, not both' };
    }
    let argv: string[];
    try {
      argv = args.argv ?? shellSplit(args.cmd ?? '');
    } catch (error) {
      return { failed: true, changed: false, rc: 256, msg: (error as Error).message };
    }
    return runCommandModule(ctx, { ...args, argv, display: argv });
  },
});
