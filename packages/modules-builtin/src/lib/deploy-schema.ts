import { idSchema, modeSchema } from './module-args.js';

/** Schema properties copy and template share. */
export const deployProperties: Record<string, Record<string, unknown>> = {
  dest: { type: 'string', description: 'The file on the target; a path ending in / or an existing directory receives the source\'s name.' },
  mode: { ...modeSchema, description: `${modeSchema['description'] as string} 'preserve' keeps the source file's mode.` },
  owner: idSchema('The owning user (name or uid).'),
  group: idSchema('The owning group (name or gid).'),
  backup: { type: 'boolean', default: false, description: 'Keep the old file as <dest>.<pid>.<date>~ before replacing it (returned as backup_file).' },
  force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates missing files.' },
};
