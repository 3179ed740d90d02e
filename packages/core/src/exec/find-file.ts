import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { KbrunError } from '../errors/kbrun-error.js';

/** Finds a controller-side file: absolute as given, else `<playbook dir>/<kind>/<path>`, then `<playbook dir>/<path>`. */
export function findControllerFile(playbookDirectory: string, kind: 'files' | 'templates' | 'vars', path: string): string {
  if (isAbsolute(path)) {
    if (existsSync(path)) return path;
  } else {
    for (const candidate of [join(playbookDirectory, kind, path), join(playbookDirectory, path)]) if (existsSync(candidate)) return candidate;
  }
  throw new KbrunError('E_FILE_NOT_FOUND', `could not find '${path}' (looked in ${isAbsolute(path) ? path : `${join(playbookDirectory, kind)}/ and ${playbookDirectory}/`})`, {
    hint: `put the file in ${kind}/ beside the playbook or give an absolute path`,
  });
}
