import { join } from 'node:path';
import { KbrunError } from '@kbrun/core';

/** Where labs keep their state (one directory per lab): overlays, volumes, key, state file. */
export const DEFAULT_STATE_ROOT = '/var/lib/kbrun/lab';

/** Where the base image and package repositories are cached, shared by every lab and run on the machine. */
export const DEFAULT_CACHE_ROOT = '/var/cache/kbrun/lab';

/** The lab used when none is named (`KBRUN_LAB`). */
export const DEFAULT_LAB_NAME = 'default';

/** Every network namespace of every lab starts with this; `kbrun-lab.<lab>.` names one lab's. */
export const NAMESPACE_PREFIX = 'kbrun-lab.';

/** Inside a lab host: where the package repository is bind-mounted read-only (the hosts' only apt source). */
export const REPO_MOUNT_POINT = '/var/lib/kbrun-lab/apt-repo';

/** Everything a lab's name decides: its directories and files, and the names of its namespaces. */
export interface LabPaths {
  name: string;
  stateRoot: string;
  cacheRoot: string;
  /** The lab's own directory: everything under it belongs to the lab (mounts, loop files, processes' roots). */
  dir: string;
  stateFile: string;
  /** The lab's SSH key (0600), generated once per lab. */
  keyFile: string;
  /** Host keys of the lab hosts, under their fleet address and their loopback endpoint. */
  knownHostsFile: string;
  /** An Ansible inventory of the lab's loopback endpoints (for ansible-playbook against lab hosts). */
  ansibleInventoryFile: string;
  lockDir: string;
  switchNamespace: string;
  hostDir(host: string): string;
  hostNamespace(host: string): string;
}

/** Options that place a lab: its name and the two roots (tests and CI may move them). */
export interface LabLocation {
  name?: string;
  stateRoot?: string;
  cacheRoot?: string;
}

/** The lab location the environment names: `KBRUN_LAB`, `KBRUN_LAB_STATE_ROOT`, `KBRUN_LAB_CACHE_ROOT`. */
export function labLocationFromEnv(env: NodeJS.ProcessEnv = process.env): LabLocation {
  return {
    ...(env['KBRUN_LAB'] ? { name: env['KBRUN_LAB'] } : {}),
    ...(env['KBRUN_LAB_STATE_ROOT'] ? { stateRoot: env['KBRUN_LAB_STATE_ROOT'] } : {}),
    ...(env['KBRUN_LAB_CACHE_ROOT'] ? { cacheRoot: env['KBRUN_LAB_CACHE_ROOT'] } : {}),
  };
}

/** The paths and names of one lab; the name must be short lower-case letters, digits and dashes. */
export function labPaths(location: LabLocation = {}): LabPaths {
  const name = location.name ?? DEFAULT_LAB_NAME;
  if (!/^[a-z0-9][a-z0-9-]{0,23}$/.test(name)) {
    throw new KbrunError('E_LAB', `lab name ${JSON.stringify(name)} is not usable`, { hint: 'KBRUN_LAB takes 1 to 24 lower-case letters, digits and dashes' });
  }
  const stateRoot = location.stateRoot ?? DEFAULT_STATE_ROOT;
  const dir = join(stateRoot, name);
  const prefix = labNamespacePrefix(name);
  return {
    name,
    stateRoot,
    cacheRoot: location.cacheRoot ?? DEFAULT_CACHE_ROOT,
    dir,
    stateFile: join(dir, 'state.json'),
    keyFile: join(dir, 'lab_ed25519'),
    knownHostsFile: join(dir, 'known_hosts'),
    ansibleInventoryFile: join(dir, 'ansible-inventory.yml'),
    lockDir: join(dir, 'lock'),
    switchNamespace: `${prefix}switch`,
    hostDir: (host) => join(dir, 'hosts', host),
    hostNamespace: (host) => `${prefix}${host}`,
  };
}

/** The prefix of every namespace of the lab `name` (a dot cannot appear in a lab name, so prefixes never overlap). */
export function labNamespacePrefix(name: string): string {
  return `${NAMESPACE_PREFIX}${name}.`;
}
