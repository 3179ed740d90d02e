// The `mounts` fact from /proc/mounts joined with `df -P` sizes (and filesystem UUIDs from the devices section).
import type { BlockDevice } from './parse-devices.js';

/** One /proc/mounts line, with the kernel's octal escapes (\040 for a space) decoded. */
export interface MountEntry {
  device: string;
  mount: string;
  fstype: string;
  options: string;
  dump: number;
  passno: number;
}

const unescape = (field: string): string => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));

/** Parses /proc/mounts. */
export function parseProcMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    entries.push({
      device: unescape(fields[0]!),
      mount: unescape(fields[1]!),
      fstype: fields[2]!,
      options: fields[3]!,
      dump: Number(fields[4] ?? 0) || 0,
      passno: Number(fields[5] ?? 0) || 0,
    });
  }
  return entries;
}

/** Sizes of one mounted filesystem, in bytes. */
export interface FilesystemSize {
  total: number;
  available: number;
}

/** Parses `df -P` output (the header's `N-blocks` gives the unit: 1 with -B1, 1024 with -k): mount point → sizes. */
export function parseDf(text: string): Map<string, FilesystemSize> {
  const sizes = new Map<string, FilesystemSize>();
  let unit = 1024;
  for (const line of text.split('\n')) {
    const header = /^Filesystem\s+(\d+)-blocks/i.exec(line);
    if (header) {
      unit = Number(header[1]);
      continue;
    }
    const match = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+%|-)\s+(\/.*)$/.exec(line);
    if (match) sizes.set(match[6]!, { total: Number(match[2]) * unit, available: Number(match[4]) * unit });
  }
  return sizes;
}

/**
 * Whether Ansible lists a mount: its device is a path (`/dev/sda1`, `//server/share`) or remote (`host:/export`).
 * kbrun also keeps an overlay mounted at `/` (a container's root), which Ansible leaves out; proc, sysfs,
 * cgroup, tmpfs, devtmpfs and other pseudo filesystems are left out, as in Ansible.
 */
export function isRealMount(entry: MountEntry): boolean {
  if (entry.fstype === 'overlay' && entry.mount === '/') return true;
  if (entry.fstype === 'none') return false;
  return entry.device.startsWith('/') || entry.device.startsWith('\\') || entry.device.includes(':/');
}

/** Ansible's `mounts`: [{mount, device, fstype, options, dump, passno, size_total, size_available, uuid}]; sizes are omitted where df gave none. */
export function mountFacts(procMounts: string, df = '', devices: readonly BlockDevice[] = []): Record<string, unknown>[] {
  const sizes = parseDf(df);
  const uuids = new Map<string, string>();
  for (const device of devices) {
    if (!device.uuid) continue;
    uuids.set(device.kname, device.uuid);
    uuids.set(device.name, device.uuid);
  }
  return parseProcMounts(procMounts)
    .filter(isRealMount)
    .map((entry) => {
      const size = sizes.get(entry.mount);
      const base = entry.device.replace(/^\/dev\/(mapper\/)?/, '');
      return {
        mount: entry.mount,
        device: entry.device,
        fstype: entry.fstype,
        options: entry.options,
        dump: entry.dump,
        passno: entry.passno,
        ...(size ? { size_total: size.total, size_available: size.available } : {}),
        uuid: (entry.device.startsWith('/dev/') && uuids.get(base)) || 'N/A',
      };
    });
}
