import { Chalk, type ChalkInstance } from 'chalk';
import { createTwoFilesPatch } from 'diff';
import { pyJsonDumps, type FileDiff, type HostStats, type KbrunEvent } from '@kbrun/core';

/** Where the console printer writes, and how. */
export interface ConsoleOptions {
  write: (text: string) => void;
  color: boolean;
  /** A terminal gets a live status line; a log gets a line at most every 30 s. */
  tty: boolean;
  verbosity: number;
}

const WIDTH = 80;
const NON_TTY_PROGRESS_EVERY_MS = 30_000;
const RESULT_KEYS_HIDDEN = new Set(['_ansible_no_log', 'ansible_loop_var', 'item', 'ansible_index_var']);

/** Prints a run in ansible-playbook's familiar form: PLAY/TASK banners, one line per host, PLAY RECAP. */
export class ConsolePrinter {
  private readonly c: ChalkInstance;
  private statusLine = false;
  private lastProgressPrint = 0;

  constructor(private readonly options: ConsoleOptions) {
    this.c = new Chalk({ level: options.color ? 1 : 0 });
  }

  /** Event listener for the run. */
  readonly onEvent = (event: KbrunEvent): void => {
    switch (event.type) {
      case 'playbook_start':
        return;
      case 'play_start':
        return this.line(`\n${banner(`PLAY [${event.name}]`)}`);
      case 'no_hosts':
        return this.line(this.c.cyan(event.message === 'NO MORE HOSTS LEFT' ? `\n${banner('NO MORE HOSTS LEFT')}` : event.message));
      case 'task_start':
        return this.line(`\n${banner(`${event.task.handler ? 'RUNNING HANDLER' : 'TASK'} [${event.task.name}]`)}`);
      case 'included':
        return this.line(this.c.cyan(`included: ${event.file} for ${event.hosts.join(', ')}`));
      case 'batch_start':
      case 'batch_end':
        return;
      case 'host_result':
        return this.hostResult(event);
      case 'retry':
        return this.line(this.c.red(`FAILED - RETRYING: [${event.host}]: ${event.task.name} (${event.of - event.attempt} retries left).`) + (this.options.verbosity > 0 ? `Result was: ${json(event.result)}` : ''));
      case 'progress':
        return this.progress(event);
      case 'warning':
        return this.line(this.c.magenta(`[WARNING]: ${event.message}`));
      case 'verbose':
        if (event.level <= this.options.verbosity) this.line(this.c.blue(`<${event.host}> ${event.message}`));
        return;
      case 'play_end':
        return;
      case 'recap':
        return this.recap(event.hosts);
    }
  };

  private hostResult(event: Extract<KbrunEvent, { type: 'host_result' }>): void {
    const { status, result } = event;
    const host = event.delegatedTo ? `${event.host} -> ${event.delegatedTo}` : event.host;
    if (event.loop) {
      // The items were printed one by one; the combined result only adds a line when it failed without any failing item shown.
      if (status === 'failed' && Array.isArray(result['results']) && !(result['results'] as Array<Record<string, unknown>>).some((r) => r['failed'])) {
        this.line(this.c.red(`fatal: [${host}]: FAILED! => ${json(strip(result))}`));
      }
      if (event.ignored) this.line(this.c.cyan('...ignoring'));
      return;
    }
    const item = event.item !== undefined ? ` (item=${event.label ?? String(event.item)})` : '';
    const verbose = this.options.verbosity > 0;
    const showAlways = event.task.action === 'debug';
    switch (status) {
      case 'ok':
      case 'changed': {
        const colour = status === 'ok' ? this.c.green : this.c.yellow;
        const head = `${status}: [${host}]${item ? ` =>${item}` : ''}`;
        this.printDiff(result['diff']);
        if (showAlways) this.line(colour(`${head} => ${pretty(strip(result, true))}`));
        else this.line(colour(verbose ? `${head} => ${json(strip(result))}` : head));
        return;
      }
      case 'skipped':
        return this.line(this.c.cyan(`skipping: [${host}]${item ? ` =>${item}` : ''}${verbose ? ` => ${json(strip(result))}` : ''}`));
      case 'unreachable':
        return this.line(this.c.redBright(`fatal: [${host}]: UNREACHABLE! => ${json(strip(result))}`));
      case 'failed': {
        const text = item ? `failed: [${host}]${item} => ${json(strip(result))}` : `fatal: [${host}]: FAILED! => ${json(strip(result))}`;
        this.line(this.c.red(text));
        const msg = result['msg'];
        if (typeof msg === 'string' && msg.includes('\n')) this.line(this.c.red(msg));
        if (event.ignored && !item) this.line(this.c.cyan('...ignoring'));
        return;
      }
    }
  }

  private printDiff(diff: unknown): void {
    if (!diff) return;
    for (const d of [diff].flat() as FileDiff[]) {
      if (typeof d.before !== 'string' || typeof d.after !== 'string' || d.before === d.after) continue;
      // Ansible's headers: `--- before: <path>` / `+++ after: <path>` (no dates, so no tab after the name).
      const before = d.before_header === undefined ? 'before' : `before: ${d.before_header}`;
      const after = d.after_header === undefined ? 'after' : `after: ${d.after_header}`;
      const patch = createTwoFilesPatch(before, after, d.before, d.after, undefined, undefined, { context: 3 });
      const body = patch.split('\n').filter((l) => !isPatchPreamble(l) && l !== '\\ No newline at end of file');
      for (const line of body) {
        if (line.startsWith('+') && !line.startsWith('+++')) this.line(this.c.green(line));
        else if (line.startsWith('-') && !line.startsWith('---')) this.line(this.c.red(line));
        else if (line.startsWith('@@')) this.line(this.c.cyan(line));
        else if (line !== '') this.line(line);
      }
    }
  }

  private progress(event: Extract<KbrunEvent, { type: 'progress' }>): void {
    const seconds = Math.round(event.elapsedMs / 1000);
    const names = event.running.length > 5 ? `${event.running.slice(0, 5).join(', ')} and ${event.running.length - 5} more` : event.running.join(', ');
    const text = `  … ${event.task.name}: waiting on ${names} (${seconds}s)${event.detail ? ` — ${event.detail}` : ''}`;
    if (this.options.tty) {
      this.options.write(`\r\x1b[2K${this.c.dim(text.slice(0, 160))}`);
      this.statusLine = true;
      return;
    }
    const now = performance.now();
    if (now - this.lastProgressPrint < NON_TTY_PROGRESS_EVERY_MS && this.lastProgressPrint !== 0) return;
    this.lastProgressPrint = now;
    this.line(text);
  }

  private recap(hosts: Record<string, HostStats>): void {
    this.line(`\n${banner('PLAY RECAP')}`);
    for (const [host, s] of Object.entries(hosts)) {
      const colour = s.failed > 0 || s.unreachable > 0 ? this.c.red : s.changed > 0 ? this.c.yellow : this.c.green;
      const cell = (name: string, n: number, paint: ChalkInstance) => (n > 0 ? paint(`${name}=${String(n).padEnd(4)}`) : `${name}=${String(n).padEnd(4)}`);
      this.line(
        `${colour(host.padEnd(26))} : ${[
          cell('ok', s.ok, this.c.green),
          cell('changed', s.changed, this.c.yellow),
          cell('unreachable', s.unreachable, this.c.red),
          cell('failed', s.failed, this.c.red),
          cell('skipped', s.skipped, this.c.cyan),
          cell('rescued', s.rescued, this.c.magenta),
          cell('ignored', s.ignored, this.c.magenta),
        ].join(' ')}`,
      );
    }
    this.line('');
  }

  private line(text: string): void {
    if (this.statusLine) {
      this.options.write('\r\x1b[2K');
      this.statusLine = false;
    }
    this.options.write(`${text}\n`);
  }
}

/** jsdiff's `Index: <name>` and `=====` lines, which Ansible's diffs do not have (body lines never look like them). */
function isPatchPreamble(line: string): boolean {
  return line.startsWith('Index: ') || /^=+$/.test(line);
}

function banner(title: string): string {
  return `${title} ${'*'.repeat(Math.max(3, WIDTH - 1 - title.length))}`;
}

/** The result without the keys Ansible hides from the console. */
function strip(result: Record<string, unknown>, dropStatus = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(result)) {
    if (RESULT_KEYS_HIDDEN.has(key) || key === 'diff') continue;
    if (dropStatus && (key === 'changed' || key === 'failed')) continue;
    out[key] = result[key];
  }
  return out;
}

/** One line, as Ansible prints results: `{"changed": false, "msg": "…"}`, keys sorted. */
function json(value: unknown): string {
  return pyJsonDumps(value, { sortKeys: true });
}

/** Indented by 4, keys sorted, as Ansible prints debug results. */
function pretty(value: unknown): string {
  return pyJsonDumps(value, { indent: 4, sortKeys: true });
}
