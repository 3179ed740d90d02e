import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Everything about a directory tree a module could change: type, mode, owner, content or link target per path. */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const info = await lstat(path);
      const key = relative(root, path);
      const head = `${(info.mode & 0o7777).toString(8)} ${info.uid}:${info.gid} ${info.mtimeMs}`;
      if (entry.isSymbolicLink()) out[key] = `link ${head} -> ${await readlink(path)}`;
      else if (entry.isDirectory()) {
        out[key] = `dir ${head}`;
        await walk(path);
      } else out[key] = `file ${head} ${(await readFile(path)).toString('base64')}`;
    }
  }
  await walk(root);
  return out;
}
