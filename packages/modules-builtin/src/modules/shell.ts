import { defineModule } from '@kbrun/core';
import { runCommandModule, type CommandOptions } from '../lib/command-runner.js';
import { commandOptionProperties } from '../lib/command-schema.js';

/** Arguments of `shell`. */
export interface ShellArgs extends CommandOptions {
  cmd: string;
  executable?: string;
}

/** `shell`: runs a command line through a shell on the target (`/bin/sh -c`), like ansible.builtin.shell. */
export const shell = defineModule<ShellArgs>({
  name: 'shell',
  description: 'Runs a command line through a shell on the target (`/bin/sh -c` or `executable -c`), so pipes, redirections and variables work.',
  check: 'full',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      cmd: { type: 'string', description: 'The shell command line.' },
      executable: { type: 'string', default: '/bin/sh', description: 'The shell to run the command with (absolute path, e.g. /bin/bash).' },
      ...commandOptionProperties,
    },
    required: ['cmd'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    const argv = args.cmd.trim() === '' ? [] : [args.executable ?? '/bin/sh', '-c', args.cmd];
    return runCommandModule(ctx, { ...args, argv, display: args.cmd });
  },
});
