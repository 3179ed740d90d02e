import { defineModule } from '@kbrun/core';
import { failure, listSchema } from '../lib/results.js';
import { hasProgram } from '../lib/target.js';
import { apt } from './apt.js';

/** Arguments of `package` (ansible.builtin.package). */
export interface PackageArgs {
  name: string | string[];
  state: 'present' | 'absent' | 'latest' | 'installed' | 'removed';
  use: string;
}

/** The generic package module: hands the call to the target's package manager (apt: the only one kbrun drives). */
export const packageModule = defineModule<PackageArgs>({
  name: 'package',
  description: "Installs, upgrades or removes packages with the target's package manager (ansible.builtin.package; apt targets).",
  schema: {
    type: 'object',
    properties: {
      name: listSchema('Package names (a version as name=version with apt).'),
      state: { enum: ['present', 'absent', 'latest', 'installed', 'removed'], default: 'present', description: 'present/installed, latest, absent/removed.' },
      use: { type: 'string', default: 'auto', description: "The package manager: auto (detected) or apt." },
    },
    required: ['name', 'state'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    if (args.use !== 'auto' && args.use !== 'apt') return failure(`package: use=${args.use} is not supported by kbrun (apt only)`);
    if (args.use === 'auto' && !(await hasProgram(ctx, 'apt-get'))) return failure('package: the target has no apt-get; kbrun drives apt only (Debian, Ubuntu)');
    const state = args.state === 'installed' ? 'present' : args.state === 'removed' ? 'absent' : args.state;
    const aptArgs = { name: args.name, state, cache_valid_time: 0, purge: false, autoremove: false, autoclean: false, clean: false, upgrade: 'no' as const, force: false, allow_unauthenticated: false, allow_downgrade: false, allow_change_held_packages: false, only_upgrade: false, fail_on_autoremove: false, dpkg_options: 'force-confdef,force-confold', lock_timeout: 60, update_cache_retries: 5, update_cache_retry_max_delay: 12 };
    return apt.run(aptArgs, ctx);
  },
});
