import { defineModule } from '@kbrun/core';
import { formatMode } from '../lib/file-mode.js';
import { isStateError, readFileState, type ChecksumAlgorithm } from '../lib/file-state.js';

/** Arguments of `stat`. */
export interface StatArgs {
  path: string;
  follow?: boolean;
  get_checksum?: boolean;
  checksum_algorithm?: ChecksumAlgorithm;
}

/** `stat`: reports facts about a path on the target (one command), like ansible.builtin.stat. */
export const stat = defineModule<StatArgs>({
  name: 'stat',
  description: 'Reports whether a path exists on the target and its type, mode, owner, size, times and checksum; changes nothing.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The path on the target.' },
      follow: { type: 'boolean', default: false, description: 'Describe what a symbolic link points to instead of the link.' },
      get_checksum: { type: 'boolean', default: true, description: 'Compute the checksum of a regular file.' },
      checksum_algorithm: { type: 'string', enum: ['sha1', 'sha256', 'md5'], default: 'sha1', description: 'The checksum algorithm.' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    const checksum = args.get_checksum === false ? undefined : (args.checksum_algorithm ?? 'sha1');
    const state = await readFileState(ctx.connection, args.path, { follow: args.follow ?? false, ...(checksum ? { checksum } : {}) }, ctx.signal);
    if (isStateError(state)) return { failed: true, changed: false, msg: state.error };
    if (!state.exists) return { changed: false, stat: { exists: false } };
    const m = state.mode;
    const stat: Record<string, unknown> = {
      exists: true,
      path: args.path,
      mode: formatMode(m),
      isdir: state.type === 'directory',
      isreg: state.type === 'file',
      islnk: state.type === 'link',
      ischr: state.type === 'char',
      isblk: state.type === 'block',
      isfifo: state.type === 'fifo',
      issock: state.type === 'socket',
      uid: state.uid,
      gid: state.gid,
      pw_name: state.owner,
      gr_name: state.group,
      size: state.size,
      mtime: state.mtime,
      atime: state.atime,
      ctime: state.ctime,
      inode: state.inode,
      dev: state.dev,
      nlink: state.nlink,
      rusr: (m & 0o400) !== 0,
      wusr: (m & 0o200) !== 0,
      xusr: (m & 0o100) !== 0,
      rgrp: (m & 0o040) !== 0,
      wgrp: (m & 0o020) !== 0,
      xgrp: (m & 0o010) !== 0,
      roth: (m & 0o004) !== 0,
      woth: (m & 0o002) !== 0,
      xoth: (m & 0o001) !== 0,
      isuid: (m & 0o4000) !== 0,
      isgid: (m & 0o2000) !== 0,
      readable: state.readable,
      writeable: state.writeable,
      executable: state.executable,
    };
    if (state.checksum !== undefined) stat['checksum'] = state.checksum;
    if (state.linkTarget !== undefined) {
      stat['lnk_target'] = state.linkTarget;
      stat['lnk_source'] = state.linkRealpath;
    }
    return { changed: false, stat };
  },
});
