import { idSchema, modeSchema } from './module-args.js';

/** Schema properties copy and template share. */
export const deployProperties: Record<string, Record<string, unknown>> = {
  dest: { type: 'string', description: 'The file on the target; a path ending in / or an existing directory receives the source\'s name.' },
  mode: { ...modeSchema, description: `${modeSchema['description'] as string} 'preserve' keeps the source file's mode.` },
  owner: idSchema('The owning user (name or uid).'),
  group: idSchema('The owning group (name or gid).'),
  backup: { type: 'boolean', default: false, description: 'Keep the old file as <dest>.<pid>.<date>~ before replacing it (returned as backup_file).' },
  force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates missing files.' },
  validate: {
    type: 'string',
    pattern: '%s',
    description:
      "A command run on the target before a changed file is put in place, with `%s` replaced by a temporary copy of the new content (beside `dest`, with the final mode): a non-zero exit leaves `dest` untouched and fails the task. Split into words as a shell would, run without a shell (e.g. `haproxy -c -f %s`).",
  },
};
