import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** How writeFileAtomic creates the file. */
export interface AtomicWriteOptions {
  /** The file's mode: the temporary file is created with it (narrowed by the umask, never wider), then given exactly it. */
  mode?: number;
  /** Flush the data to the disk before the rename (for files a crash must not leave empty). */
  sync?: boolean;
}

/**
 * Writes a file on the controller atomically: a sibling temporary file is written, then renamed over `path`, so
 * readers see the old or the new file, never half of one; the temporary file is removed when anything fails.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, options: AtomicWriteOptions = {}): Promise<void> {
  const { mode } = options;
  const temporary = join(dirname(path), `.${basename(path)}.kbrun-${randomBytes(6).toString('hex')}`);
  const handle = await open(temporary, 'wx', mode === undefined ? 0o666 : mode & 0o777);
  try {
    try {
      await handle.writeFile(data);
      if (mode !== undefined) await handle.chmod(mode);
      if (options.sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
