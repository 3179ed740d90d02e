import { lstatSync, statSync, type Stats } from 'node:fs';
import { arg } from '../params.js';
import { pyStr } from '../py-string.js';
import { typeName } from '../values.js';
import { joinPath } from '../../template/filters/paths.js';
import { alias, ansible, type TestFn, type TestSpec } from './spec.js';

function pathOf(value: unknown, test: string): string {
  if (typeof value !== 'string') throw new TypeError(`the '${test}' test needs a path (text), got ${typeName(value)}`);
  return value;
}

function statOf(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}

const onStat = (test: string, follow: boolean, check: (s: Stats) => boolean): TestFn => (v) => {
  const s = statOf(pathOf(v, test), follow);
  return s !== undefined && check(s);
};

/** Python's os.path.ismount: a directory on another device than its parent, or the root. */
const isMount: TestFn = (v) => {
  const path = pathOf(v, 'mount');
  const self = statOf(path, false);
  if (!self || self.isSymbolicLink() || !self.isDirectory()) return false;
  const parent = statOf(joinPath([path, '..']), false);
  return parent !== undefined && (parent.dev !== self.dev || parent.ino === self.ino);
};

/** Python's os.path.samefile: both paths lead to the same file (an error when one does not exist). */
const sameFile: TestFn = (v, a, k) => {
  const stats = [pathOf(v, 'same_file'), pyStr(arg(a, k, 0, 'path2'))].map((p) => {
    const s = statOf(p, true);
    if (!s) throw new TypeError(`[Errno 2] No such file or directory: '${p}'`);
    return s;
  });
  return stats[0]!.dev === stats[1]!.dev && stats[0]!.ino === stats[1]!.ino;
};

const DIRECTORY = ansible('A directory exists at this path on the controller.', onStat('directory', true, (s) => s.isDirectory()));
const FILE = ansible('A regular file exists at this path on the controller.', onStat('file', true, (s) => s.isFile()));
const LINK = ansible('The path is a symbolic link on the controller.', onStat('link', false, (s) => s.isSymbolicLink()));
const ABS = ansible('The path is absolute.', (v) => pathOf(v, 'abs').startsWith('/'));
const SAME_FILE = ansible('The path and the argument are the same file on the controller.', sameFile);
const MOUNT = ansible('The path is a mount point on the controller.', isMount);

/** Path tests, on the controller's filesystem as in Ansible (they never look at a target). */
export const FILE_TESTS: Readonly<Record<string, TestSpec>> = {
  directory: DIRECTORY,
  is_dir: alias('directory', DIRECTORY),
  file: FILE,
  is_file: alias('file', FILE),
  link: LINK,
  is_link: alias('link', LINK),
  exists: ansible('Something exists at this path on the controller (a broken link does not).', onStat('exists', true, () => true)),
  link_exists: ansible('Something exists at this path on the controller, a broken link included.', onStat('link_exists', false, () => true)),
  abs: ABS,
  is_abs: alias('abs', ABS),
  same_file: SAME_FILE,
  is_same_file: alias('same_file', SAME_FILE),
  mount: MOUNT,
  is_mount: alias('mount', MOUNT),
};
