import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KbrunEvent } from '@kbrun/core';
import { ConsolePrinter } from './console-printer.js';

/** Appends a plain-text log of the whole run (the console's lines, no colours) with a timestamp on each line. */
export function logFileWriter(path: string, verbosity: number): (event: KbrunEvent) => void {
  mkdirSync(dirname(path), { recursive: true });
  const printer = new ConsolePrinter({ color: false, tty: false, verbosity, write: (text) => appendFileSync(path, stamp(text)) });
  return printer.onEvent;
}

/**
 * Writes one log per play batch into `directory`: `batch-<N>-complete.log` (N counts batches over the run)
 * with a summary header (as the fleet runbook's batch logs have) followed by the batch's console lines.
 */
export function batchLogWriter(directory: string, verbosity: number): (event: KbrunEvent) => void {
  let buffer: string[] | undefined;
  let count = 0;
  const printer = new ConsolePrinter({ color: false, tty: false, verbosity, write: (text) => buffer?.push(stamp(text)) });
  return (event) => {
    if (event.type === 'batch_start') buffer = [];
    printer.onEvent(event);
    if (event.type !== 'batch_end' || !buffer) return;
    count++;
    const ok = event.failed.length === 0 && event.unreachable.length === 0;
    const header = [
      `Batch ${count} - ${ok ? 'COMPLETED' : 'FAILED'}`,
      '========================================',
      `Timestamp: ${new Date().toISOString()}`,
      `Play: ${event.play} (batch ${event.batch} of ${event.of})`,
      `Servers: ${JSON.stringify(event.hosts)}`,
      `Status: ${ok ? 'all hosts succeeded' : `failed: ${JSON.stringify(event.failed)}, unreachable: ${JSON.stringify(event.unreachable)}`}`,
      '========================================',
      '',
    ];
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, `batch-${count}-complete.log`), header.join('\n') + buffer.join(''));
    buffer = undefined;
  };
}

function stamp(text: string): string {
  const time = new Date().toISOString();
  return text
    .split('\n')
    .map((line, index, all) => (index === all.length - 1 && line === '' ? '' : `${time} ${line}`))
    .join('\n');
}
