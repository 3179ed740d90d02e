// serveSimulator: what `kbrun sim serve` runs — start a seeded simulator on loopback and print its URL.

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SSH_ENDPOINTS_PATH } from './address-map.js';
import { SimConfigError } from './errors.js';
import { mergeSeeds, seedFromServersTsv, seedFromVolumesJson } from './seed.js';
import { createSimulator } from './simulator.js';
import type { Simulator, SimSeed } from './types.js';

/** Options of `serveSimulator` (the flags of `kbrun sim serve`). */
export interface ServeSimulatorOptions {
  /** Port; default 0 (any free port). */
  port?: number;
  /** Loopback address; default 127.0.0.1. */
  host?: string;
  /**
   * Seed file: the fleet TSV (`.tsv`), a volumes file (`{"volumes": […]}`) or a full `SimSeed` (`.json`).
   * Default: `servers/servers_v3.tsv` under `cwd`.
   */
  seedFile?: string;
  /** A volumes file (`{"volumes": [{name, size, location, server}]}`) added to the seed. */
  volumesFile?: string;
  /** Start with an empty project (no seed). */
  empty?: boolean;
  /** Real seconds per simulated second; default 1. */
  timeScale?: number;
  /** The only bearer token accepted; default: any non-empty token. Never printed. */
  token?: string;
  /** Open SSH banner ports for running servers; default true. */
  sshPorts?: boolean;
  /** Where lines are printed; default stdout. */
  print?: (line: string) => void;
  /** Base of relative paths; default `process.cwd()`. */
  cwd?: string;
}

/** The fleet TSV looked for when no seed file is given. */
export const DEFAULT_FLEET_TSV = path.join('servers', 'servers_v3.tsv');

/** Read one seed file by its shape: TSV (the fleet's strict rules, errors at `file:line`), volumes JSON or a full seed JSON. */
export function loadSeedFile(file: string): SimSeed {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.tsv')) return seedFromServersTsv(text, { file });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SimConfigError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const keys = Object.keys((data ?? {}) as object);
  if (keys.length === 1 && keys[0] === 'volumes') return seedFromVolumesJson(data);
  return data as SimSeed;
}

/** Start a simulator for `kbrun sim serve`; prints its URL and returns it running (stop it with `close()`). */
export async function serveSimulator(options: ServeSimulatorOptions = {}): Promise<{ simulator: Simulator; url: string; close(): Promise<void> }> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cwd = options.cwd ?? process.cwd();
  const seeds: SimSeed[] = [];
  const sources: string[] = [];
  if (!options.empty) {
    const seedFile = path.resolve(cwd, options.seedFile ?? DEFAULT_FLEET_TSV);
    if (!existsSync(seedFile)) {
      throw new SimConfigError(
        options.seedFile
          ? `seed file ${seedFile} does not exist`
          : `no seed: ${seedFile} does not exist; pass a seed file or start an empty simulator (--empty)`,
      );
    }
    seeds.push(loadSeedFile(seedFile));
    sources.push(path.relative(cwd, seedFile) || seedFile);
    if (options.volumesFile) {
      const volumesFile = path.resolve(cwd, options.volumesFile);
      seeds.push(seedFromVolumesJson(readFileSync(volumesFile, 'utf8')));
      sources.push(path.relative(cwd, volumesFile) || volumesFile);
    }
  }
  const simulator = createSimulator({
    seed: mergeSeeds(...seeds),
    timeScale: options.timeScale ?? 1,
    sshPorts: options.sshPorts ?? true,
    ...(options.token ? { tokens: [options.token] } : {}),
  });
  const { url } = await simulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  const state = simulator.state();
  print(`hcloud simulator listening on ${url}`);
  print(`  ssh endpoints: ${new URL(SSH_ENDPOINTS_PATH, url).href} (public IPv4 → loopback port 22, read by kbrun --sim URL)`);
  print(`  seed: ${sources.length > 0 ? sources.join(' + ') : 'empty'} (${state.servers.length} servers, ${state.volumes.length} volumes)`);
  print(`  time scale: ${options.timeScale ?? 1}`);
  print(`  token: ${options.token ? 'the one given (not shown)' : 'any non-empty bearer token'}`);
  return { simulator, url, close: () => simulator.close() };
}
