// The fleet files of a project: generate them from servers/servers_v3.tsv, and verify them.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KbrunError, KbrunErrors } from '@kbrun/core';
import { parseServersTsv } from '@kbrun/fleet-data';
import { readExistingVolumes, type ExistingVolume } from './existing-volumes.js';
import { generateInventory } from './generate-inventory.js';
import { generateRebuildOrder } from './rebuild-order.js';
import { verifyFleet, type FleetReport } from './verify-fleet.js';
import { generateVolumePlan } from './volume-plan.js';

/** Where the fleet files live, relative to the project root. */
export const FLEET_PATHS = {
  tsv: 'servers/servers_v3.tsv',
  inventory: 'inventory/hosts.yml',
  rebuildOrder: 'servers/rebuild_order_v3.json',
  volumePlan: 'servers/volume_plan_v3.json',
  existingVolumes: 'servers/existing_volumes_v3.json',
  volumeDiff: 'servers/volume_diff_v3.json',
} as const;

/** One generated file and whether this run changed it. */
export interface GeneratedFile {
  /** Project-relative path. */
  path: string;
  changed: boolean;
}

/** What `generateFleetFiles` did, and the verification of the result. */
export interface GenerateFleetResult {
  files: GeneratedFile[];
  report: FleetReport;
}

/** A JSON file's text: 2-space indent and a final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The texts of every generated file, from the TSV text (pure: nothing is read or written). */
export function renderFleetFiles(tsvText: string, tsvPath: string = FLEET_PATHS.tsv): Record<string, string> {
  const rows = parseServersTsv(tsvText, tsvPath);
  return {
    [FLEET_PATHS.rebuildOrder]: jsonText(generateRebuildOrder(rows, { source: FLEET_PATHS.tsv })),
    [FLEET_PATHS.volumePlan]: jsonText(generateVolumePlan(rows, { source: FLEET_PATHS.tsv })),
    [FLEET_PATHS.inventory]: generateInventory(rows, { source: FLEET_PATHS.tsv }),
  };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readRequired(root: string, rel: string): Promise<string> {
  const text = await readText(join(root, rel));
  if (text === undefined) throw new KbrunError('E_FILE_NOT_FOUND', `${rel} does not exist in ${root}`, { hint: rel === FLEET_PATHS.tsv ? 'run from the project root (or pass it)' : 'run `kbrun inventory generate` first' });
  return text;
}

/**
 * Writes servers/rebuild_order_v3.json, servers/volume_plan_v3.json and inventory/hosts.yml from
 * servers/servers_v3.tsv (only files whose content changes are rewritten), then verifies the result.
 * Throws KbrunErrors naming `servers_v3.tsv:LINE` when the TSV is wrong; nothing is written then.
 */
export async function generateFleetFiles(projectRoot: string): Promise<GenerateFleetResult> {
  const tsv = await readRequired(projectRoot, FLEET_PATHS.tsv);
  const texts = renderFleetFiles(tsv, join(projectRoot, FLEET_PATHS.tsv));
  const files: GeneratedFile[] = [];
  for (const [rel, text] of Object.entries(texts)) {
    const path = join(projectRoot, rel);
    const changed = (await readText(path)) !== text;
    if (changed) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    files.push({ path: rel, changed });
  }
  const report = verifyFleet({
    tsv,
    inventory: texts[FLEET_PATHS.inventory]!,
    rebuildOrder: texts[FLEET_PATHS.rebuildOrder]!,
    volumePlan: texts[FLEET_PATHS.volumePlan]!,
  });
  return { files, report };
}

/** Reads the fleet files of a project and verifies them (`kbrun verify`); the volume plan is checked when present. */
export async function verifyFleetFiles(projectRoot: string): Promise<FleetReport> {
  const [tsv, inventory, rebuildOrder, volumePlan] = await Promise.all([
    readRequired(projectRoot, FLEET_PATHS.tsv),
    readRequired(projectRoot, FLEET_PATHS.inventory),
    readRequired(projectRoot, FLEET_PATHS.rebuildOrder),
    readText(join(projectRoot, FLEET_PATHS.volumePlan)),
  ]);
  return verifyFleet({ tsv, inventory, rebuildOrder, ...(volumePlan === undefined ? {} : { volumePlan }) });
}

/** The existing volumes of servers/existing_volumes_v3.json (the simulator's seed of the 40 old volumes). */
export async function readExistingVolumesFile(projectRoot: string): Promise<ExistingVolume[]> {
  const text = await readRequired(projectRoot, FLEET_PATHS.existingVolumes);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new KbrunError('E_INVENTORY', `${FLEET_PATHS.existingVolumes} is not valid JSON`, { cause: error });
  }
  return readExistingVolumes(data, { source: FLEET_PATHS.existingVolumes });
}

/** The failed checks of a report as errors (E_INVENTORY), or undefined when every check passed. */
export function fleetReportErrors(report: FleetReport): KbrunErrors | undefined {
  const failed = report.checks.filter((c) => !c.ok);
  if (failed.length === 0) return undefined;
  return new KbrunErrors(failed.map((c) => new KbrunError('E_INVENTORY', `${c.name}: ${c.detail}`, { hint: 'fix servers/servers_v3.tsv, then run `kbrun inventory generate` and `kbrun verify`' })));
}
