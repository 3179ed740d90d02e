import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { KbrunError, writeFileAtomic } from '@kbrun/core';
import type { LabPaths } from './lab-paths.js';
import { lockDirectory } from './dir-lock.js';
import { isAlive } from './processes.js';

/** A lab host's data volume. */
export interface LabVolumeState {
  id: number;
  /** The volume plan's name and size (GB) from the inventory (`volume_name`, `volume_size`). */
  name: string | undefined;
  planGb: number;
  sizeMiB: number;
  image: string;
  loopDevice: string;
  byIdPath: string;
  mountpoint: string | undefined;
}

/** One lab host as the state file records it. */
export interface LabHostState {
  name: string;
  /** Its fleet address (the inventory's ansible_host), inside its own namespace only. */
  address: string;
  namespace: string;
  veth: string;
  /** The nspawn machine name (unique across labs). */
  machine: string;
  /** The overlay root (mounted) and its layers. */
  root: string;
  upper: string;
  work: string;
  /** Bound at /var/lib/docker: a directory of the machine's disk (overlay2 cannot stack on the overlay root). */
  dockerDir: string;
  consoleLog: string;
  volume: LabVolumeState | undefined;
  /** The loopback endpoint of its sshd, and the forwarder serving it. */
  sshPort: number;
  forwarder: { pid: number; start: string };
  /** `created` (never booted), `running`, or how it went down last (`killed`: SIGKILL, as a crash; `poweroff`: a clean shutdown). */
  status: 'created' | 'running' | 'killed' | 'poweroff';
  nspawn: { pid: number; start: string } | undefined;
  leader: { pid: number; start: string } | undefined;
  /** From starting nspawn to sshd answering through the loopback endpoint, at its latest boot. */
  bootMs: number | undefined;
  bootedAt: string | undefined;
}

/** The lab's state file: what `kbrun lab up` built, for the other lab commands and `kbrun --lab`. */
export interface LabState {
  version: 1;
  name: string;
  network: string;
  switchNamespace: string;
  switchAddress: string;
  baseImage: { key: string; root: string };
  repo: { key: string; dir: string; debs: number };
  keyFile: string;
  knownHostsFile: string;
  ansibleInventoryFile: string;
  hosts: Record<string, LabHostState>;
}

/** Reads the lab's state file; undefined when the lab has none. */
export async function readLabState(paths: LabPaths): Promise<LabState | undefined> {
  if (!existsSync(paths.stateFile)) return undefined;
  const state = JSON.parse(await readFile(paths.stateFile, 'utf8')) as LabState;
  if (state.version !== 1) throw new KbrunError('E_LAB', `${paths.stateFile} has state version ${String(state.version)}; this kbrun reads version 1`, { hint: 'kbrun lab down removes the lab' });
  return state;
}

/** Writes the state file atomically (a crash leaves the old or the new one, never half of one). */
export async function writeLabState(paths: LabPaths, state: LabState): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The state a host is in right now: what the state file says, checked against its processes. */
export function hostRunning(host: LabHostState): boolean {
  return host.status === 'running' && host.leader !== undefined && isAlive(host.leader.pid, host.leader.start);
}

/**
 * Takes the lab's lock (a directory holding the owner's PID) for commands that change the lab; a lock whose owner is
 * gone is taken over. Returns the release function.
 */
export async function lockLab(paths: LabPaths): Promise<() => Promise<void>> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  return lockDirectory(paths.lockDir, { waitMs: 300_000, busy: (owner) => `lab '${paths.name}' is busy: kbrun (PID ${owner}) is changing it` });
}
