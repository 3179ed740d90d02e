import { defineModule } from '@kbrun/core';
import { deployFile, readControllerFile, type DeployArgs } from '../lib/deploy-file.js';
import { deployProperties } from '../lib/deploy-schema.js';

/** Arguments of `template`. */
export interface TemplateArgs extends DeployArgs {
  src: string;
}

/** `template`: renders a controller template with the host's variables and puts the result on the target (ansible.builtin.template). */
export const template = defineModule<TemplateArgs>({
  name: 'template',
  description: 'Renders a template from the controller (`src`, looked up in templates/) with the host\'s variables and writes it on the target when it differs.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'The template on the controller (role templates/ first, then the playbook directory).' },
      ...deployProperties,
    },
    required: ['src', 'dest'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    const source = await readControllerFile(ctx, 'templates', args.src);
    if ('error' in source) return { failed: true, changed: false, msg: source.error };
    let rendered: string;
    try {
      rendered = ctx.render(source.content.toString('utf8'), source.path);
    } catch (error) {
      return { failed: true, changed: false, msg: `Error rendering ${args.src}: ${(error as Error).message}` };
    }
    return deployFile(ctx, args, { content: Buffer.from(rendered, 'utf8'), srcPath: source.path });
  },
});
