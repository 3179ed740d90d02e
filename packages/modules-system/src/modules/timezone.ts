import { defineModule } from '@kbrun/core';
import { failure, withDiff } from '../lib/results.js';
import { errorLine, run, runScript } from '../lib/target.js';

/** Arguments of `timezone` (community.general.timezone). */
export interface TimezoneArgs {
  name?: string;
  hwclock?: 'local' | 'UTC';
}

/** Sets the system time zone (and the hardware clock's), with timedatectl or the files when it is not available. */
export const timezone = defineModule<TimezoneArgs>({
  name: 'timezone',
  description: 'Sets the system time zone and hardware clock mode (community.general.timezone).',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The time zone, e.g. Europe/Paris or UTC (a file under /usr/share/zoneinfo).' },
      hwclock: { enum: ['local', 'UTC'], description: 'Whether the hardware clock keeps local time or UTC.' },
    },
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    if (args.name === undefined && args.hwclock === undefined) return failure('one of the following is required: name, hwclock');
    const timedatectl = await run(ctx, ['timedatectl', 'show', '--property=Timezone', '--property=LocalRTC']);
    const hasTimedated = timedatectl.rc === 0;
    let currentName: string;
    let currentRtc: string | undefined;
    if (hasTimedated) {
      currentName = /^Timezone=(.*)$/m.exec(timedatectl.stdout)?.[1] ?? '';
      const local = /^LocalRTC=(.*)$/m.exec(timedatectl.stdout)?.[1];
      currentRtc = local === undefined ? undefined : local === 'yes' ? 'local' : 'UTC';
    } else {
      const link = await run(ctx, ['readlink', '/etc/localtime']);
      currentName = link.stdout.trim().replace(/^.*\/zoneinfo\//, '');
      if (currentName === '') currentName = ((await ctx.connection.get('/etc/timezone'))?.toString('utf8') ?? '').trim();
    }
    if (args.name !== undefined && (await runScript(ctx, '[ -f "/usr/share/zoneinfo/$1" ]', [args.name])).rc !== 0) {
      if (!ctx.check) return failure(`given timezone "${args.name}" is not available`);
      return { changed: true, msg: `timezone ${args.name} is not installed (tzdata): a real run fails unless an earlier task installs it` };
    }
    const nameChanges = args.name !== undefined && currentName !== args.name;
    const rtcChanges = args.hwclock !== undefined && currentRtc !== args.hwclock;
    if (rtcChanges && !hasTimedated) return failure('hwclock needs timedatectl (systemd-timedated), which this target does not have');
    const changed = nameChanges || rtcChanges;
    const before = { name: currentName, ...(currentRtc ? { hwclock: currentRtc } : {}) };
    const after = { name: args.name ?? currentName, ...(args.hwclock ?? currentRtc ? { hwclock: args.hwclock ?? currentRtc } : {}) };
    const result = withDiff({ changed }, ctx.diff, { before: `${JSON.stringify(before, null, 4)}\n`, after: `${JSON.stringify(after, null, 4)}\n`, before_header: 'timezone', after_header: 'timezone' });
    if (!changed || ctx.check) return result;
    if (nameChanges) {
      if (hasTimedated) {
        const set = await run(ctx, ['timedatectl', 'set-timezone', args.name!]);
        if (set.rc !== 0) return failure(`timedatectl set-timezone ${args.name} failed: ${errorLine(set)}`);
      } else {
        const set = await runScript(ctx, 'ln -sfn "/usr/share/zoneinfo/$1" /etc/localtime && if [ -f /etc/timezone ] || [ -f /etc/debian_version ]; then printf "%s\\n" "$1" > /etc/timezone; fi', [args.name!]);
        if (set.rc !== 0) return failure(`setting the time zone ${args.name} failed: ${errorLine(set)}`);
      }
    }
    if (rtcChanges) {
      const set = await run(ctx, ['timedatectl', 'set-local-rtc', args.hwclock === 'local' ? 'yes' : 'no']);
      if (set.rc !== 0) return failure(`timedatectl set-local-rtc failed: ${errorLine(set)}`);
    }
    return result;
  },
});
