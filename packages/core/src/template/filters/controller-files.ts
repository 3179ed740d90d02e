import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import { arg } from '../../expr/params.js';
import { pyStr } from '../../expr/py-string.js';
import { isRegularFile, pyGlob } from '../../util/py-glob.js';
import { joinPath, splitPath } from './paths.js';
import { ansible, type FilterSpec } from './spec.js';

/** Python posixpath.normpath: `.` and `..` resolved in the text, slashes collapsed (two leading ones kept). */
function normPath(p: string): string {
  if (p === '') return '.';
  const lead = p.startsWith('//') && !p.startsWith('///') ? '//' : p.startsWith('/') ? '/' : '';
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (!lead && out.length === 0) || out[out.length - 1] === '..') out.push(part);
    else if (out.length > 0) out.pop();
  }
  return lead + out.join('/') || '.';
}

/** Python os.path.abspath: relative to the controller's working directory, normalized. */
function absPath(p: string): string {
  return normPath(p.startsWith('/') ? p : joinPath([process.cwd(), p]));
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Python os.path.realpath (not strict): symbolic links resolved as far as they exist, the rest kept as written. */
function realPath(p: string): string {
  const seen = new Map<string, string | null>();
  const walk = (base: string, rest: string): [string, boolean] => {
    let path = base;
    if (rest.startsWith('/')) path = '/';
    const parts = rest.split('/');
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      if (name === '' || name === '.') continue;
      if (name === '..') {
        if (path === '') path = '..';
        else {
          const [head, tail] = splitPath(path);
          path = tail === '..' ? joinPath([head, '..', '..']) : head;
        }
        continue;
      }
      const next = joinPath([path, name]);
      if (!isSymlink(next)) {
        path = next;
        continue;
      }
      const known = seen.get(next);
      if (known !== undefined) {
        if (known !== null) {
          path = known;
          continue;
        }
        return [joinPath([next, ...parts.slice(i + 1)]), false];
      }
      seen.set(next, null);
      const [resolved, ok] = walk(path, readlinkSync(next, 'utf8'));
      if (!ok) return [joinPath([resolved, ...parts.slice(i + 1)]), false];
      seen.set(next, resolved);
      path = resolved;
    }
    return [path, true];
  };
  return absPath(walk('', p)[0]);
}

/** Python os.path.relpath(path, start). */
function relPath(p: string, start: string): string {
  if (p === '') throw new TypeError('no path specified');
  const from = absPath(start).split('/').filter(Boolean);
  const to = absPath(p).split('/').filter(Boolean);
  let common = 0;
  while (common < from.length && common < to.length && from[common] === to[common]) common++;
  const parts = [...Array<string>(from.length - common).fill('..'), ...to.slice(common)];
  return parts.length ? joinPath(parts) : '.';
}

/** The home directory of `user` from /etc/passwd; undefined when there is no such user. */
function homeOf(user: string): string | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.split(':')[0] === user);
    return line?.split(':')[5];
  } catch {
    return undefined;
  }
}

/** Python os.path.expanduser: `~` is $HOME, `~user` that user's home; unchanged when unknown. */
function expandUser(p: string): string {
  if (!p.startsWith('~')) return p;
  const end = p.indexOf('/', 1) < 0 ? p.length : p.indexOf('/', 1);
  const home = end === 1 ? (process.env['HOME'] ?? userInfo().homedir) : homeOf(p.slice(1, end));
  if (home === undefined) return p;
  return home.replace(/\/+$/, '') + p.slice(end) || '/';
}

/** Python os.path.expandvars: `$NAME` and `${NAME}` of the controller's environment; unknown ones left as written. */
function expandVars(p: string): string {
  return p.replace(/\$(\w+|\{[^}]*\})/g, (whole, ref: string) => {
    const name = ref.startsWith('{') ? ref.slice(1, -1) : ref;
    return Object.hasOwn(process.env, name) ? process.env[name]! : whole;
  });
}

/** Path filters that read the controller's filesystem or environment, as in Ansible (they never look at a target). */
export const CONTROLLER_PATH_FILTERS: Readonly<Record<string, FilterSpec>> = {
  realpath: ansible('The canonical path on the controller, symbolic links resolved.', (v) => realPath(pyStr(v))),
  relpath: ansible("The path relative to `start` (the controller's working directory by default).", (v, a, k) => relPath(pyStr(v), pyStr(arg(a, k, 0, 'start', '.')))),
  expanduser: ansible("`~` and `~user` replaced by the home directory, on the controller.", (v) => expandUser(pyStr(v))),
  expandvars: ansible("`$NAME` and `${NAME}` replaced from the controller's environment (unknown ones kept).", (v) => expandVars(pyStr(v))),
  fileglob: ansible('The regular files on the controller matching a shell pattern, sorted.', (v) => pyGlob(pyStr(v)).filter(isRegularFile)),
};
