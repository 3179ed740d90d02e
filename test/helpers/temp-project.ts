import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway directory of YAML files for one test; `cleanup()` removes it. */
export interface TempProject {
  dir: string;
  path(name: string): string;
  write(name: string, text: string): string;
  cleanup(): void;
}

/** Creates a temporary project directory with the given files (name → content). */
export function tempProject(files: Record<string, string> = {}): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'kbrun-test-'));
  const project: TempProject = {
    dir,
    path: (name) => join(dir, name),
    write: (name, text) => {
      const file = join(dir, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [name, text] of Object.entries(files)) project.write(name, text);
  return project;
}
