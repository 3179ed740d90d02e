import { defineModule } from '@kbrun/core';
import { failure, withDiff } from '../lib/results.js';
import { errorLine, run, runScript } from '../lib/target.js';

/** Arguments of `hostname` (ansible.builtin.hostname). */
export interface HostnameArgs {
  name: string;
  use?: string;
}

/** Sets the host name, permanent (/etc/hostname) and running, through hostnamectl when it works. */
export const hostname = defineModule<HostnameArgs>({
  name: 'hostname',
  description: 'Sets the system host name (ansible.builtin.hostname): the permanent one and the running one.',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The host name.' },
      use: { enum: ['systemd', 'debian', 'generic'], description: 'How: systemd (hostnamectl) or debian/generic (/etc/hostname and hostname); detected when not given.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(args.name)) return failure(`invalid host name ${JSON.stringify(args.name)}`);
    const running = (await run(ctx, ['hostname'])).stdout.trim();
    const permanent = ((await ctx.connection.get('/etc/hostname'))?.toString('utf8') ?? '').trim();
    const changed = running !== args.name || permanent !== args.name;
    const short = args.name.split('.')[0]!;
    const domain = args.name.includes('.') ? args.name.slice(args.name.indexOf('.') + 1) : '';
    const facts = { ansible_hostname: short, ansible_nodename: args.name, ansible_fqdn: args.name, ansible_domain: domain };
    const result = withDiff({ changed, name: args.name, ansible_facts: facts }, ctx.diff, { before: `hostname = ${permanent}\n`, after: `hostname = ${args.name}\n`, before_header: '/etc/hostname', after_header: '/etc/hostname' });
    if (!changed || ctx.check) return result;
    const useSystemd = args.use === 'systemd' || (args.use === undefined && (await runScript(ctx, 'command -v hostnamectl >/dev/null 2>&1 && [ -d /run/systemd/system ]')).rc === 0);
    if (useSystemd) {
      const set = await run(ctx, ['hostnamectl', 'set-hostname', '--static', '--transient', args.name]);
      if (set.rc === 0) return result;
      if (args.use === 'systemd') return failure(`hostnamectl failed: ${errorLine(set)}`);
    }
    // Without systemd-hostnamed (or a bus), the files and the kernel directly.
    if (permanent !== args.name) await ctx.connection.put('/etc/hostname', `${args.name}\n`, { mode: 0o644 });
    if (running !== args.name) {
      const set = await run(ctx, ['hostname', args.name]);
      if (set.rc !== 0) return failure(`Command failed: hostname ${args.name}: ${errorLine(set)}`);
    }
    return result;
  },
});
