// @kbrun/fleet: the KeyBuzz v3 fleet — from servers_v3.tsv (parsed by @kbrun/fleet-data) to the inventory, the rebuild order, the volume plan and their checks.

export { FLEET_EXPECTATIONS, FLEET_SSH_KEY, REBUILD_BATCH_SIZE, REBUILD_IMAGE } from './runbook.js';
export { serverRenames, type ServerRename } from './server-renames.js';
export { generateInventory, inventoryGroupOf, type GenerateInventoryOptions } from './generate-inventory.js';
export { REBUILD_ORDERING, generateRebuildOrder, type RebuildBatch, type RebuildOrder, type RebuildOrderOptions, type RebuildServer, type VolumeSpec } from './rebuild-order.js';
export { VOLUME_FILESYSTEM, generateVolumePlan, type PlannedVolume, type VolumePlan, type VolumePlanOptions } from './volume-plan.js';
export { readExistingVolumes, type ExistingVolume, type ReadExistingVolumesOptions } from './existing-volumes.js';
export { diffVolumes, type DiffVolumesOptions, type VolumeDiff, type VolumeIgnored, type VolumeOk, type VolumeToCreate, type VolumeToDelete } from './volume-diff.js';
export { volumeReportMarkdown, type VolumeReportOptions } from './volume-report.js';
export { renderFleetReport, verifyFleet, type FleetCheck, type FleetFilesInput, type FleetReport } from './verify-fleet.js';
export {
  FLEET_PATHS,
  fleetReportErrors,
  generateFleetFiles,
  jsonText,
  readExistingVolumesFile,
  renderFleetFiles,
  verifyFleetFiles,
  type GenerateFleetResult,
  type GeneratedFile,
} from './fleet-files.js';
