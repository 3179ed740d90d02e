import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { KbrunError } from '@kbrun/core';
import { DEFAULT_MIRROR, removeStaleBuilds, type BaseImage } from './base-image.js';
import { runChecked, runCommand } from './run-command.js';

/** The package list of the lab's repository: one Debian package per line, `#` comments (packages/lab/lab-packages.txt). */
export const LAB_PACKAGES_FILE = fileURLToPath(new URL('../lab-packages.txt', import.meta.url));

/** Reads a package list: names, one per line, comments and blank lines ignored, sorted and unique. */
export function parsePackageList(text: string): string[] {
  const names = text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
  for (const name of names) if (!/^[a-z0-9][a-z0-9+.-]+$/.test(name)) throw new KbrunError('E_LAB', `lab package list: ${JSON.stringify(name)} is not a Debian package name`);
  return [...new Set(names)].sort();
}

/** The cache key of a repository: the base it was resolved against and its package list. */
export function packageRepoKey(base: Pick<BaseImage, 'key'>, packages: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify({ base: base.key, packages, format: 1 })).digest('hex').slice(0, 12);
}

/** A local repository: a flat apt repository (`Packages`, `Release`, the .deb files) and how many packages it holds. */
export interface PackageRepo {
  key: string;
  dir: string;
  debs: number;
  builtNowMs: number | undefined;
}

/**
 * The local package repository for the list, fetched once on the controller side and cached under
 * `cacheRoot/repo-<key>`: the list's packages and every dependency the base lacks are downloaded by apt inside a
 * throwaway overlay of the base (on the machine's own network), then indexed with apt-ftparchive in that overlay.
 */
export async function ensurePackageRepo(cacheRoot: string, base: BaseImage, options: { packagesFile?: string; mirror?: string; print?: (line: string) => void } = {}): Promise<PackageRepo> {
  const packages = parsePackageList(await readFile(options.packagesFile ?? LAB_PACKAGES_FILE, 'utf8'));
  const key = packageRepoKey(base, packages);
  const dir = join(cacheRoot, `repo-${key}`);
  if (existsSync(join(dir, 'Release'))) return { key, dir, debs: await countDebs(dir), builtNowMs: undefined };
  await removeStaleBuilds(cacheRoot, `repo-${key}.build-`);
  const work = `${dir}.build-${process.pid}`;
  const merged = join(work, 'merged');
  const started = Date.now();
  options.print?.(`lab: fetching ${packages.length} packages and their dependencies into the lab's repository ${dir} (once per package list)`);
  await mkdir(join(work, 'upper'), { recursive: true });
  await mkdir(join(work, 'work'), { recursive: true });
  await mkdir(merged, { recursive: true });
  await runChecked('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base.root},upperdir=${join(work, 'upper')},workdir=${join(work, 'work')}`, merged]);
  try {
    const mirror = options.mirror ?? DEFAULT_MIRROR;
    await writeFile(join(merged, 'etc/apt/sources.list'), `deb ${mirror} bookworm main\ndeb ${mirror} bookworm-updates main\n`);
    await copyFile('/etc/resolv.conf', join(merged, 'etc/resolv.conf')).catch(() => undefined);
    const apt = (...args: string[]) => runChecked('chroot', [merged, 'apt-get', '-q', '-y', ...args], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 30 * 60_000 });
    await apt('update');
    // One package at a time: alternatives in the list (chrony and systemd-timesyncd, say) conflict with each other.
    for (const name of packages) {
      try {
        await apt('install', '--download-only', name);
      } catch (error) {
        throw new KbrunError('E_LAB', `the lab's package list names ${name}, which apt cannot fetch for Debian 12: ${(error as Error).message}`, { hint: `fix ${options.packagesFile ?? LAB_PACKAGES_FILE}` });
      }
    }
    // Index in the overlay too (apt-utils there, not on the machine), in a directory of its own.
    await apt('install', 'apt-utils');
    const archives = join(merged, 'var/cache/apt/archives');
    const staged = join(merged, 'kbrun-repo');
    await mkdir(staged);
    const debs = (await readdir(archives)).filter((f) => f.endsWith('.deb'));
    for (const deb of debs) await rename(join(archives, deb), join(staged, deb));
    const index = await runChecked('chroot', [merged, 'env', '--chdir=/kbrun-repo', 'apt-ftparchive', 'packages', '.']);
    await writeFile(join(staged, 'Packages'), index.stdout);
    const release = await runChecked('chroot', [merged, 'env', '--chdir=/kbrun-repo', 'apt-ftparchive', '-o', 'APT::FTPArchive::Release::Origin=kbrun-lab', 'release', '.']);
    await writeFile(join(staged, 'Release'), release.stdout);
    await writeFile(join(staged, 'kbrun-lab-packages.txt'), `${packages.join('\n')}\n`);
    // What was written in the overlay is in its upper layer, on the cache's file system: moved into place from there.
    await runChecked('umount', [merged]);
    await rm(dir, { recursive: true, force: true });
    await rename(join(work, 'upper', 'kbrun-repo'), dir);
    return { key, dir, debs: debs.length, builtNowMs: Date.now() - started };
  } finally {
    if (await isMountPoint(merged)) await runCommand('umount', [merged]);
    if (!(await isMountPoint(merged))) await rm(work, { recursive: true, force: true });
  }
}

async function countDebs(dir: string): Promise<number> {
  return (await readdir(dir)).filter((f) => f.endsWith('.deb')).length;
}

/** Whether `path` is a mount point right now (checked before removing a directory tree). */
export async function isMountPoint(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => line.split(' ')[4] === path);
}
