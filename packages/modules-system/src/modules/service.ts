import { defineModule } from '@kbrun/core';
import { failure } from '../lib/results.js';
import { runScript } from '../lib/target.js';
import { manageUnit } from './systemd-service.js';

/** Arguments of `service` (ansible.builtin.service). */
export interface ServiceArgs {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  arguments?: string;
  args?: string;
  pattern?: string;
  runlevel?: string;
  sleep?: number;
  use: string;
}

/** Controls services; on systemd targets (the only ones kbrun supports) it is systemd_service. */
export const service = defineModule<ServiceArgs>({
  name: 'service',
  description: 'Controls services (ansible.builtin.service): started/stopped/restarted/reloaded and enabled, through systemd.',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The service.' },
      state: { enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped: only when needed; restarted/reloaded: always.' },
      enabled: { type: 'boolean', description: 'Start the service on boot.' },
      arguments: { type: 'string', description: 'Extra arguments (ignored under systemd, as in Ansible).' },
      args: { type: 'string', description: 'Alias of arguments.' },
      pattern: { type: 'string', description: 'Ignored under systemd (Ansible uses it for init scripts without status).' },
      runlevel: { type: 'string', description: 'Ignored under systemd (OpenRC only in Ansible).' },
      sleep: { type: 'integer', description: 'Ignored under systemd (a restart is one systemctl call).' },
      use: { type: 'string', default: 'auto', description: 'The service manager: auto or systemd.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    if (args.use !== 'auto' && args.use !== 'systemd') return failure(`service: use=${args.use} is not supported by kbrun (systemd only)`);
    if (args.state === undefined && args.enabled === undefined) return failure('one of the following is required: state, enabled');
    const systemdRuns = await runScript(ctx, '[ -d /run/systemd/system ]');
    if (systemdRuns.rc !== 0) return failure('service: the target does not run systemd; kbrun controls services through systemd only');
    return manageUnit({ name: args.name, ...(args.state ? { state: args.state } : {}), ...(args.enabled !== undefined ? { enabled: args.enabled } : {}), daemon_reload: false, daemon_reexec: false, scope: 'system', no_block: false }, ctx);
  },
});
