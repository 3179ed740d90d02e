// The `devices` fact from `lsblk -P` (or the script's /sys/block stand-in in the same KEY="value" shape).

/** One block device line. */
export interface BlockDevice {
  /** The kernel name (`sda1`, `dm-0`): the key Ansible uses, as in /sys/block. */
  kname: string;
  /** lsblk's name (`vg-root` for a device-mapper volume); the kernel name when unknown. */
  name: string;
  /** The parent's kernel name (a partition's disk). */
  pkname: string;
  /** `disk`, `part`, `lvm`, `rom`, `loop`, … */
  type: string;
  bytes: number;
  model: string;
  uuid: string;
}

/** Parses `KEY="value"` pairs of one lsblk -P line (values escape bytes as \xHH). */
export function parsePairs(line: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const match of line.matchAll(/([A-Z][A-Z0-9_:-]*)="((?:[^"\\]|\\.)*)"/g)) {
    pairs[match[1]!] = match[2]!.replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_, hex: string | undefined, char: string | undefined) =>
      hex ? String.fromCharCode(Number.parseInt(hex, 16)) : char!,
    );
  }
  return pairs;
}

/** The block devices listed by the `devices` section (SIZE in bytes, or SECTORS of 512 bytes from sysfs). */
export function parseBlockDevices(text: string): BlockDevice[] {
  const devices: BlockDevice[] = [];
  for (const line of text.split('\n')) {
    const pairs = parsePairs(line);
    const kname = pairs['KNAME'] || pairs['NAME'];
    if (!kname) continue;
    const bytes = pairs['SIZE'] !== undefined ? Number(pairs['SIZE']) : Number(pairs['SECTORS'] ?? 0) * 512;
    devices.push({
      kname,
      name: pairs['NAME'] || kname,
      pkname: pairs['PKNAME'] ?? '',
      type: pairs['TYPE'] ?? '',
      bytes: Number.isFinite(bytes) ? bytes : 0,
      model: (pairs['MODEL'] ?? '').trim(),
      uuid: pairs['UUID'] ?? '',
    });
  }
  return devices;
}

const UNITS = ['Bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** A byte count as Ansible's bytes_to_human prints it: `40.00 GB`, `512.00 Bytes` (powers of 1024). */
export function bytesToHuman(bytes: number): string {
  let unit = 0;
  while (unit < UNITS.length - 1 && bytes >= 1024 ** (unit + 1)) unit++;
  return `${(bytes / 1024 ** unit).toFixed(2)} ${UNITS[unit]}`;
}

/**
 * Ansible's `devices`: kernel name → {model, sectors, size, partitions: {name → {sectors, size, uuid}}}.
 * Partitions sit under their disk; every other device (disk, lvm, crypt, rom, loop, raid) is a key of its own,
 * once, as in /sys/block. `sectors` are 512-byte units as strings, `model` is null when unknown (as in Ansible).
 */
export function deviceFacts(devices: readonly BlockDevice[]): Record<string, unknown> {
  const out: Record<string, { model: string | null; sectors: string; size: string; partitions: Record<string, unknown> }> = {};
  for (const device of devices) {
    if (device.type === 'part' || out[device.kname]) continue;
    out[device.kname] = { model: device.model || null, sectors: String(Math.floor(device.bytes / 512)), size: bytesToHuman(device.bytes), partitions: {} };
  }
  for (const device of devices) {
    const parent = out[device.pkname];
    if (device.type !== 'part' || !parent) continue;
    parent.partitions[device.kname] = { sectors: String(Math.floor(device.bytes / 512)), size: bytesToHuman(device.bytes), uuid: device.uuid || null };
  }
  return out;
}
