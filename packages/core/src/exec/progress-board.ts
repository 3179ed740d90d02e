import type { KbrunEvent, TaskInfo } from '../events/events.js';

const FIRST_REPORT_MS = 2_000;
const REPORT_EVERY_MS = 1_000;

/** Tracks which hosts are still running each task and what they wait on; emits `progress` while a task lasts. */
export class ProgressBoard {
  private readonly running = new Map<TaskInfo, Map<string, string>>();

  constructor(private readonly emit: (event: KbrunEvent) => void) {}

  /** A host started a task. */
  begin(task: TaskInfo, host: string): void {
    let hosts = this.running.get(task);
    if (!hosts) {
      hosts = new Map();
      this.running.set(task, hosts);
    }
    hosts.set(host, '');
  }

  /** What a host is waiting on now (`attempt 3/61`, `waiting for 127.0.0.1:22`). */
  report(task: TaskInfo, host: string, detail: string): void {
    this.running.get(task)?.set(host, detail);
  }

  /** A host finished a task. */
  end(task: TaskInfo, host: string): void {
    const hosts = this.running.get(task);
    hosts?.delete(host);
    if (hosts?.size === 0) this.running.delete(task);
  }

  /** Emits progress for a task every second after a quiet first two seconds, until the returned stop is called. */
  watch(task: TaskInfo): () => void {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      const hosts = this.running.get(task);
      if (hosts && hosts.size > 0) {
        const details = [...hosts].filter(([, d]) => d).map(([h, d]) => `${h}: ${d}`);
        this.emit({ type: 'progress', task, running: [...hosts.keys()], elapsedMs: performance.now() - started, ...(details.length ? { detail: details.slice(0, 5).join(', ') } : {}) });
      }
      timer = setTimeout(tick, REPORT_EVERY_MS);
      timer.unref();
    };
    timer = setTimeout(tick, FIRST_REPORT_MS);
    timer.unref();
    return () => clearTimeout(timer);
  }
}
