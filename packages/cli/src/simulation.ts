import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { enableLoopbackOnly, isKbrunError, KbrunError, processSecrets, setAddressMap, type AddressMap } from '@kbrun/core';
import { serveSimulator, sshAddressMap, sshAddressMapFrom } from '@kbrun/hcloud-sim';
import { servedSshEndpoints } from './served-sim-endpoints.js';

/** Real seconds per simulated second when `sim_time_scale` is not set: a 60 s rebuild takes 0.6 s. */
export const DEFAULT_SIM_TIME_SCALE = 0.01;

/** What `--sim URL` sends as its token when KBRUN_SIM_TOKEN is not set (a served simulator accepts any by default). */
const SIM_URL_TOKEN = 'kbrun-sim';

/** The old volumes of the fleet the simulator starts with (seed 001's state), when the file exists. */
const FLEET_VOLUMES = join('servers', 'existing_volumes_v3.json');

/** A simulation the run talks to: the endpoint and token for the hcloud client, and how to stop it. */
export interface Simulation {
  endpoint: string;
  token: string;
  close(): Promise<void>;
}

/**
 * Starts the Hetzner simulator in this process (seeded with the fleet) or uses one already running at `url`,
 * and turns simulation mode on: loopback-only connections, and a server's public IP on port 22 mapped to the
 * loopback port the simulator opened for it (so "wait for port 22" is real); a served simulator publishes
 * those ports, and is checked to do so before the run starts.
 */
export async function startSimulation(options: { url?: string; timeScale: number; cwd: string; print: (line: string) => void }): Promise<Simulation> {
  enableLoopbackOnly();
  if (options.url) {
    // Never HCLOUD_TOKEN or HETZNER_API_TOKEN: a real token from the environment is not the simulator's business.
    const given = process.env['KBRUN_SIM_TOKEN'];
    if (given) processSecrets().redactor.add(given);
    const token = given || SIM_URL_TOKEN;
    const endpoints = servedSshEndpoints(options.url, token);
    try {
      await endpoints.read();
    } catch (error) {
      await endpoints.close();
      throw error;
    }
    return mapped(options.url, token, sshAddressMapFrom(endpoints.read), endpoints);
  }
  const token = `sim-${randomBytes(12).toString('hex')}`;
  processSecrets().redactor.add(token);
  const volumesFile = existsSync(join(options.cwd, FLEET_VOLUMES)) ? FLEET_VOLUMES : undefined;
  const served = await serveSimulator({ cwd: options.cwd, timeScale: options.timeScale, token, print: options.print, ...(volumesFile ? { volumesFile } : {}) });
  return mapped(served.url, token, sshAddressMap(served.simulator), served);
}

/** Maps port 22 of the simulated servers for the run; closing the simulation unmaps it, then closes `server`. */
function mapped(endpoint: string, token: string, addressMap: AddressMap, server: { close(): Promise<void> }): Simulation {
  setAddressMap(addressMap);
  return {
    endpoint,
    token,
    close: async () => {
      setAddressMap(undefined);
      await server.close();
    },
  };
}

/** `kbrun sim serve`: usage. */
export const SIM_USAGE = `usage: kbrun sim serve [--port N] [--host 127.0.0.1] [--seed FILE] [--volumes FILE] [--empty] [--time-scale X] [--token-file FILE]
  Serves the Hetzner Cloud API simulator on loopback, seeded with servers/servers_v3.tsv and
  servers/existing_volumes_v3.json by default, at time scale ${DEFAULT_SIM_TIME_SCALE} (as kbrun --sim); Ctrl-C stops it.
  Point kbrun at it with --sim URL (it never sends HCLOUD_TOKEN; with --token-file, set KBRUN_SIM_TOKEN for kbrun).`;

/** `kbrun sim serve …`: runs until interrupted; returns the exit code. */
export async function runSimCommand(args: readonly string[], io: { stdout: (s: string) => void; stderr: (s: string) => void; cwd: string }): Promise<number> {
  let values;
  try {
    if (args[0] !== 'serve') throw new KbrunError('E_CLI_OPTION', `unknown sim subcommand ${JSON.stringify(args[0] ?? '')}; expected serve`);
    ({ values } = parseArgs({
      args: [...args.slice(1)],
      strict: true,
      options: { port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, volumes: { type: 'string' }, empty: { type: 'boolean' }, 'time-scale': { type: 'string' }, 'token-file': { type: 'string' } },
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${SIM_USAGE}\n`);
    return 5;
  }
  try {
    enableLoopbackOnly();
    const volumes = values.volumes ?? (values.seed === undefined && existsSync(join(io.cwd, FLEET_VOLUMES)) ? FLEET_VOLUMES : undefined);
    const token = values['token-file'] ? readFileSync(values['token-file'], 'utf8').trim() : undefined;
    const served = await serveSimulator({
      cwd: io.cwd,
      print: (line) => io.stdout(`${line}\n`),
      ...(values.port ? { port: Number(values.port) } : {}),
      ...(values.host ? { host: values.host } : {}),
      ...(values.seed ? { seedFile: values.seed } : {}),
      ...(volumes && !values.empty ? { volumesFile: volumes } : {}),
      ...(values.empty ? { empty: true } : {}),
      timeScale: values['time-scale'] ? Number(values['time-scale']) : DEFAULT_SIM_TIME_SCALE,
      ...(token ? { token } : {}),
    });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await served.close();
    return 0;
  } catch (error) {
    io.stderr(`${isKbrunError(error) ? error.render() : (error as Error).message}\n`);
    return 1;
  }
}
