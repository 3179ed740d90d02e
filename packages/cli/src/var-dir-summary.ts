// After a run: where its logs and reports went — the files under the var directory written during the run.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Files under `dir` modified at or after `since` (epoch ms), as paths relative to `dir`, sorted. */
export function filesWrittenSince(dir: string, since: number): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).mtimeMs >= since) found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * The lines printed after the recap: one per directory, its files named (the first and last of more than three),
 * e.g. `  logs/phase1/  batch-1-complete.log … batch-10-complete.log (10 files)`. Nothing when nothing was written.
 */
export function varDirSummary(dir: string, shownAs: string, since: number): string {
  const files = filesWrittenSince(dir, since);
  if (files.length === 0) return '';
  const byDirectory = new Map<string, string[]>();
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    const directory = slash < 0 ? '' : file.slice(0, slash + 1);
    byDirectory.set(directory, [...(byDirectory.get(directory) ?? []), file.slice(slash + 1)]);
  }
  const lines = [...byDirectory].map(([directory, names]) => {
    const listed = names.length <= 3 ? names.join(', ') : `${names[0]} … ${names.at(-1)} (${names.length} files)`;
    return `  ${directory || './'}  ${listed}`;
  });
  return `Written under ${shownAs}:\n${lines.join('\n')}\n`;
}
