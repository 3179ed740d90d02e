import { readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { datetimeFromEpoch } from '../expr/py-date-values.js';

/** The user name of a uid (from /etc/passwd), or the uid as text when it has none. */
function userName(uid: number): string {
  if (uid === process.getuid?.()) return userInfo().username;
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid));
    if (line) return line.split(':')[0]!;
  } catch {
    // no passwd file: the uid it is
  }
  return String(uid);
}

/**
 * The variables Ansible gives a template file: `template_host`, `template_path` (as written), `template_fullpath`,
 * `template_uid` (the file's owner), `template_mtime`, `template_run_date`, `template_destpath` and `ansible_managed`.
 */
export function templateFileVars(path: string, fullPath: string, destPath?: string): Record<string, unknown> {
  const info = statSync(fullPath);
  return {
    template_host: hostname(),
    template_path: path,
    template_fullpath: resolve(fullPath),
    template_uid: userName(info.uid),
    template_mtime: datetimeFromEpoch(info.mtimeMs / 1000, false),
    template_run_date: datetimeFromEpoch(Date.now() / 1000, false),
    template_destpath: destPath ?? null,
    ansible_managed: 'Ansible managed',
  };
}
