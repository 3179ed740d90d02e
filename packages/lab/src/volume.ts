import { open } from 'node:fs/promises';
import { KbrunError } from '@kbrun/core';
import { runChecked, runCommand } from './run-command.js';
import { ipv4ToNumber } from './sealing.js';

/** The lab's volume scale: 1 GB of the volume plan is 16 MiB in the lab (the image is sparse). */
export const LAB_MIB_PER_PLAN_GB = 16;

/** The smallest lab volume: XFS refuses filesystems under 300 MB. */
export const LAB_MIN_VOLUME_MIB = 512;

/** The size of a lab volume for a plan size in GB: 16 MiB per GB, at least 512 MiB (20 GB → 512 MiB, 100 GB → 1600 MiB). */
export function labVolumeMiB(planGb: number): number {
  return Math.max(LAB_MIN_VOLUME_MIB, Math.ceil(planGb * LAB_MIB_PER_PLAN_GB));
}

/**
 * A host's lab volume id, deterministic from its fleet address 10.0.c.d: 100000000 + c·256 + d
 * (10.0.0.120 → 100000120), so the by-id path is the same in every lab run.
 */
export function labVolumeId(address: string): number {
  const n = ipv4ToNumber(address);
  if (n === undefined) throw new KbrunError('E_LAB', `${address} is not an IPv4 address`);
  return 100_000_000 + (n % 65536);
}

/** The path Hetzner gives a volume inside a server. */
export function volumeByIdPath(id: number): string {
  return `/dev/disk/by-id/scsi-0HC_Volume_${id}`;
}

/** Creates the sparse image (unless it exists) and attaches it to a free loop device (unless attached); returns the device. */
export async function attachVolume(image: string, sizeMiB: number): Promise<string> {
  const file = await open(image, 'a');
  try {
    const { size } = await file.stat();
    if (size === 0) await file.truncate(sizeMiB * 1024 * 1024);
  } finally {
    await file.close();
  }
  // A device attached to it already (a run interrupted before it wrote its state) is reused.
  const attached = (await listLoopDevices()).find((l) => l.backingFile === image);
  if (attached) return attached.device;
  const result = await runChecked('losetup', ['--find', '--show', image]);
  return result.stdout.trim();
}

/** The loop devices attached right now, with their backing files. */
export async function listLoopDevices(): Promise<Array<{ device: string; backingFile: string }>> {
  const result = await runCommand('losetup', ['--json', '--list']);
  if (result.exitCode !== 0 || result.stdout.trim() === '') return [];
  const parsed = JSON.parse(result.stdout) as { loopdevices?: Array<{ name: string; 'back-file'?: string | null }> };
  return (parsed.loopdevices ?? []).map((l) => ({ device: l.name, backingFile: (l['back-file'] ?? '').replace(/ \(deleted\)$/, '') }));
}

/** Detaches a loop device. */
export async function detachLoopDevice(device: string): Promise<void> {
  await runCommand('losetup', ['--detach', device]);
}
