import { defineModule, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { failure } from '../lib/results.js';
import { commandLine, errorLine, outputLines, run } from '../lib/target.js';

/** Arguments of `systemd_service` (ansible.builtin.systemd_service, alias systemd). */
export interface SystemdServiceArgs {
  name?: string;
  service?: string;
  unit?: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  masked?: boolean;
  force?: boolean;
  daemon_reload: boolean;
  'daemon-reload'?: boolean;
  daemon_reexec: boolean;
  'daemon-reexec'?: boolean;
  scope: 'system' | 'user' | 'global';
  no_block: boolean;
}

/** A unit's state as `systemctl show` and `systemctl is-enabled` report it. */
export interface UnitFacts {
  found: boolean;
  active: boolean;
  enabled: boolean;
  masked: boolean;
  status: Record<string, string>;
}

const STATE = { type: 'string', enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped: only when needed; restarted/reloaded: always.' };

/** The systemd_service schema, shared with its `systemd` alias. */
export const SYSTEMD_SCHEMA = {
  type: 'object' as const,
  properties: {
    name: { type: 'string', description: 'The unit (".service" when no suffix is given).' },
    service: { type: 'string', description: 'Alias of name.' },
    unit: { type: 'string', description: 'Alias of name.' },
    state: STATE,
    enabled: { type: 'boolean', description: 'Start the unit on boot.' },
    masked: { type: 'boolean', description: 'Mask the unit (it cannot be started).' },
    force: { type: 'boolean', description: 'Override existing symlinks (systemctl --force).' },
    daemon_reload: { type: 'boolean', default: false, description: 'systemctl daemon-reload before anything else (not reported as a change).' },
    'daemon-reload': { type: 'boolean', description: 'Alias of daemon_reload.' },
    daemon_reexec: { type: 'boolean', default: false, description: 'systemctl daemon-reexec before anything else.' },
    'daemon-reexec': { type: 'boolean', description: 'Alias of daemon_reexec.' },
    scope: { enum: ['system', 'user', 'global'], default: 'system', description: "systemctl's scope: --system, --user or --global." },
    no_block: { type: 'boolean', default: false, description: 'Do not wait for the job to finish (systemctl --no-block).' },
  },
  additionalProperties: false,
};

/** Controls systemd units: state, enabled, masked, daemon-reload. */
export const systemdService = defineModule<SystemdServiceArgs>({
  name: 'systemd_service',
  description: 'Controls systemd units (ansible.builtin.systemd_service): start/stop/restart/reload, enable, mask, daemon-reload.',
  schema: SYSTEMD_SCHEMA,
  check: 'full',
  run: (args, ctx) => manageUnit(args, ctx),
});

/** `systemd`: the same module under Ansible's older name. */
export const systemd = defineModule<SystemdServiceArgs>({ ...systemdService, name: 'systemd' });

/** Reads a unit's facts. */
export async function unitFacts(ctx: ModuleContext, systemctl: string[], unit: string): Promise<UnitFacts> {
  const show = await run(ctx, [...systemctl, 'show', '--no-pager', '--', unit]);
  const status: Record<string, string> = {};
  for (const line of outputLines(show.stdout)) {
    const at = line.indexOf('=');
    if (at > 0) status[line.slice(0, at)] = line.slice(at + 1);
  }
  const isEnabled = await run(ctx, [...systemctl, 'is-enabled', '--', unit]);
  const word = isEnabled.stdout.trim().split('\n')[0] ?? '';
  const found = show.rc === 0 && status['LoadState'] !== 'not-found' && !(status['LoadState'] === undefined && word === '');
  const masked = status['LoadState'] === 'masked' || word === 'masked' || word === 'masked-runtime';
  return {
    found: found || masked,
    active: status['ActiveState'] === 'active' || status['ActiveState'] === 'activating' || status['ActiveState'] === 'reloading',
    enabled: isEnabled.rc === 0 && !masked,
    masked,
    status,
  };
}

/** The module's logic, shared by `systemd_service`, `systemd` and `service` on systemd targets. */
export async function manageUnit(args: SystemdServiceArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const name = args.name ?? args.service ?? args.unit;
  const systemctl = ['systemctl', ...(args.scope === 'user' ? ['--user'] : args.scope === 'global' ? ['--global'] : [])];
  const reload = args.daemon_reload || args['daemon-reload'] === true;
  const reexec = args.daemon_reexec || args['daemon-reexec'] === true;
  if (name === undefined && args.state === undefined && args.enabled === undefined && args.masked === undefined) {
    if (!reload && !reexec) return failure('one of name, state, enabled, masked, daemon_reload or daemon_reexec is required');
  }
  if (name === undefined && (args.state !== undefined || args.enabled !== undefined || args.masked !== undefined)) {
    return failure('missing parameter(s) required by state, enabled or masked: name');
  }
  const result: ModuleResult = { changed: false };
  if (!ctx.check) {
    for (const [wanted, verb] of [[reexec, 'daemon-reexec'], [reload, 'daemon-reload']] as const) {
      if (!wanted) continue;
      const done = await run(ctx, [...systemctl, verb]);
      if (done.rc !== 0) return failure(`failure ${done.rc} during ${verb}: ${errorLine(done)}`);
    }
  }
  if (name === undefined) return result;
  result['name'] = name;

  const facts = await unitFacts(ctx, systemctl, name);
  result['status'] = facts.status;
  if (!facts.found && (args.state !== undefined || args.enabled !== undefined || args.masked === false)) {
    // In check mode the unit may come from a package an earlier task would install: say so instead of failing.
    if (ctx.check) return { ...result, changed: true, msg: `Could not find the requested service ${name}: a real run fails unless an earlier task installs it` };
    return failure(`Could not find the requested service ${name}: host`, result);
  }

  const plan: string[][] = [];
  const block = args.no_block ? ['--no-block'] : [];
  const force = args.force ? ['--force'] : [];
  if (args.masked !== undefined && args.masked !== facts.masked) plan.push([...systemctl, ...force, args.masked ? 'mask' : 'unmask', '--', name]);
  const enabled = args.enabled;
  if (enabled !== undefined && (enabled !== facts.enabled || (args.masked === false && facts.masked && enabled))) plan.push([...systemctl, ...force, enabled ? 'enable' : 'disable', '--', name]);
  if (enabled !== undefined) result['enabled'] = enabled;
  const masked = args.masked ?? facts.masked;
  if (args.state !== undefined) {
    result['state'] = args.state;
    if (masked && args.state !== 'stopped') return failure(`Unit ${name} is masked: it cannot be ${args.state}`, result);
    const verb =
      args.state === 'started' ? (facts.active ? undefined : 'start')
      : args.state === 'stopped' ? (facts.active ? 'stop' : undefined)
      : args.state === 'restarted' ? 'restart'
      : facts.active ? 'reload' : 'start';
    if (verb) plan.push([...systemctl, ...block, verb, '--', name]);
  }
  if (plan.length === 0) return result;
  result.changed = true;
  if (ctx.check) return result;
  for (const argv of plan) {
    const done = await run(ctx, argv);
    if (done.rc !== 0) return failure(`Unable to ${argv.at(-3)} service ${name}: ${errorLine(done)}`, { ...result, changed: true, cmd: commandLine(argv) });
  }
  return result;
}
