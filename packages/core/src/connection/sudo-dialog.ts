import type { ExecResult } from './connection.js';
import type { SudoPlan } from './sudo-plan.js';
import { sudoRefusal } from './sudo-refusal.js';

/** How a dialog acts on the running process's stdin (each transport has its own pipe or channel). */
export interface SudoDialogIo {
  /** Writes the password line, keeping stdin open. */
  answer(line: string): void;
  /** Writes the command's own stdin, if any, and closes it. */
  start(): void;
  /** Closes stdin with nothing more: sudo gives up. */
  giveUp(): void;
}

const NOTHING = Buffer.alloc(0);

/**
 * Drives one command run by a `SudoPlan` from what the process prints: answers sudo's prompt with the password
 * only when it appears (once: a second prompt means the password was wrong), holds stdout back until the command's
 * start line and sends the command's stdin only then, and turns sudo's own refusals into clear results. Without a
 * plan, or without a password, it passes everything through. The SSH and local connections share it.
 */
export class SudoDialog {
  readonly #plan: SudoPlan | undefined;
  readonly #io: SudoDialogIo;
  #waiting: boolean;
  #held = NOTHING;
  #stderrSoFar = '';
  #prompts = 0;
  #passwordRefused = false;

  constructor(plan: SudoPlan | undefined, io: SudoDialogIo) {
    this.#plan = plan;
    this.#io = io;
    this.#waiting = plan?.started !== undefined;
  }

  /** Call once the process runs: without a password to give, the command's stdin goes at once. */
  begin(): void {
    if (!this.#waiting) this.#io.start();
  }

  /** Takes a chunk of the process's stdout; returns the part that is the command's own output. */
  stdout(chunk: Buffer): Buffer {
    if (!this.#waiting) return chunk;
    this.#held = Buffer.concat([this.#held, chunk]);
    const marker = Buffer.from(`${this.#plan!.started}\n`);
    const at = this.#held.indexOf(marker);
    if (at < 0) return NOTHING;
    const rest = this.#held.subarray(at + marker.length);
    this.#held = NOTHING;
    this.#waiting = false;
    this.#io.start();
    return rest;
  }

  /** Takes a chunk of the process's stderr: the first prompt is answered, a second one makes sudo give up. */
  stderr(chunk: Buffer): void {
    const prompt = this.#plan?.prompt;
    if (!this.#waiting || prompt === undefined) return;
    this.#stderrSoFar += chunk.toString('latin1');
    const seen = countOf(this.#stderrSoFar, prompt);
    if (seen <= this.#prompts) return;
    this.#prompts = seen;
    if (this.#prompts === 1) this.#io.answer(`${this.#plan!.password}\n`);
    else {
      this.#passwordRefused = true;
      this.#io.giveUp();
    }
  }

  /** stderr without sudo's prompts. */
  clean(stderr: string): string {
    const prompt = this.#plan?.prompt;
    return prompt === undefined ? stderr : stderr.split(prompt).join('');
  }

  /** The command's result once the process ended: sudo's own refusal becomes a clear failure without output. */
  result(rc: number, stdout: string, rawStderr: string): ExecResult {
    const stderr = this.clean(rawStderr);
    const plan = this.#plan;
    if (plan && (this.#waiting || (plan.password === undefined && rc !== 0))) {
      const refusal = sudoRefusal(plan, { stderr, passwordRefused: this.#passwordRefused, neverStarted: this.#waiting });
      if (refusal !== undefined) return { rc: rc === 0 ? 1 : rc, stdout: '', stderr: refusal };
    }
    return { rc, stdout, stderr };
  }
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}
