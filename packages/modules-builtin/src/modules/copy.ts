import { defineModule, pyJsonDumps, stringify } from '@kbrun/core';
import { deployFile, readControllerFile, type DeployArgs } from '../lib/deploy-file.js';
import { deployProperties } from '../lib/deploy-schema.js';

/** Arguments of `copy`. */
export interface CopyArgs extends DeployArgs {
  src?: string;
  content?: unknown;
}

/** `copy`: puts a controller file or given content on the target, like ansible.builtin.copy. */
export const copy = defineModule<CopyArgs>({
  name: 'copy',
  description: 'Writes a file on the target from a controller file (`src`, looked up in files/) or from `content`, replacing it only when content or attributes differ.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'A file on the controller (role files/ first, then the playbook directory). Directories are not supported.' },
      content: { description: "The file content: text as it is, a list or dict as JSON (Python's json.dumps layout), other values as Python prints them (`True`)." },
      ...deployProperties,
    },
    required: ['dest'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    if (args.src !== undefined && args.content !== undefined) return { failed: true, changed: false, msg: 'src and content are mutually exclusive' };
    if (args.src === undefined && args.content === undefined) return { failed: true, changed: false, msg: 'src (or content) is required' };
    if (args.content !== undefined) {
      const content = args.content;
      const text = typeof content === 'object' && content !== null ? pyJsonDumps(content, { ensureAscii: true }) : stringify(content);
      return deployFile(ctx, args, { content: Buffer.from(text, 'utf8') });
    }
    const source = await readControllerFile(ctx, 'files', args.src!);
    if ('error' in source) return { failed: true, changed: false, msg: source.error };
    return deployFile(ctx, args, { content: source.content, srcPath: source.path });
  },
});
