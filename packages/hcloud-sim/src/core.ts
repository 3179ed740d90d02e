// The simulator's domain: the store, the action engine, the clock, faults and SSH ports, and the rules they share.

import { ActionEngine, DEFAULT_DURATIONS, type ActionRecord, type ActionSpec, type ResourceType } from './action-engine.js';
import { isoTime, type SimClock } from './clock.js';
import { locked } from './errors.js';
import { FaultInjector } from './faults.js';
import type { SshPorts } from './ssh-ports.js';
import { Store, type ServerRecord } from './store.js';
import type { ServerStatus, SshServerInfo } from './types.js';

const KIND_NAMES: Record<ResourceType, string> = {
  server: 'server',
  volume: 'volume',
  load_balancer: 'load balancer',
  network: 'network',
  firewall: 'firewall',
  image: 'image',
};

/** Everything the routes act on. */
export class SimCore {
  readonly store = new Store();
  readonly engine: ActionEngine;
  readonly faults: FaultInjector;

  constructor(
    readonly clock: SimClock,
    readonly ssh: SshPorts,
    durations: Readonly<Record<string, number>>,
  ) {
    this.faults = new FaultInjector(clock);
    this.engine = new ActionEngine(
      clock,
      { ...DEFAULT_DURATIONS, ...durations },
      () => this.store.nextId('action'),
      (spec) => this.faults.fateOf(spec, this.store.servers),
    );
  }

  /** Simulated now as an API timestamp. */
  nowIso(): string {
    return isoTime(this.clock.now());
  }

  /** Start an action. */
  startAction(spec: ActionSpec): ActionRecord {
    return this.engine.start(spec);
  }

  /** Throw `locked` (423) when the resource has a running action. */
  assertUnlocked(type: ResourceType, id: number): void {
    const action = this.engine.lockOf(type, id);
    if (action) throw locked(KIND_NAMES[type], id, action.command);
  }

  /** Change a server's status; its SSH port follows (`running` = open, anything else = closed). */
  setServerStatus(server: ServerRecord, status: ServerStatus): void {
    server.status = status;
    if (!this.store.servers.has(server.id)) return;
    if (status === 'running') this.ssh.up(this.sshInfo(server));
    else this.ssh.down(server.id);
  }

  /** What `sshPortFor` is told about a server. */
  sshInfo(server: ServerRecord): SshServerInfo {
    return {
      id: server.id,
      name: server.name,
      public_ipv4: server.ipv4?.ip ?? null,
      private_ipv4: server.privateNets[0]?.ip ?? null,
    };
  }

  /** Remove a server and everything that pointed at it (volumes are detached, targets removed). */
  removeServer(server: ServerRecord): void {
    const { store } = this;
    for (const v of store.volumes.values()) if (v.serverId === server.id) v.serverId = null;
    for (const fw of store.firewalls.values()) {
      fw.appliedTo = fw.appliedTo.filter((t) => !(t.type === 'server' && t.serverId === server.id));
      fw.pending.delete(server.id);
    }
    for (const lb of store.loadBalancers.values()) {
      lb.targets = lb.targets.filter((t) => !(t.type === 'server' && t.serverId === server.id));
    }
    store.servers.delete(server.id);
    this.ssh.remove(server.id);
  }
}
