import { defineModule, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { failure } from '../lib/results.js';
import { commandLine, errorLine, outputLines, run, runScript } from '../lib/target.js';

/** Arguments of `filesystem` (community.general.filesystem). */
export interface FilesystemArgs {
  dev?: string;
  device?: string;
  fstype?: string;
  type?: string;
  state: 'present' | 'absent';
  force: boolean;
  resizefs: boolean;
  opts?: string;
  uuid?: string;
}

const FSTYPES = ['btrfs', 'ext2', 'ext3', 'ext4', 'ext4dev', 'f2fs', 'lvm', 'ocfs2', 'reiserfs', 'xfs', 'vfat', 'swap', 'ufs', 'bcachefs'];

// mkfs program and its "overwrite" flag per type.
const MKFS: Record<string, { program: string; force: string[]; uuid?: (uuid: string) => string[] }> = {
  ext2: { program: 'mkfs.ext2', force: ['-F'], uuid: (u) => ['-U', u] },
  ext3: { program: 'mkfs.ext3', force: ['-F'], uuid: (u) => ['-U', u] },
  ext4: { program: 'mkfs.ext4', force: ['-F'], uuid: (u) => ['-U', u] },
  ext4dev: { program: 'mkfs.ext4', force: ['-F'], uuid: (u) => ['-U', u] },
  xfs: { program: 'mkfs.xfs', force: ['-f'], uuid: (u) => ['-m', `uuid=${u}`] },
  btrfs: { program: 'mkfs.btrfs', force: ['-f'], uuid: (u) => ['-U', u] },
  f2fs: { program: 'mkfs.f2fs', force: ['-f'] },
  vfat: { program: 'mkfs.vfat', force: [] },
  reiserfs: { program: 'mkfs.reiserfs', force: ['-q'] },
  ocfs2: { program: 'mkfs.ocfs2', force: ['-Fx'] },
  swap: { program: 'mkswap', force: ['-f'], uuid: (u) => ['-U', u] },
  lvm: { program: 'pvcreate', force: ['-f'], uuid: (u) => ['--uuid', u, '--norestorefile'] },
  ufs: { program: 'newfs', force: [] },
  bcachefs: { program: 'mkfs.bcachefs', force: ['--force'] },
};

/** What is on a device now. */
interface DeviceFacts {
  exists: boolean;
  /** blkid's TYPE ('' when none). */
  fstype: string;
  /** Every signature wipefs finds (partition tables, RAID, filesystems). */
  signatures: string[];
}

/** Creates a filesystem on a device only when it holds none (force to overwrite), grows it, or wipes it. Destructive. */
export const filesystem = defineModule<FilesystemArgs>({
  name: 'filesystem',
  description: 'Makes a filesystem on a block device (community.general.filesystem): never over existing data without force; resizefs; state=absent wipes.',
  schema: {
    type: 'object',
    properties: {
      dev: { type: 'string', description: 'The block device (or image file), e.g. /dev/disk/by-id/scsi-0HC_Volume_123.' },
      device: { type: 'string', description: 'Alias of dev.' },
      fstype: { enum: FSTYPES, description: 'The filesystem to make (required with state=present).' },
      type: { enum: FSTYPES, description: 'Alias of fstype.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: the filesystem exists; absent: every signature is wiped (wipefs -a).' },
      force: { type: 'boolean', default: false, description: 'Make the filesystem even when the device already holds one (its data is lost).' },
      resizefs: { type: 'boolean', default: false, description: 'Grow the filesystem to the device size when it is smaller (ext2/3/4; xfs while mounted).' },
      opts: { type: 'string', description: 'Options passed to mkfs (split as a shell would, without expansion).' },
      uuid: { type: 'string', description: 'UUID of the new filesystem (ext2/3/4, xfs, btrfs, swap, lvm); changed on an existing ext/xfs filesystem.' },
    },
    additionalProperties: false,
  },
  check: 'full',
  destructive: true,
  async run(args, ctx) {
    const dev = args.dev ?? args.device;
    const fstype = args.fstype ?? args.type;
    if (dev === undefined) return failure('missing required arguments: dev');
    if (ctx.isProtected(ctx.host)) return failure(`refusing filesystem on ${ctx.host}: the host is protected`);
    const facts = await deviceFacts(ctx, dev);
    if (!facts.exists) return failure(`Device ${dev} not found.`);

    if (args.state === 'absent') {
      if (facts.signatures.length === 0 && facts.fstype === '') return { changed: false };
      if (ctx.check) return { changed: true };
      const wiped = await run(ctx, ['wipefs', '--all', '--', dev]);
      if (wiped.rc !== 0) return failure(`wipefs failed on ${dev}: ${errorLine(wiped)}`);
      return { changed: true };
    }
    if (fstype === undefined) return failure('fstype is required with state=present');
    const spec = MKFS[fstype]!;
    const same = facts.fstype === fstype || (fstype === 'lvm' && facts.fstype === 'LVM2_member') || (fstype === 'ext4dev' && facts.fstype === 'ext4');
    // As Ansible: force re-creates a filesystem of the same type (its data is lost), unless resizefs asks to grow it.
    if (same && (!args.force || args.resizefs)) {
      const result: ModuleResult = { changed: false };
      if (args.uuid !== undefined) {
        const uuid = await run(ctx, ['blkid', '-c', '/dev/null', '-o', 'value', '-s', 'UUID', '--', dev]);
        if (uuid.stdout.trim() !== args.uuid) {
          const argv = fstype === 'xfs' ? ['xfs_admin', '-U', args.uuid, dev] : fstype.startsWith('ext') ? ['tune2fs', '-U', args.uuid, dev] : undefined;
          if (!argv) return failure(`changing the UUID of an existing ${fstype} filesystem is not supported`);
          result.changed = true;
          if (!ctx.check) {
            const done = await run(ctx, argv);
            if (done.rc !== 0) return failure(`${commandLine(argv)} failed: ${errorLine(done)}`);
          }
        }
      }
      if (args.resizefs) {
        const grow = await growPlan(ctx, dev, fstype);
        if ('error' in grow) return failure(grow.error);
        if (grow.argv) {
          result.changed = true;
          if (!ctx.check) {
            const done = await run(ctx, grow.argv);
            if (done.rc !== 0) return failure(`Resizing filesystem failed: ${errorLine(done)}`);
          }
        }
      }
      return result;
    }
    // The device holds something else: a filesystem, a partition table, RAID or LVM metadata.
    if ((facts.fstype !== '' || facts.signatures.length > 0) && !args.force) {
      const what = facts.fstype !== '' ? facts.fstype : facts.signatures.join(', ');
      return failure(`'${dev}' is already used as ${what}, use force=true to overwrite`, { rc: 1 });
    }
    const argv = [spec.program, ...(args.force ? spec.force : []), ...(args.uuid && spec.uuid ? spec.uuid(args.uuid) : []), ...splitOpts(args.opts), dev];
    if (ctx.check) return { changed: true, cmd: commandLine(argv) };
    const made = await run(ctx, argv);
    if (made.rc !== 0) {
      if (made.rc === 127) return failure(`${spec.program} is not installed on the target (install its package first)`, { rc: made.rc });
      return failure(`Creating filesystem ${fstype} on device ${dev} failed: ${errorLine(made)}`, { rc: made.rc, err: made.stderr });
    }
    return { changed: true };
  },
});

// Splits mkfs options the way a shell splits words (quotes honoured, nothing expanded).
function splitOpts(opts: string | undefined): string[] {
  if (opts === undefined || opts.trim() === '') return [];
  const words: string[] = [];
  for (const match of opts.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3]!);
  return words;
}

/** blkid's type and wipefs's signatures of a device (read only: wipefs without -a changes nothing). */
async function deviceFacts(ctx: ModuleContext, dev: string): Promise<DeviceFacts> {
  const exists = (await runScript(ctx, '[ -b "$1" ] || [ -f "$1" ]', [dev])).rc === 0;
  if (!exists) return { exists: false, fstype: '', signatures: [] };
  const blkid = await run(ctx, ['blkid', '-c', '/dev/null', '-o', 'value', '-s', 'TYPE', '--', dev]);
  const wipefs = await run(ctx, ['wipefs', '--no-act', '--noheadings', '--output', 'TYPE', '--', dev]);
  return { exists, fstype: blkid.stdout.trim(), signatures: [...new Set(outputLines(wipefs.stdout).map((l) => l.trim()).filter((l) => l !== ''))] };
}

// The command that grows the filesystem, when the device is larger than it.
async function growPlan(ctx: ModuleContext, dev: string, fstype: string): Promise<{ argv?: string[] } | { error: string }> {
  const size = await run(ctx, ['blockdev', '--getsize64', dev]);
  const devSize = Number(size.stdout.trim());
  if (size.rc !== 0 || !Number.isFinite(devSize)) return { error: `cannot read the size of ${dev}: ${errorLine(size)}` };
  const mountpoint = (await run(ctx, ['findmnt', '-n', '-o', 'TARGET', '--source', dev])).stdout.trim().split('\n')[0] ?? '';
  if (fstype.startsWith('ext')) {
    const dump = await run(ctx, ['dumpe2fs', '-h', dev]);
    const count = Number(/^Block count:\s+(\d+)/m.exec(dump.stdout)?.[1]);
    const blockSize = Number(/^Block size:\s+(\d+)/m.exec(dump.stdout)?.[1]);
    if (!count || !blockSize) return { error: `cannot read the size of the filesystem on ${dev}: ${errorLine(dump)}` };
    return devSize - count * blockSize >= blockSize ? { argv: ['resize2fs', dev] } : {};
  }
  if (fstype === 'xfs') {
    if (mountpoint === '') return { error: `${dev} is not mounted: xfs can only be grown while mounted` };
    const info = await run(ctx, ['xfs_info', mountpoint]);
    const data = /^data\s+=\s+bsize=(\d+)\s+blocks=(\d+)/m.exec(info.stdout);
    if (!data) return { error: `cannot read xfs_info of ${mountpoint}: ${errorLine(info)}` };
    const blockSize = Number(data[1]);
    return devSize - Number(data[2]) * blockSize >= blockSize ? { argv: ['xfs_growfs', mountpoint] } : {};
  }
  return { error: `resizefs is not supported for ${fstype}` };
}
