import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { KbrunError } from '../errors/kbrun-error.js';

/** Where a controller-side file is looked for, in Ansible's order (its DataLoader.path_dwim_relative_stack). */
function candidates(bases: readonly string[], kind: string, path: string): string[] {
  const out: string[] = [];
  for (const base of bases) {
    // `src: files/x` already names the subdirectory: not files/files/x.
    if (path.split('/')[0] !== kind) out.push(join(base, kind, path));
    out.push(join(base, path));
  }
  return out;
}

/**
 * Locates a controller-side file: absolute (or `~/…`) as given; else in each base directory (the role first, then
 * the task file's directory, then the playbook's), as `<base>/<kind>/<path>` and then `<base>/<path>`. Undefined when absent.
 */
export function locateControllerFile(bases: readonly string[], kind: string, path: string): string | undefined {
  if (path === '~' || path.startsWith('~/')) return locateControllerFile(bases, kind, join(homedir(), path.slice(1)));
  if (isAbsolute(path)) return existsSync(path) ? path : undefined;
  return candidates(bases, kind, path).find((candidate) => existsSync(candidate));
}

/** Like locateControllerFile, but a missing file is an E_FILE_NOT_FOUND error naming where it was looked for. */
export function findControllerFile(bases: readonly string[], kind: 'files' | 'templates' | 'vars', path: string): string {
  const found = locateControllerFile(bases, kind, path);
  if (found !== undefined) return found;
  const looked = isAbsolute(path) ? path : [...new Set(bases)].map((b) => join(b, kind)).join(', ');
  throw new KbrunError('E_FILE_NOT_FOUND', `could not find '${path}' (looked in ${looked})`, { hint: `put the file in ${kind}/ beside the playbook (or the role) or give an absolute path` });
}
