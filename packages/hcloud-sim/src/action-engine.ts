// Actions that run over simulated time: progress, success or error, follow-up actions, locks, and the side effects of finishing.

import { isoTime, type SimClock } from './clock.js';

/** Kinds of resources an action can refer to. */
export type ResourceType = 'server' | 'volume' | 'load_balancer' | 'network' | 'firewall' | 'image';

/** Durations of actions in simulated seconds, close to what Hetzner takes. */
export const DEFAULT_DURATIONS: Readonly<Record<string, number>> = {
  create_server: 20,
  start_server: 10,
  stop_server: 10,
  shutdown_server: 10,
  reboot_server: 10,
  reset_server: 10,
  rebuild_server: 60,
  delete_server: 5,
  change_protection: 1,
  create_volume: 5,
  attach_volume: 5,
  detach_volume: 5,
  resize_volume: 5,
  create_load_balancer: 10,
  add_target: 2,
  remove_target: 2,
  add_service: 2,
  update_service: 2,
  delete_service: 2,
  change_algorithm: 2,
  attach_to_network: 5,
  detach_from_network: 5,
  add_subnet: 2,
  delete_subnet: 2,
  set_firewall_rules: 2,
  apply_firewall: 3,
  remove_firewall: 3,
};

/** What to do when an action starts and ends. */
export interface ActionHooks {
  /** When the action really starts (at once, or when the action it follows has succeeded). */
  onStart?: () => void;
  onSuccess?: () => void;
  onError?: () => void;
}

/** How to start an action. */
export interface ActionSpec extends ActionHooks {
  command: string;
  resources: Array<{ id: number; type: ResourceType }>;
  /** Simulated seconds; default from the duration table. */
  durationSec?: number;
  /** Whether the action locks its resources while running; default true. */
  locks?: boolean;
  /** Start only once this action has succeeded (a `next_actions` entry). */
  after?: ActionRecord;
}

/** How an action will end, as decided by the fault configuration. */
export interface ActionFate {
  outcome: 'success' | 'hang' | 'error';
  factor: number;
  message?: string;
}

/** A running or finished action. */
export interface ActionRecord {
  id: number;
  command: string;
  status: 'running' | 'success' | 'error';
  resources: Array<{ id: number; type: ResourceType }>;
  started: number;
  finished: number | null;
  error: { code: string; message: string } | null;
  durationMs: number;
  effectiveStart: number | null;
  after: ActionRecord | null;
  fate: ActionFate;
  locks: boolean;
  hooks: ActionHooks;
}

/** Runs every action of the simulator on its clock. */
export class ActionEngine {
  readonly actions = new Map<number, ActionRecord>();
  /** Errors thrown by side effects (simulator bugs), kept for `state()` instead of crashing a timer. */
  readonly hookErrors: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly clock: SimClock,
    private readonly durations: Readonly<Record<string, number>>,
    private readonly nextId: () => number,
    private readonly decide: (spec: ActionSpec) => ActionFate,
  ) {}

  /** Start an action; it is `running` with progress 0. */
  start(spec: ActionSpec): ActionRecord {
    const now = this.clock.now();
    const fate = this.decide(spec);
    const seconds = (spec.durationSec ?? this.durations[spec.command] ?? 5) * fate.factor;
    const action: ActionRecord = {
      id: this.nextId(),
      command: spec.command,
      status: 'running',
      resources: spec.resources,
      started: now,
      finished: null,
      error: null,
      durationMs: Math.max(0, seconds * 1000),
      effectiveStart: spec.after && spec.after.status !== 'success' ? null : now,
      after: spec.after ?? null,
      fate,
      locks: spec.locks ?? true,
      hooks: { onStart: spec.onStart, onSuccess: spec.onSuccess, onError: spec.onError },
    };
    this.actions.set(action.id, action);
    if (action.after?.status === 'error') {
      this.fail(action, now, 'a previous action failed');
    } else if (action.effectiveStart !== null) {
      this.run(action, 'onStart');
    }
    this.schedule();
    return action;
  }

  /** The running locking action of a resource, if any. */
  lockOf(type: ResourceType, id: number): ActionRecord | undefined {
    for (const a of this.actions.values()) {
      if (a.status === 'running' && a.locks && a.resources.some((r) => r.type === type && r.id === id)) return a;
    }
    return undefined;
  }

  /** Finish every action whose time has come, in the order they end. */
  tick(): void {
    const now = this.clock.now();
    for (;;) {
      let next: ActionRecord | undefined;
      let nextDue = Infinity;
      for (const a of this.actions.values()) {
        const due = this.dueOf(a);
        if (due <= now && due < nextDue) {
          next = a;
          nextDue = due;
        }
      }
      if (!next) break;
      if (next.fate.outcome === 'error') {
        this.fail(next, nextDue, next.fate.message ?? 'Action failed');
      } else {
        next.status = 'success';
        next.finished = nextDue;
        this.run(next, 'onSuccess');
        for (const follower of this.actions.values()) {
          if (follower.after === next && follower.status === 'running' && follower.effectiveStart === null) {
            follower.effectiveStart = nextDue;
            this.run(follower, 'onStart');
          }
        }
      }
    }
    this.schedule();
  }

  /** Progress 0..100 of an action now. */
  progress(a: ActionRecord): number {
    if (a.status !== 'running') return 100;
    if (a.effectiveStart === null) return 0;
    const elapsed = this.clock.now() - a.effectiveStart;
    const pct = a.durationMs === 0 ? 99 : Math.floor((elapsed / a.durationMs) * 100);
    return Math.max(0, Math.min(a.fate.outcome === 'hang' ? 90 : 99, pct));
  }

  /** An action in the API's shape. */
  json(a: ActionRecord): unknown {
    return {
      id: a.id,
      command: a.command,
      status: a.status,
      progress: this.progress(a),
      started: isoTime(a.started),
      finished: a.finished === null ? null : isoTime(a.finished),
      resources: a.resources.map((r) => ({ id: r.id, type: r.type })),
      error: a.error,
    };
  }

  /** Stop the timer; nothing finishes any more. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dueOf(a: ActionRecord): number {
    if (a.status !== 'running' || a.effectiveStart === null || a.fate.outcome === 'hang') return Infinity;
    return a.effectiveStart + a.durationMs;
  }

  private fail(a: ActionRecord, at: number, message: string): void {
    a.status = 'error';
    a.finished = at;
    a.error = { code: 'action_failed', message };
    this.run(a, 'onError');
    for (const follower of this.actions.values()) {
      if (follower.after === a && follower.status === 'running') this.fail(follower, at, 'a previous action failed');
    }
  }

  private run(a: ActionRecord, hook: keyof ActionHooks): void {
    try {
      a.hooks[hook]?.();
    } catch (error) {
      this.hookErrors.push(`${a.command} ${hook}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    let due = Infinity;
    for (const a of this.actions.values()) due = Math.min(due, this.dueOf(a));
    if (due === Infinity) return;
    const delay = Math.max(0, Math.ceil(this.clock.realMs(due - this.clock.now()))) + 1;
    this.timer = setTimeout(() => this.tick(), Math.min(delay, 2 ** 31 - 1));
    this.timer.unref();
  }
}
