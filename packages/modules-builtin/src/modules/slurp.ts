import { defineModule } from '@kbrun/core';

/** Arguments of `slurp`. */
export interface SlurpArgs {
  src: string;
}

/** `slurp`: reads a whole file from the target as base64, like ansible.builtin.slurp. */
export const slurp = defineModule<SlurpArgs>({
  name: 'slurp',
  description: 'Reads a file from the target and returns its content base64-encoded (decode with the b64decode helper).',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'The file on the target to read.' },
    },
    required: ['src'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    let content: Buffer | null;
    try {
      content = await ctx.connection.get(args.src);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') return { failed: true, changed: false, msg: `source is a directory and must be a file: ${args.src}` };
      if (code === 'EACCES') return { failed: true, changed: false, msg: `file is not readable: ${args.src}` };
      throw error;
    }
    if (content === null) return { failed: true, changed: false, msg: `file not found: ${args.src}` };
    return { changed: false, content: content.toString('base64'), encoding: 'base64', source: args.src };
  },
});
