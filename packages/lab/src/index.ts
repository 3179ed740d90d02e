// @kbrun/lab: `kbrun lab`, a sealed slice of the fleet on one machine: Debian 12 hosts booted with systemd-nspawn,
// each with its fleet address in its own network namespace on a lab network with no route out, reached by the
// controller only through loopback endpoints.

// The lab commands (the CLI's `kbrun lab …`), their options and results.
export {
  labUp,
  labDown,
  labStatus,
  labStop,
  labStart,
  labExec,
  labAccess,
  checkSealing,
  labPrerequisitesMissing,
  type LabOptions,
  type LabUpOptions,
  type LabUpResult,
  type LabHostStatus,
  type LabDownReport,
  type LabAccess,
} from './lab.js';
// Where a lab lives (KBRUN_LAB names one) and the state file `kbrun lab up` writes.
export { labPaths, labLocationFromEnv, DEFAULT_LAB_NAME, type LabPaths, type LabLocation } from './lab-paths.js';
export type { LabState, LabHostState, LabVolumeState } from './lab-state.js';
// The sealing rules, as a pure function of what `ip -j` shows (tests judge broken setups with it).
export { sealingViolations, LAB_NETWORK, SWITCH_ADDRESS, type NamespaceView, type SealingViolation } from './sealing.js';
// The volume scale and ids, and the base image / package list recipes.
export { labVolumeMiB, labVolumeId, volumeByIdPath, LAB_MIB_PER_PLAN_GB, LAB_MIN_VOLUME_MIB } from './volume.js';
export { BASE_RECIPE, baseImageKey } from './base-image.js';
export { LAB_PACKAGES_FILE, parsePackageList } from './package-repo.js';
export { DEFAULT_LAB_INVENTORY } from './select-hosts.js';
