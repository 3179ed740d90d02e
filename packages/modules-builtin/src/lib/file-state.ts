import type { Connection } from '@kbrun/core';

/** What a path is on the target, in the names Ansible's file module uses. */
export type FileType = 'file' | 'directory' | 'link' | 'char' | 'block' | 'fifo' | 'socket';

/** A path that does not exist on the target. */
export interface AbsentFile {
  exists: false;
  path: string;
  /** The parent directory exists (so the path could be created without creating directories). */
  parentExists: boolean;
}

/** A path that exists on the target, as one `stat` call saw it. */
export interface PresentFile {
  exists: true;
  path: string;
  parentExists: boolean;
  type: FileType;
  /** Permission bits (07777). */
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  mtime: number;
  atime: number;
  ctime: number;
  nlink: number;
  inode: number;
  dev: number;
  readable: boolean;
  writeable: boolean;
  executable: boolean;
  /** Hex digest of a readable regular file, when a checksum was asked for. */
  checksum?: string;
  /** For a symbolic link: where it points (as written) and the path it resolves to. */
  linkTarget?: string;
  linkRealpath?: string;
}

/** Either of the two. */
export type FileState = AbsentFile | PresentFile;

/** Checksum algorithms the target computes with coreutils. */
export type ChecksumAlgorithm = 'sha1' | 'sha256' | 'md5';

/** Options of one state read. */
export interface FileStateOptions {
  /** Describe what a symbolic link points to rather than the link itself. */
  follow?: boolean;
  /** Compute this digest of a regular file. */
  checksum?: ChecksumAlgorithm;
}

/** The state of a path could not be read (permission denied on the path itself, I/O error). */
export interface FileStateError {
  error: string;
}

// One round trip: the script is fixed text; the path and options travel as positional arguments ($1 $2 $3).
const STATE_SCRIPT = `p=$1
if [ -d "$(dirname -- "$p")" ]; then echo p; else echo -; fi
if [ "$2" = follow ]; then
  [ -e "$p" ] || { echo absent; exit 0; }
  L=-L
else
  [ -e "$p" ] || [ -L "$p" ] || { echo absent; exit 0; }
  L=
fi
echo present
stat $L --printf '%f\\n%u\\n%g\\n%U\\n%G\\n%s\\n%Y\\n%y\\n%X\\n%x\\n%Z\\n%z\\n%h\\n%i\\n%d\\n' -- "$p" || exit 1
f=
[ -r "$p" ] && f=\${f}r
[ -w "$p" ] && f=\${f}w
[ -x "$p" ] && f=\${f}x
echo "$f"
if [ -n "$3" ] && [ -f "$p" ] && [ -r "$p" ] && { [ -n "$L" ] || [ ! -L "$p" ]; }; then
  "$3" < "$p" || exit 1
else
  echo
fi
if [ -L "$p" ]; then readlink -- "$p"; printf '\\000'; readlink -m -- "$p"; fi
exit 0
`;

const TYPES: Record<number, FileType> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'link',
  0o020000: 'char',
  0o060000: 'block',
  0o010000: 'fifo',
  0o140000: 'socket',
};

/** Reads everything modules need to know about one path on the target, in ONE command. */
export async function readFileState(
  connection: Connection,
  path: string,
  options: FileStateOptions = {},
  signal?: AbortSignal,
): Promise<FileState | FileStateError> {
  const argv = ['sh', '-c', STATE_SCRIPT, 'kbrun-stat', path, options.follow ? 'follow' : 'nofollow', options.checksum ? `${options.checksum}sum` : ''];
  const { rc, stdout, stderr } = await connection.exec(argv, signal ? { signal } : {});
  if (rc !== 0) return { error: stderr.trim() || `cannot read the state of ${path} (rc ${rc})` };
  const [head, linkPart] = splitOnce(stdout, '\0');
  const lines = head.split('\n');
  const parentExists = lines[0] === 'p';
  if (lines[1] === 'absent') return { exists: false, path, parentExists };
  const field = (i: number): string => lines[2 + i] ?? '';
  const rawMode = parseInt(field(0), 16);
  const flags = field(15);
  const digest = field(16).split(/\s+/)[0] ?? '';
  const state: PresentFile = {
    exists: true,
    path,
    parentExists,
    type: TYPES[rawMode & 0o170000] ?? 'file',
    mode: rawMode & 0o7777,
    uid: Number(field(1)),
    gid: Number(field(2)),
    owner: field(3),
    group: field(4),
    size: Number(field(5)),
    mtime: withFraction(field(6), field(7)),
    atime: withFraction(field(8), field(9)),
    ctime: withFraction(field(10), field(11)),
    nlink: Number(field(12)),
    inode: Number(field(13)),
    dev: Number(field(14)),
    readable: flags.includes('r'),
    writeable: flags.includes('w'),
    executable: flags.includes('x'),
  };
  if (digest) state.checksum = digest;
  if (linkPart !== undefined) {
    // readlink's output starts on the line after the digest; each part ends with readlink's newline.
    state.linkTarget = lines.slice(19).join('\n').replace(/\n$/, '');
    state.linkRealpath = linkPart.replace(/\n$/, '');
  }
  return state;
}

/** True when a state read failed. */
export function isStateError(state: FileState | FileStateError): state is FileStateError {
  return 'error' in state;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

// `%Y` gives whole seconds; the human form `%y` carries the nanoseconds.
function withFraction(seconds: string, human: string): number {
  const fraction = /\.(\d+)/.exec(human)?.[1];
  return fraction ? Number(`${seconds}.${fraction}`) : Number(seconds);
}
