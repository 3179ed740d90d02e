import { defineModule, isKbrunError, renderTemplateFile, type JinjaSyntax } from '@kbrun/core';
import { deployFile, readControllerFile, type DeployArgs } from '../lib/deploy-file.js';
import { deployProperties } from '../lib/deploy-schema.js';
import { encodeOutput, OUTPUT_ENCODINGS } from '../lib/output-encoding.js';

/** Arguments of `template`. */
export interface TemplateArgs extends DeployArgs {
  src: string;
  newline_sequence?: string;
  trim_blocks?: boolean;
  lstrip_blocks?: boolean;
  block_start_string?: string;
  block_end_string?: string;
  variable_start_string?: string;
  variable_end_string?: string;
  comment_start_string?: string;
  comment_end_string?: string;
  output_encoding?: string;
}

/** Ansible also takes the escaped forms a YAML single-quoted string gives (`'\n'` is backslash-n). */
const NEWLINES: Readonly<Record<string, JinjaSyntax['newlineSequence']>> = { '\n': '\n', '\r': '\r', '\r\n': '\r\n', '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n' };

const delimiter = (what: string, fallback: string): Record<string, unknown> => ({ type: 'string', minLength: 1, description: `The string that marks ${what} (default \`${fallback}\`).` });

/** `template`: renders a controller template with the host's variables and puts the result on the target (ansible.builtin.template). */
export const template = defineModule<TemplateArgs>({
  name: 'template',
  description:
    "Renders a template from the controller (`src`, looked up in templates/) with the host's variables and writes it on the target when it differs. `.hbs` files are Handlebars; every other file is Jinja2, as in Ansible.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'The template on the controller (role templates/ first, then the playbook directory).' },
      ...deployProperties,
      newline_sequence: { type: 'string', enum: Object.keys(NEWLINES), default: '\n', description: "The newline the template's text is written with." },
      trim_blocks: { type: 'boolean', default: true, description: 'Remove the first newline after a block or comment tag.' },
      lstrip_blocks: { type: 'boolean', default: false, description: 'Remove the spaces and tabs from the start of a line to a block or comment tag.' },
      block_start_string: delimiter('the start of a block', '{%'),
      block_end_string: delimiter('the end of a block', '%}'),
      variable_start_string: delimiter('the start of a print statement', '{{'),
      variable_end_string: delimiter('the end of a print statement', '}}'),
      comment_start_string: delimiter('the start of a comment', '{#'),
      comment_end_string: delimiter('the end of a comment', '#}'),
      output_encoding: { type: 'string', default: 'utf-8', description: `The encoding of the written file (${OUTPUT_ENCODINGS.join(', ')}).` },
    },
    required: ['src', 'dest'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    const source = await readControllerFile(ctx, 'templates', args.src);
    if ('error' in source) return { failed: true, changed: false, msg: source.error };
    const searchPath = ctx.vars['ansible_search_path'];
    let rendered: string;
    try {
      rendered = renderTemplateFile(source.path, ctx.vars, {
        src: args.src,
        dest: args.dest,
        searchPath: Array.isArray(searchPath) ? searchPath.filter((p): p is string => typeof p === 'string') : [],
        syntax: {
          newlineSequence: args.newline_sequence === undefined ? undefined : NEWLINES[args.newline_sequence],
          trimBlocks: args.trim_blocks,
          lstripBlocks: args.lstrip_blocks,
          blockStart: args.block_start_string,
          blockEnd: args.block_end_string,
          variableStart: args.variable_start_string,
          variableEnd: args.variable_end_string,
          commentStart: args.comment_start_string,
          commentEnd: args.comment_end_string,
        },
      });
    } catch (error) {
      return { failed: true, changed: false, msg: isKbrunError(error) ? error.render() : `Error rendering ${args.src}: ${(error as Error).message}` };
    }
    const content = encodeOutput(rendered, args.output_encoding ?? 'utf-8');
    if ('error' in content) return { failed: true, changed: false, msg: content.error };
    return deployFile(ctx, args, { content, srcPath: source.path });
  },
});
