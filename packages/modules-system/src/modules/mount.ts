import { defineModule } from '@kbrun/core';
import { applyFilePlan, planFile, readFileFacts } from '../lib/managed-file.js';
import { failure, withDiff } from '../lib/results.js';
import { errorLine, run, runScript } from '../lib/target.js';

/** Arguments of `mount` (ansible.posix.mount). */
export interface MountArgs {
  path?: string;
  name?: string;
  src?: string;
  fstype?: string;
  opts?: string;
  dump: string | number;
  passno: string | number;
  state: 'mounted' | 'present' | 'unmounted' | 'absent' | 'absent_from_fstab' | 'remounted' | 'ephemeral';
  fstab: string;
  boot: boolean;
  backup: boolean;
}

/** One fstab entry's fields. */
interface FstabEntry {
  src: string;
  path: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

/** Mounts filesystems and keeps their fstab entries (by mount point). */
export const mount = defineModule<MountArgs>({
  name: 'mount',
  description: 'Controls mounts and their fstab entries (ansible.posix.mount): mounted, present, unmounted, absent, remounted.',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The mount point.' },
      name: { type: 'string', description: 'Alias of path.' },
      src: { type: 'string', description: 'The device: /dev/…, UUID=…, LABEL=…, host:/export (required for mounted, present, ephemeral).' },
      fstype: { type: 'string', description: 'The filesystem type (required for mounted, present, ephemeral).' },
      opts: { type: 'string', description: 'Mount options (fstab: "defaults" when not given).' },
      dump: { type: ['string', 'integer'], default: '0', description: 'fstab dump field.' },
      passno: { type: ['string', 'integer'], default: '0', description: 'fstab pass field.' },
      state: {
        enum: ['mounted', 'present', 'unmounted', 'absent', 'absent_from_fstab', 'remounted', 'ephemeral'],
        description: 'mounted: in fstab and mounted; present: in fstab only; unmounted: not mounted (fstab kept); absent: neither (mount point removed); absent_from_fstab: fstab only; remounted: remount now; ephemeral: mounted, fstab untouched.',
      },
      fstab: { type: 'string', default: '/etc/fstab', description: 'The fstab file.' },
      boot: { type: 'boolean', default: true, description: 'false adds noauto (not mounted at boot).' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of fstab before changing it.' },
    },
    required: ['state'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const path = args.path ?? args.name;
    if (path === undefined) return failure('missing required arguments: path');
    if (path !== '/' && path.endsWith('/')) return failure(`path ${path} must not end with /`);
    const needsSpec = args.state === 'mounted' || args.state === 'present' || args.state === 'ephemeral';
    if (needsSpec && (args.src === undefined || args.fstype === undefined)) return failure(`state=${args.state} needs src and fstype`);
    let opts = args.opts ?? 'defaults';
    if (!args.boot && !opts.split(',').includes('noauto')) opts = opts === 'defaults' ? 'noauto' : `${opts},noauto`;
    const result: Record<string, unknown> = { name: path, state: args.state, fstab: args.fstab, boot: args.boot, changed: false };
    if (args.src !== undefined) Object.assign(result, { src: args.src, fstype: args.fstype, opts, dump: String(args.dump), passno: String(args.passno) });

    // Facts: the fstab file, whether the path is a mount point now.
    const fstab = await readFileFacts(ctx, args.fstab);
    const mounted = (await run(ctx, ['findmnt', '-n', '--mountpoint', path])).rc === 0;
    let content = fstab.content ?? '';
    if (args.state === 'mounted' || args.state === 'present') {
      content = setFstabEntry(content, { src: args.src!, path, fstype: args.fstype!, opts, dump: String(args.dump), passno: String(args.passno) });
    } else if (args.state === 'absent' || args.state === 'absent_from_fstab') {
      content = removeFstabEntry(content, path);
    }
    const plan = planFile(fstab, { content });
    if (!fstab.exists && content === '') plan.write = plan.changed = false;
    if (plan.changed && fstab.exists) plan.chmod = undefined;
    const fstabChanged = plan.write;

    // The plan: what happens to the mount.
    type Step = 'mkdir' | 'mount' | 'remount' | 'umount' | 'rmdir' | 'mount-ephemeral';
    const steps: Step[] = [];
    if (args.state === 'mounted') {
      if (!mounted) steps.push('mkdir', 'mount');
      else if (fstabChanged) steps.push('remount');
    } else if (args.state === 'ephemeral') {
      if (!mounted) steps.push('mkdir', 'mount-ephemeral');
    } else if (args.state === 'unmounted') {
      if (mounted) steps.push('umount');
    } else if (args.state === 'absent') {
      if (mounted) steps.push('umount');
      const exists = (await runScript(ctx, '[ -d "$1" ]', [path])).rc === 0;
      if (exists) steps.push('rmdir');
    } else if (args.state === 'remounted') {
      if (!mounted) return failure(`${path} is not mounted: it cannot be remounted`, result);
      steps.push('remount');
    }
    const changed = fstabChanged || steps.some((step) => step !== 'mkdir' && step !== 'rmdir') || (steps.includes('rmdir') && args.state === 'absent');
    const shown = withDiff({ ...result, changed }, ctx.diff, fstabChanged ? plan.diff : undefined);
    if (!changed || ctx.check) return shown;

    if (fstabChanged) {
      if (args.backup && fstab.exists) {
        const copied = await runScript(ctx, 'cp -p -- "$1" "$1.$(date +%Y-%m-%d@%H:%M:%S~)"', [args.fstab]);
        if (copied.rc !== 0) return failure(`backing up ${args.fstab}: ${errorLine(copied)}`, result);
      }
      const error = await applyFilePlan(ctx, plan, content);
      if (error) return failure(error, result);
    }
    const fstabArgs = args.fstab === '/etc/fstab' ? [] : ['-T', args.fstab];
    for (const step of steps) {
      const argv =
        step === 'mkdir' ? ['mkdir', '-p', '--', path]
        : step === 'mount' ? ['mount', ...fstabArgs, path]
        : step === 'mount-ephemeral' ? ['mount', '-t', args.fstype!, '-o', opts, args.src!, path]
        : step === 'remount' ? ['mount', ...fstabArgs, '-o', 'remount', path]
        : step === 'umount' ? ['umount', path]
        : ['rmdir', '--', path];
      const done = await run(ctx, argv);
      if (done.rc !== 0) return failure(`Error ${step === 'mkdir' ? 'making mount point' : step === 'umount' ? 'unmounting' : step === 'rmdir' ? 'removing mount point' : 'mounting'} ${path}: ${errorLine(done)}`, { ...result, changed: true });
    }
    return shown;
  },
});

/** Escapes a field as fstab needs it (spaces, tabs, newlines, backslashes as octal). */
function escapeField(value: string): string {
  return value.replace(/[\\ \t\n]/g, (ch) => `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

function parseEntry(line: string): FstabEntry | undefined {
  if (/^\s*(#|$)/.test(line)) return undefined;
  const fields = line.trim().split(/\s+/);
  if (fields.length < 3) return undefined;
  return { src: fields[0]!, path: fields[1]!, fstype: fields[2]!, opts: fields[3] ?? 'defaults', dump: fields[4] ?? '0', passno: fields[5] ?? '0' };
}

/** fstab text with the entry for `entry.path` set (edited in place, or appended). */
export function setFstabEntry(content: string, entry: FstabEntry): string {
  const escaped: FstabEntry = { src: escapeField(entry.src), path: escapeField(entry.path), fstype: escapeField(entry.fstype), opts: escapeField(entry.opts), dump: entry.dump, passno: entry.passno };
  const line = `${escaped.src} ${escaped.path} ${escaped.fstype} ${escaped.opts} ${escaped.dump} ${escaped.passno}`;
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  let found = false;
  const out: string[] = [];
  for (const current of lines) {
    const parsed = parseEntry(current);
    if (!parsed || parsed.path !== escaped.path) {
      out.push(current);
      continue;
    }
    if (found) continue;
    found = true;
    const same = parsed.src === escaped.src && parsed.fstype === escaped.fstype && parsed.opts === escaped.opts && parsed.dump === escaped.dump && parsed.passno === escaped.passno;
    out.push(same ? current : line);
  }
  if (!found) out.push(line);
  return `${out.join('\n')}\n`;
}

/** fstab text without entries for `path`. */
export function removeFstabEntry(content: string, path: string): string {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const out = lines.filter((line) => parseEntry(line)?.path !== escapeField(path));
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
