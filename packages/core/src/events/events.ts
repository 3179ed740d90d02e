import type { SourceLocation } from '../source/location.js';

/** What happened to one host for one task (or one loop item). */
export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/** Per-host counters of the final recap, as in ansible-playbook's PLAY RECAP. */
export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** A task as events describe it. */
export interface TaskInfo {
  /** Unique within the run. */
  id: number;
  name: string;
  action: string;
  location: SourceLocation | undefined;
  noLog: boolean;
  /** True for a handler (shown as RUNNING HANDLER). */
  handler?: boolean;
}

/** Every event the engine emits; printers, log writers and reports consume them. The engine prints nothing. */
export type KbrunEvent =
  | { type: 'playbook_start'; file: string; check: boolean }
  | { type: 'play_start'; name: string; pattern: string; hosts: string[] }
  | { type: 'batch_start'; play: string; batch: number; of: number; hosts: string[] }
  | { type: 'batch_end'; play: string; batch: number; of: number; hosts: string[]; failed: string[]; unreachable: string[] }
  /** `label`: for an include in a loop, the item's label, as printed (`(item=…)`). */
  | { type: 'included'; task: TaskInfo; file: string; hosts: string[]; label?: string }
  | { type: 'no_hosts'; message: string }
  | { type: 'task_start'; task: TaskInfo }
  | {
      type: 'host_result';
      task: TaskInfo;
      host: string;
      status: HostStatus;
      /** Set for one item of a loop (null under `no_log`). */
      item?: unknown;
      /** Set for one item of a loop: its label, as printed in `(item=…)` (`loop_control.label`, else the item). */
      label?: string;
      /** True for the combined result of a whole loop, sent after its items. */
      loop?: boolean;
      /** The host the task ran on instead (`delegate_to`). */
      delegatedTo?: string;
      ignored?: boolean;
      result: Record<string, unknown>;
    }
  | { type: 'retry'; task: TaskInfo; host: string; attempt: number; of: number; delayMs: number; result: Record<string, unknown> }
  | { type: 'progress'; task: TaskInfo; running: string[]; elapsedMs: number; detail?: string }
  | { type: 'warning'; message: string; location?: SourceLocation | undefined }
  | { type: 'verbose'; host: string; level: number; message: string }
  | { type: 'play_end'; name: string }
  | { type: 'recap'; hosts: Record<string, HostStats> };

/** Receives engine events. */
export type EventListener = (event: KbrunEvent) => void;
