import { join } from 'node:path';
import { createClock, enableLoopbackOnly, runPlaybook, setAddressMap, type KbrunEvent, type RunPlaybookResult } from '@kbrun/core';
import { closeHcloudClients, configureHcloudClients, hcloudModules } from '@kbrun/hcloud';
import { createSimulator, loadSeedFile, mergeSeeds, sshAddressMap, type FaultConfig, type RequestLogEntry, type Simulator, type SimSeed } from '@kbrun/hcloud-sim';
import { builtinModules } from '@kbrun/modules-builtin';
import { tempProject, type TempProject } from './temp-project.js';

/** The repository root (playbooks/, servers/, inventory/). */
export const ROOT = new URL('../..', import.meta.url).pathname;
/** The fleet's generated inventory. */
export const INVENTORY = join(ROOT, 'inventory/hosts.yml');
/** The bastions, protected from destructive actions. */
export const BASTIONS = ['install-01', 'install-v3'];
/** Engine clock and simulator at the same scale: playbooks keep the runbook's real delays. */
export const SCALE = 0.002;

/** The fleet as the simulator starts it for `kbrun --sim`: the 49 servers and the 40 old volumes. */
export function fleetSeed(): SimSeed {
  return mergeSeeds(loadSeedFile(join(ROOT, 'servers/servers_v3.tsv')), loadSeedFile(join(ROOT, 'servers/existing_volumes_v3.json')));
}

/** The requests that name a bastion: its server id in the path, or its name in the query. */
export function bastionRequests(sim: Simulator): RequestLogEntry[] {
  const ids = (sim.state().servers as Array<{ id: number; name: string }>).filter((s) => BASTIONS.includes(s.name)).map((s) => String(s.id));
  return sim.requests().filter((r) => ids.some((id) => new RegExp(`/servers/${id}(/|$)`).test(r.path)) || /install-/.test(JSON.stringify(r.query ?? {})));
}

/** Ids of the servers a rebuild succeeded for, from a simulator's request log or the requests a proxy saw. */
export function rebuiltIds(requests: ReadonlyArray<{ method: string; path: string; status: number }>): string[] {
  return requests.filter((r) => r.method === 'POST' && /\/servers\/\d+\/actions\/rebuild$/.test(r.path) && r.status < 300).map((r) => /\/servers\/(\d+)\//.exec(r.path)![1]!);
}

/** A simulator on loopback and the fleet playbooks run against it in this process, as `kbrun --sim` runs them. */
export class FleetSim {
  simulator: Simulator | undefined;
  project: TempProject | undefined;

  constructor(private readonly token: string) {}

  /** Starts the simulator (SSH ports on, public IP:22 mapped to them unless `sshPorts` is false). */
  async start(options: { seed?: SimSeed; faults?: FaultConfig; sshPorts?: boolean } = {}): Promise<Simulator> {
    enableLoopbackOnly();
    const sshPorts = options.sshPorts ?? true;
    const sim = createSimulator({ seed: options.seed ?? fleetSeed(), timeScale: SCALE, tokens: [this.token], sshPorts, ...(options.faults ? { faults: options.faults } : {}) });
    this.simulator = sim;
    await sim.listen();
    setAddressMap(sshPorts ? sshAddressMap(sim) : undefined);
    return sim;
  }

  /** Runs a playbook against the simulator; `kbrun_var_dir` is a temporary directory (`project.dir`). */
  async run(playbook: string, options: { check?: boolean; extraVars?: Record<string, unknown>; inventory?: boolean; onEvent?: (e: KbrunEvent) => void } = {}): Promise<{ result: RunPlaybookResult; events: Array<Record<string, unknown>> }> {
    this.project ??= tempProject();
    const clock = createClock(SCALE);
    const check = options.check ?? false;
    configureHcloudClients({ readOnly: check, sleep: (ms, signal) => clock.sleep(ms, signal), env: { HCLOUD_ENDPOINT: this.simulator!.url ?? '', HCLOUD_TOKEN: this.token } });
    const events: Array<Record<string, unknown>> = [];
    const result = await runPlaybook({
      playbook,
      ...(options.inventory === false ? {} : { inventory: [INVENTORY] }),
      modules: [builtinModules, hcloudModules],
      protectedHosts: BASTIONS,
      clock,
      check,
      extraVars: { kbrun_var_dir: this.project.dir, ...options.extraVars },
      onEvent: (e) => {
        events.push(e as unknown as Record<string, unknown>);
        options.onEvent?.(e);
      },
    });
    return { result, events };
  }

  /** Stops everything started (for afterEach). */
  async stop(): Promise<void> {
    this.project?.cleanup();
    this.project = undefined;
    setAddressMap(undefined);
    await closeHcloudClients();
    await this.simulator?.close();
    this.simulator = undefined;
  }
}
