import { Chalk, type ChalkInstance } from 'chalk';
import { createTwoFilesPatch } from 'diff';
import { pyJsonDumps, type FileDiff, type HostStats, type KbrunEvent } from '@kbrun/core';
import { isDebug, shownResult } from './console-result.js';

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
        return this.line(this.c.cyan(`included: ${event.file} for ${event.hosts.join(', ')}${event.label !== undefined ? ` => (item=${event.label})` : ''}`));
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
    // A loop's combined result follows its items; under no_log it has no `results` and prints as a plain result, as in Ansible.
    if (event.loop && Array.isArray(result['results'])) return this.loopResult(event, host);
    const item = event.label !== undefined ? ` (item=${event.label})` : '';
    const dump = () => json(this.shown(event, result));
    const verbose = this.options.verbosity > 0;
    switch (status) {
      case 'ok':
      case 'changed': {
        const colour = status === 'ok' ? this.c.green : this.c.yellow;
        const head = `${status}: [${host}]${item ? ` =>${item}` : ''}`;
        this.printDiff(result['diff']);
        if (isDebug(event.task.action)) this.line(colour(`${head} => ${pretty(this.shown(event, result))}`));
        else this.line(colour(verbose ? `${head} => ${dump()}` : head));
        return;
      }
      case 'skipped': {
        // Ansible leaves a space after an item's `(item=…)` here.
        const head = item ? `skipping: [${host}] =>${item} ` : `skipping: [${host}]`;
        return this.line(this.c.cyan(verbose ? `${head} => ${dump()}` : head));
      }
      case 'unreachable':
        return this.line(this.c.redBright(`fatal: [${host}]: UNREACHABLE! => ${dump()}`));
      case 'failed': {
        this.line(this.c.red(item ? `failed: [${host}]${item} => ${dump()}` : `fatal: [${host}]: FAILED! => ${dump()}`));
        const msg = result['msg'];
        if (typeof msg === 'string' && msg.includes('\n')) this.line(this.c.red(msg));
        if (event.ignored) this.line(this.c.cyan('...ignoring'));
        return;
      }
    }
  }

  /** After the items: a line when every item was skipped (`skipping: [h]`), or when the loop failed with no failing item shown; `...ignoring` for an ignored failure. */
  private loopResult(event: Extract<KbrunEvent, { type: 'host_result' }>, host: string): void {
    const { results, ...rest } = event.result;
    if (event.status === 'skipped') {
      const head = `skipping: [${host}]`;
      this.line(this.c.cyan(this.options.verbosity > 0 ? `${head} => ${json(this.shown(event, rest))}` : head));
    }
    if (event.status === 'failed' && !(results as Array<Record<string, unknown>>).some((r) => r['failed'])) {
      this.line(this.c.red(`fatal: [${host}]: FAILED! => ${json(this.shown(event, rest))}`));
    }
    if (event.ignored) this.line(this.c.cyan('...ignoring'));
  }

  /** The part of `result` the console shows for the event's task. */
  private shown(event: Extract<KbrunEvent, { type: 'host_result' }>, result: Record<string, unknown>): Record<string, unknown> {
    return shownResult(result, event.task.action, this.options.verbosity);
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

/** One line, as Ansible prints results: `{"changed": false, "msg": "…"}`, keys sorted. */
function json(value: unknown): string {
  return pyJsonDumps(value, { sortKeys: true });
}

/** Indented by 4, keys sorted, as Ansible prints debug results. */
function pretty(value: unknown): string {
  return pyJsonDumps(value, { indent: 4, sortKeys: true });
}
