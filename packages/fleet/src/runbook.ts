// The Phase 1 runbook's fixed figures: the SSH key, the rebuild batches and image, and what the whole fleet must add up to.

/** The SSH key every inventory host is reached with (runbook step 3). */
export const FLEET_SSH_KEY = '/root/.ssh/id_rsa_keybuzz_v3';

/** Servers per rebuild batch (runbook: 10 batches of 5, the last one 2). */
export const REBUILD_BATCH_SIZE = 5;

/** The image every server is rebuilt with. */
export const REBUILD_IMAGE = 'ubuntu-24.04';

/** What the runbook and seed 001 expect of the whole fleet; `verifyFleet` checks against these. */
export const FLEET_EXPECTATIONS = {
  totalServers: 49,
  rebuildServers: 47,
  totalBatches: 10,
  inventoryGroups: 21,
  totalVolumeGb: 2800,
} as const;
