import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KbrunError } from '@kbrun/core';
import { REPO_MOUNT_POINT } from './lab-paths.js';
import { runChecked } from './run-command.js';

/** The Debian mirror debootstrap and the package fetch use (`KBRUN_LAB_MIRROR` overrides; not part of the cache key). */
export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

/**
 * The recipe of the lab hosts' root: Debian 12 minbase with systemd, sshd and what every role's first tasks expect
 * (python3 so ansible-playbook can target lab hosts too). Everything else comes from the lab's package repository.
 * Changing anything here changes the cache key, so a machine builds the new base once.
 */
export const BASE_RECIPE = {
  suite: 'bookworm',
  variant: 'minbase',
  include: ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'iproute2', 'sudo', 'ca-certificates', 'xfsprogs', 'python3', 'procps', 'iputils-ping', 'less'],
  /** Bumped when `customise` changes what it writes. */
  customisation: 2,
} as const;

/** The cache key of the base image: a hash of its recipe. */
export function baseImageKey(): string {
  return createHash('sha256').update(JSON.stringify(BASE_RECIPE)).digest('hex').slice(0, 12);
}

/** A built base image: its root directory and whether this call built it (with how long it took). */
export interface BaseImage {
  key: string;
  root: string;
  builtNowMs: number | undefined;
}

/**
 * The base image for this recipe, built once per machine under `cacheRoot/base-<key>` and reused: a build goes into
 * a temporary directory renamed into place at the end, so an interrupted build never leaves a half image in the cache.
 */
export async function ensureBaseImage(cacheRoot: string, options: { mirror?: string; print?: (line: string) => void } = {}): Promise<BaseImage> {
  const key = baseImageKey();
  const root = join(cacheRoot, `base-${key}`);
  if (existsSync(join(root, 'etc', 'kbrun-lab-base'))) return { key, root, builtNowMs: undefined };
  await mkdir(cacheRoot, { recursive: true });
  await removeStaleBuilds(cacheRoot, `base-${key}.build-`);
  const building = `${root}.build-${process.pid}`;
  const started = Date.now();
  options.print?.(`lab: building the Debian 12 base image (debootstrap, about 90 s, once per machine) in ${root}`);
  try {
    await runChecked('debootstrap', [`--variant=${BASE_RECIPE.variant}`, `--include=${BASE_RECIPE.include.join(',')}`, BASE_RECIPE.suite, building, options.mirror ?? DEFAULT_MIRROR], { timeoutMs: 30 * 60_000 });
    await customise(building, key);
    try {
      await rename(building, root);
    } catch (error) {
      // Another run built it at the same time: keep theirs.
      if (!existsSync(join(root, 'etc', 'kbrun-lab-base'))) throw error;
      await rm(building, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error instanceof KbrunError ? new KbrunError('E_LAB', `building the lab's base image failed: ${error.message}`, { hint: 'the machine must reach the Debian mirror (KBRUN_LAB_MIRROR) for the first build' }) : error;
  }
  return { key, root, builtNowMs: Date.now() - started };
}

/** Removes `prefix<pid>` directories left by builds whose process is gone. */
export async function removeStaleBuilds(dir: string, prefix: string): Promise<void> {
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
    if (Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`)) continue;
    // A crashed build may have left its overlay mounted: unmount before removing anything (never delete through a mount).
    const stale = join(dir, entry);
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m === stale || m.startsWith(`${stale}/`));
    for (const mount of mounts.sort((a, b) => b.length - a.length)) await runChecked('umount', [mount]);
    await rm(stale, { recursive: true, force: true });
  }
}

const FSTAB_UNIT = 'kbrun-lab-fstab.service';
const FSTAB_UNIT_TEXT = `[Unit]
Description=kbrun lab: mount fstab's disk file systems (systemd's fstab generator skips block devices in a container)
DefaultDependencies=no
After=local-fs-pre.target systemd-remount-fs.service
Before=local-fs.target
ConditionPathExists=/etc/fstab

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/mount -a -t xfs,ext4,ext3,ext2,btrfs

[Install]
WantedBy=local-fs.target
`;

/** What the lab changes in the debootstrapped root, for every host alike. */
async function customise(root: string, key: string): Promise<void> {
  const at = (path: string) => join(root, path);
  // Host keys are each host's own: generated per host before its first boot (and recorded in the lab's known_hosts).
  for (const name of await readdir(at('etc/ssh'))) if (name.startsWith('ssh_host_')) await unlink(at(`etc/ssh/${name}`));
  // The local repository is the hosts' only package source (no route out); nothing else is tried.
  await writeFile(at('etc/apt/sources.list'), `# kbrun lab: the lab's local package repository, bind-mounted read-only (no route out)\ndeb [trusted=yes] file:${REPO_MOUNT_POINT} ./\n`);
  await rm(at('etc/apt/sources.list.d'), { recursive: true, force: true });
  await mkdir(at('etc/apt/sources.list.d'), { recursive: true });
  await writeFile(at('etc/apt/apt.conf.d/90kbrun-lab'), 'Acquire::Languages "none";\nAPT::Periodic::Enable "0";\n');
  await mkdir(at(REPO_MOUNT_POINT), { recursive: true });
  // No DNS in a sealed network: an empty resolver list until a role sets one.
  await rm(at('etc/resolv.conf'), { force: true });
  await writeFile(at('etc/resolv.conf'), '# kbrun lab: no resolver (the lab network has no route out)\n');
  // Timers that would only try the network.
  for (const unit of ['apt-daily.timer', 'apt-daily-upgrade.timer']) {
    await rm(at(`etc/systemd/system/${unit}`), { force: true });
    await symlink('/dev/null', at(`etc/systemd/system/${unit}`));
  }
  // A server mounts its volume from fstab at boot; systemd's fstab generator skips block devices inside a container,
  // so a unit mounts fstab's disk file systems at the same point of the boot (before local-fs.target).
  await writeFile(at(`etc/systemd/system/${FSTAB_UNIT}`), FSTAB_UNIT_TEXT);
  await mkdir(at('etc/systemd/system/local-fs.target.wants'), { recursive: true });
  await symlink(`/etc/systemd/system/${FSTAB_UNIT}`, at(`etc/systemd/system/local-fs.target.wants/${FSTAB_UNIT}`));
  // Each host gets its own machine id (written before its first boot).
  await writeFile(at('etc/machine-id'), '');
  await rm(at('var/lib/apt/lists'), { recursive: true, force: true });
  await mkdir(at('var/lib/apt/lists/partial'), { recursive: true });
  await runChecked('chroot', [root, 'apt-get', 'clean']);
  await writeFile(at('etc/kbrun-lab-base'), `kbrun lab base image ${key}: ${JSON.stringify(BASE_RECIPE)}\nbuilt ${new Date().toISOString()}\n`);
}
