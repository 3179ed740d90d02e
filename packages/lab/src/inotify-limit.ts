import { readFile, writeFile } from 'node:fs/promises';

const MAX_USER_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';

/**
 * How many inotify instances root may hold on this machine for lab hosts to boot: each host's systemd, journald,
 * udev-less services and sshd take several, and every lab host runs as root, so Linux's default of 128 stops the
 * 13th host or so from booting (systemd fails with "Too many open files").
 */
export const LAB_INOTIFY_INSTANCES = 1024;

/**
 * Raises `fs.inotify.max_user_instances` to what lab hosts need when it is lower (never lowers it), and says what it
 * changed; undefined when nothing had to change.
 */
export async function ensureInotifyInstances(minimum = LAB_INOTIFY_INSTANCES, file = MAX_USER_INSTANCES): Promise<string | undefined> {
  const current = Number((await readFile(file, 'utf8')).trim());
  if (current >= minimum) return undefined;
  await writeFile(file, `${minimum}\n`);
  return `lab: raised fs.inotify.max_user_instances from ${current} to ${minimum} (booted lab hosts share root's inotify instances; the default stops a dozen hosts from booting)`;
}
