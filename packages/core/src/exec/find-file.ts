import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { KbrunError } from '../errors/kbrun-error.js';

/**
 * Finds a controller-side file: absolute as given; else in each base directory (the role first, then the
 * task file's directory, then the playbook's), as `<base>/<kind>/<path>` and then `<base>/<path>`.
 */
export function findControllerFile(bases: readonly string[], kind: 'files' | 'templates' | 'vars', path: string): string {
  if (isAbsolute(path)) {
    if (existsSync(path)) return path;
  } else {
    for (const base of bases) for (const candidate of [join(base, kind, path), join(base, path)]) if (existsSync(candidate)) return candidate;
  }
  const looked = isAbsolute(path) ? path : [...new Set(bases)].map((b) => join(b, kind)).join(', ');
  throw new KbrunError('E_FILE_NOT_FOUND', `could not find '${path}' (looked in ${looked})`, { hint: `put the file in ${kind}/ beside the playbook (or the role) or give an absolute path` });
}
