import { pyStr } from '../../expr/py-string.js';
import { pyTuple } from '../../expr/py-tuple.js';
import { typeName } from '../../expr/values.js';
import { ansible, type FilterSpec } from './spec.js';

/** Python posixpath.split: (head, tail) around the last slash, the head without its trailing slashes (unless all slashes). */
export function splitPath(p: string): [string, string] {
  let head = p.slice(0, p.lastIndexOf('/') + 1);
  if (head !== '' && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return [head, p.slice(p.lastIndexOf('/') + 1)];
}

/** Python posixpath.join: an absolute part restarts the path. */
export function joinPath(parts: readonly string[]): string {
  let out = parts[0] ?? '';
  for (const part of parts.slice(1)) {
    if (part.startsWith('/')) out = part;
    else if (out === '' || out.endsWith('/')) out += part;
    else out += `/${part}`;
  }
  return out;
}

/** Python posixpath.splitext: the extension is the last dot's part, unless the name is only dots before it. */
function splitext(p: string): [string, string] {
  const base = p.lastIndexOf('/') + 1;
  const dot = p.lastIndexOf('.');
  if (dot > base && /[^.]/.test(p.slice(base, dot))) return [p.slice(0, dot), p.slice(dot)];
  return [p, ''];
}

/** Python 3.11's ntpath.splitdrive: `C:`, or a UNC `\\\\server\\share` prefix up to its second separator, and the rest. */
function splitDrive(p: string): [string, string] {
  if (p.length < 2) return ['', p];
  const normal = p.replace(/\//g, '\\');
  if (normal.startsWith('\\\\')) {
    const server = normal.indexOf('\\', normal.slice(0, 8).toUpperCase() === '\\\\?\\UNC\\' ? 8 : 2);
    const share = server < 0 ? -1 : normal.indexOf('\\', server + 1);
    return share < 0 ? [p, ''] : [p.slice(0, share), p.slice(share)];
  }
  return normal[1] === ':' ? [p.slice(0, 2), p.slice(2)] : ['', p];
}

/** Python ntpath.split: (head, tail) around the last slash or backslash, after the drive. */
function splitWindows(p: string): [string, string] {
  const [drive, rest] = splitDrive(p);
  let i = rest.length;
  while (i > 0 && !'/\\'.includes(rest[i - 1]!)) i--;
  const head = rest.slice(0, i);
  const trimmed = head.replace(/[/\\]+$/, '');
  return [drive + (trimmed || head), rest.slice(i)];
}

/** Path filters that only read the text (POSIX paths, and Windows ones for the win_ filters). */
export const PATH_FILTERS: Readonly<Record<string, FilterSpec>> = {
  basename: ansible('The last component of a path.', (v) => splitPath(pyStr(v))[1]),
  dirname: ansible('A path without its last component.', (v) => splitPath(pyStr(v))[0]),
  path_join: ansible('A list of path parts joined with `/` (an absolute part restarts the path).', (v) => {
    if (typeof v === 'string') return v;
    if (!Array.isArray(v)) throw new TypeError(`|path_join expects string or sequence, got ${typeName(v)} instead.`);
    return joinPath(v.map(pyStr));
  }),
  splitext: ansible('(root, extension) of a path: `a/b.tar.gz` gives (`a/b.tar`, `.gz`).', (v) => pyTuple(splitext(pyStr(v)))),
  win_basename: ansible('The last component of a Windows path.', (v) => splitWindows(pyStr(v))[1]),
  win_dirname: ansible('A Windows path without its last component.', (v) => splitWindows(pyStr(v))[0]),
  win_splitdrive: ansible('(drive, rest) of a Windows path: `C:\\x` gives (`C:`, `\\x`).', (v) => pyTuple(splitDrive(pyStr(v)))),
};
