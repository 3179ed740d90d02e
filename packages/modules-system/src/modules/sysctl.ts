import { defineModule, type ModuleContext } from '@kbrun/core';
import { applyFilePlan, planFile, readFileFacts } from '../lib/managed-file.js';
import { failure, withDiff } from '../lib/results.js';
import { errorLine, run } from '../lib/target.js';

/** Arguments of `sysctl` (ansible.posix.sysctl). */
export interface SysctlArgs {
  name?: string;
  key?: string;
  value?: string | number | boolean;
  val?: string | number | boolean;
  state: 'present' | 'absent';
  sysctl_file: string;
  reload: boolean;
  sysctl_set: boolean;
  ignoreerrors: boolean;
}

const VALUE = { type: ['string', 'number', 'boolean'] };

/** Sets a kernel parameter in a sysctl file (and optionally at runtime), reloading the file when it changed. */
export const sysctl = defineModule<SysctlArgs>({
  name: 'sysctl',
  description: 'Manages kernel parameters (ansible.posix.sysctl): the entry in a sysctl file, the running value, reload.',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The parameter, e.g. net.ipv4.ip_forward.' },
      key: { type: 'string', description: 'Alias of name.' },
      value: { ...VALUE, description: 'Its value (required with state=present).' },
      val: { ...VALUE, description: 'Alias of value.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the entry is in the file.' },
      sysctl_file: { type: 'string', default: '/etc/sysctl.conf', description: 'The file holding the entry.' },
      reload: { type: 'boolean', default: true, description: 'When the file changed, load it (sysctl -p FILE).' },
      sysctl_set: { type: 'boolean', default: false, description: 'Also compare the running value and set it with sysctl -w.' },
      ignoreerrors: { type: 'boolean', default: false, description: 'Ignore unknown keys when reloading (sysctl -e).' },
    },
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const name = args.name ?? args.key;
    if (name === undefined) return failure('missing required arguments: name');
    const rawValue = args.value ?? args.val;
    if (args.state === 'present' && rawValue === undefined) return failure('value is required with state=present');
    const value = rawValue === undefined ? undefined : normalizeValue(rawValue);
    const file = await readFileFacts(ctx, args.sysctl_file);
    const after = editSysctlFile(file.content ?? '', name, args.state === 'present' ? value! : undefined);
    const plan = planFile(file, { content: after });
    // Writing a file that does not exist only to keep it empty is not a change.
    if (!file.exists && after === '') plan.write = plan.changed = false;
    const result = { name, value: value ?? null, state: args.state, sysctl_file: args.sysctl_file, reload: args.reload, sysctl_set: args.sysctl_set, changed: false };

    let setRuntime = false;
    if (args.sysctl_set && args.state === 'present') {
      const current = await run(ctx, ['sysctl', '-n', '-e', '--', name]);
      if (current.rc !== 0 && !args.ignoreerrors) return failure(`Failed to read ${name}: ${errorLine(current)}`);
      setRuntime = normalizeValue(current.stdout.trim()) !== value;
    }
    const changed = plan.changed || setRuntime;
    const shown = withDiff({ ...result, changed }, ctx.diff, plan.diff);
    if (!changed || ctx.check) return shown;

    if (setRuntime) {
      const set = await run(ctx, ['sysctl', '-w', `${name}=${value}`]);
      if (set.rc !== 0) return failure(`setsysctl failed: ${errorLine(set)}`, { ...result, changed: true });
    }
    const error = await applyFilePlan(ctx, plan, after);
    if (error) return failure(error, { ...result, changed: true });
    if (plan.changed && args.reload) {
      const reloaded = await reloadFile(ctx, args);
      if (reloaded) return failure(reloaded, { ...result, changed: true });
    }
    return shown;
  },
});

// Values compare as Ansible compares them: whitespace-separated tokens joined by one space; booleans as 1/0.
function normalizeValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = String(value).trim();
  if (/^(true|yes|on)$/i.test(text)) return '1';
  if (/^(false|no|off)$/i.test(text)) return '0';
  return text.split(/\s+/).join(' ');
}

/** A sysctl file with `name` set to `value` (the first entry edited in place as `name=value`, others dropped), or removed. */
export function editSysctlFile(content: string, name: string, value: string | undefined): string {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let done = false;
  for (const line of lines) {
    const entry = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (!entry || entry[1] !== name) {
      out.push(line);
      continue;
    }
    if (value === undefined || done) continue;
    out.push(normalizeValue(entry[2]!) === value ? line : `${name}=${value}`);
    done = true;
  }
  if (value !== undefined && !done) out.push(`${name}=${value}`);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

// sysctl -p FILE (the default file as plain sysctl -p), failing on errors unless ignoreerrors.
async function reloadFile(ctx: ModuleContext, args: SysctlArgs): Promise<string | undefined> {
  const argv = ['sysctl', ...(args.ignoreerrors ? ['-e'] : []), '-p', args.sysctl_file];
  const done = await run(ctx, argv);
  if (done.rc !== 0 || /^sysctl: /m.test(done.stderr)) return `Failed to reload sysctl: ${errorLine(done)}`;
  return undefined;
}
