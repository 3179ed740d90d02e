// Fault injection: failed or dropped requests, error storms, stuck and slow actions.

import type { ActionFate, ActionSpec } from './action-engine.js';
import type { SimClock } from './clock.js';
import { codeForStatus, SimConfigError } from './errors.js';
import type { ServerRecord } from './store.js';
import type { FaultConfig, RequestFailureFault, RequestMatch } from './types.js';

/** What a fault does to one request. */
export type RequestFault =
  | { kind: 'drop' }
  | { kind: 'fail' | 'storm'; status: number; code: string; message: string };

interface FailureState {
  rule: RequestFailureFault;
  seen: number;
}

function matches(rule: RequestMatch, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path !== undefined) {
    const re = typeof rule.path === 'string' ? new RegExp(rule.path) : rule.path;
    re.lastIndex = 0;
    if (!re.test(path)) return false;
  }
  return true;
}

function checkStatus(status: number, where: string): void {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new SimConfigError(`${where}: expected an HTTP error status (400..599), got ${String(status)}`);
  }
}

function defaultMessage(status: number): string {
  switch (status) {
    case 429:
      return 'limit of requests per hour reached';
    case 503:
      return 'service temporarily unavailable';
    case 504:
      return 'request timeout';
    default:
      return 'internal server error';
  }
}

/** Holds the fault configuration and its counters. */
export class FaultInjector {
  private failures: FailureState[] = [];
  private storm: { config: NonNullable<FaultConfig['errorStorm']>; left: number; until: number } | undefined;
  private drops: { config: NonNullable<FaultConfig['dropConnections']>; left: number } | undefined;
  private stuck: NonNullable<FaultConfig['stuckActions']> = [];
  private slow: FaultConfig['slowActions'];

  constructor(private readonly clock: SimClock) {}

  /** Replace the faults of every kind present in `config`; counters restart. */
  set(config: FaultConfig): void {
    if (config.failRequests !== undefined) {
      config.failRequests.forEach((r, i) => {
        if (!r.drop) checkStatus(r.status ?? 503, `failRequests[${i}].status`);
        if (r.nth !== undefined && (!Number.isInteger(r.nth) || r.nth < 1)) {
          throw new SimConfigError(`failRequests[${i}].nth: expected an integer >= 1, got ${String(r.nth)}`);
        }
      });
      this.failures = config.failRequests.map((rule) => ({ rule, seen: 0 }));
    }
    if (config.errorStorm !== undefined) {
      checkStatus(config.errorStorm.status, 'errorStorm.status');
      const { count, forSeconds } = config.errorStorm;
      if (count === undefined && forSeconds === undefined) {
        throw new SimConfigError('errorStorm: expected `count` or `forSeconds`, got neither');
      }
      this.storm = {
        config: config.errorStorm,
        left: count ?? Infinity,
        until: forSeconds === undefined ? Infinity : this.clock.now() + forSeconds * 1000,
      };
    }
    if (config.dropConnections !== undefined) {
      this.drops = { config: config.dropConnections, left: config.dropConnections.count };
    }
    if (config.stuckActions !== undefined) this.stuck = [...config.stuckActions];
    if (config.slowActions !== undefined) {
      const factor = typeof config.slowActions === 'number' ? config.slowActions : config.slowActions.factor;
      if (!(factor > 0)) throw new SimConfigError(`slowActions: expected a factor > 0, got ${String(factor)}`);
      this.slow = config.slowActions;
    }
  }

  /** Remove every fault. */
  clear(): void {
    this.failures = [];
    this.storm = undefined;
    this.drops = undefined;
    this.stuck = [];
    this.slow = undefined;
  }

  /** The fault that applies to this request, if any (counts the request). */
  onRequest(method: string, path: string): RequestFault | undefined {
    let result: RequestFault | undefined;
    for (const state of this.failures) {
      if (!matches(state.rule, method, path)) continue;
      state.seen += 1;
      const first = state.rule.nth ?? 1;
      const last = first + (state.rule.times ?? 1) - 1;
      if (result || state.seen < first || state.seen > last) continue;
      if (state.rule.drop) {
        result = { kind: 'drop' };
      } else {
        const status = state.rule.status ?? 503;
        result = {
          kind: 'fail',
          status,
          code: state.rule.code ?? codeForStatus(status),
          message: state.rule.message ?? defaultMessage(status),
        };
      }
    }
    if (result) return result;
    if (this.drops && this.drops.left > 0 && matches(this.drops.config, method, path)) {
      this.drops.left -= 1;
      return { kind: 'drop' };
    }
    const storm = this.storm;
    if (storm && storm.left > 0 && this.clock.now() < storm.until && matches(storm.config, method, path)) {
      storm.left -= 1;
      const status = storm.config.status;
      return { kind: 'storm', status, code: storm.config.code ?? codeForStatus(status), message: defaultMessage(status) };
    }
    return undefined;
  }

  /** How an action about to start will end, and how much slower it runs. */
  fateOf(spec: ActionSpec, servers: ReadonlyMap<number, ServerRecord>): ActionFate {
    let factor = 1;
    if (typeof this.slow === 'number') factor = this.slow;
    else if (this.slow && (!this.slow.commands || this.slow.commands.includes(spec.command))) factor = this.slow.factor;
    for (const rule of this.stuck) {
      if ((rule.command ?? 'rebuild_server') !== spec.command) continue;
      const hit = spec.resources.some((r) => {
        if (r.type !== 'server') return false;
        if (typeof rule.server === 'number') return r.id === rule.server;
        return servers.get(r.id)?.name === rule.server || String(r.id) === rule.server;
      });
      if (hit) return { outcome: rule.outcome ?? 'hang', factor, message: rule.message };
    }
    return { outcome: 'success', factor };
  }
}
