import type { HostStats } from '../events/events.js';
import type { HostOutcome } from './task-executor.js';

/** Per-host counters for the recap, counted as ansible-playbook counts them. */
export class RunStats {
  readonly hosts: Record<string, HostStats> = {};

  /** Makes sure a host appears in the recap even if nothing ran on it. */
  touch(host: string): HostStats {
    return (this.hosts[host] ??= { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
  }

  /** A host's failure was rescued: Ansible moves it from `failed` to `rescued`. */
  rescue(host: string): void {
    const stats = this.touch(host);
    if (stats.failed > 0) stats.failed--;
    stats.rescued++;
  }

  /** Counts one task outcome: an ignored failure counts as ok and ignored; changed results count in ok and changed. */
  record(host: string, outcome: HostOutcome): void {
    const stats = this.touch(host);
    switch (outcome.status) {
      case 'skipped':
        stats.skipped++;
        return;
      case 'unreachable':
        if (outcome.ignored) stats.ignored++;
        else stats.unreachable++;
        return;
      case 'failed':
        if (!outcome.ignored) {
          stats.failed++;
          return;
        }
        stats.ignored++;
        stats.ok++;
        if (outcome.result['changed'] === true) stats.changed++;
        return;
      default:
        stats.ok++;
        if (outcome.status === 'changed') stats.changed++;
    }
  }
}
