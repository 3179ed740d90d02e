import type { Connection } from '../connection/connection.js';
import type { KbrunEvent } from '../events/events.js';
import type { Templar } from '../template/templar.js';
import type { Clock } from '../util/clock.js';
import type { VariableManager } from '../vars/variable-manager.js';
import type { ProgressBoard } from './progress-board.js';

/** What every part of a running playbook shares: settings, variables, the clock, the event sink, connections. */
export interface RunContext {
  templar: Templar;
  vars: VariableManager;
  check: boolean;
  diff: boolean;
  verbosity: number;
  clock: Clock;
  signal: AbortSignal;
  playbookDirectory: string;
  emit(event: KbrunEvent): void;
  /** The connection for a host (opened once, reused by every task); throws ConnectionError when it can't be. */
  connectionFor(host: string, kind: string, vars: Readonly<Record<string, unknown>>): Promise<Connection>;
  /** Which hosts are still in which task, for live progress. */
  progress: ProgressBoard;
  /** Hosts and servers destructive actions may never touch. */
  protectedHosts: ReadonlySet<string>;
  /** Seconds a task may run when it sets no `timeout` (0: no limit). */
  taskTimeout: number;
}

/** Ansible-style boolean: true, yes, on, 1 (any case) are true. */
export function asBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return ['true', 'yes', 'on', '1', 'y'].includes(value.trim().toLowerCase());
  return false;
}
