import { defineModule, type ModuleContext } from '@kbrun/core';
import { failure } from '../lib/results.js';
import { commandLine, errorLine, run } from '../lib/target.js';

/** Arguments of `group` (ansible.builtin.group). */
export interface GroupArgs {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
  local: boolean;
  non_unique: boolean;
  force: boolean;
  gid_min?: number;
  gid_max?: number;
}

/** A group's entry in the group database. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** Reads a group by name or id (getent group); undefined when it does not exist. */
export async function getGroup(ctx: ModuleContext, key: string): Promise<GroupEntry | undefined> {
  const found = await run(ctx, ['getent', 'group', key]);
  if (found.rc !== 0) return undefined;
  const [name, , gid, members] = found.stdout.trim().split('\n')[0]!.split(':');
  return { name: name!, gid: Number(gid), members: (members ?? '').split(',').filter((m) => m !== '') };
}

/** Creates, changes or removes a group (groupadd, groupmod, groupdel). */
export const group = defineModule<GroupArgs>({
  name: 'group',
  description: 'Manages groups (ansible.builtin.group): create with a gid, change the gid, remove.',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The group.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the group exists.' },
      gid: { type: 'integer', minimum: 0, description: 'Its id.' },
      system: { type: 'boolean', default: false, description: 'A system group (created with groupadd -r).' },
      local: { type: 'boolean', default: false, description: 'Use lgroupadd and friends (local files only).' },
      non_unique: { type: 'boolean', default: false, description: 'Allow a gid already in use (with gid).' },
      force: { type: 'boolean', default: false, description: "With state=absent, remove the group even when it is a user's primary group." },
      gid_min: { type: 'integer', description: 'Lowest gid for a new group (groupadd -K GID_MIN=).' },
      gid_max: { type: 'integer', description: 'Highest gid for a new group (groupadd -K GID_MAX=).' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const current = await getGroup(ctx, args.name);
    const prefix = args.local ? 'l' : '';
    let argv: string[] | undefined;
    if (args.state === 'absent') {
      if (current) argv = [`${prefix}groupdel`, ...(args.force && !args.local ? ['-f'] : []), args.name];
    } else if (!current) {
      argv = [`${prefix}groupadd`];
      if (args.gid !== undefined) argv.push('-g', String(args.gid));
      if (args.non_unique && args.gid !== undefined) argv.push('-o');
      if (args.system) argv.push('-r');
      if (args.gid_min !== undefined) argv.push('-K', `GID_MIN=${args.gid_min}`);
      if (args.gid_max !== undefined) argv.push('-K', `GID_MAX=${args.gid_max}`);
      argv.push(args.name);
    } else if (args.gid !== undefined && current.gid !== args.gid) {
      argv = [`${prefix}groupmod`, '-g', String(args.gid), ...(args.non_unique ? ['-o'] : []), args.name];
    }
    const result: Record<string, unknown> = { name: args.name, state: args.state, changed: argv !== undefined };
    if (args.state === 'present') Object.assign(result, { gid: args.gid ?? current?.gid ?? null, system: args.system });
    if (!argv || ctx.check) return result;
    const done = await run(ctx, argv);
    if (done.rc !== 0) return failure(`${commandLine(argv)} failed: ${errorLine(done)}`, { name: args.name });
    if (args.state === 'present') result['gid'] = (await getGroup(ctx, args.name))?.gid ?? result['gid'];
    return result;
  },
});
