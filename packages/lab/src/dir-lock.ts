import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { KbrunError } from '@kbrun/core';
import { isAlive } from './processes.js';

/**
 * Takes an exclusive lock between kbrun processes on this machine: a directory holding the owner's PID, created
 * atomically; a lock whose owner is gone (a crashed run) is taken over. Resolves to the function that releases it.
 */
export async function lockDirectory(lockDir: string, options: { busy: (ownerPid: number) => string; waitMs: number }): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(`${lockDir}/pid`, String(process.pid));
      return async () => {
        await rm(lockDir, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(`${lockDir}/pid`, 'utf8').catch(() => '0'));
      // A lock without its PID yet is being taken right now, unless it is old.
      const fresh = !owner && Date.now() - ((await stat(lockDir).catch(() => undefined))?.mtimeMs ?? 0) < 10_000;
      if (!fresh && (!owner || !isAlive(owner, undefined))) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new KbrunError('E_LAB', options.busy(owner), { hint: 'wait for it to finish' });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
