import { ConnectionError, SudoDialog, type ExecOptions, type ExecResult } from '@kbrun/core';
import type { ClientChannel } from 'ssh2';
import type { RemoteCommand } from './remote-command.js';
import { abortReason } from './semaphore.js';

/** What a command run needs to know besides its channel. */
export interface ChannelRun {
  command: RemoteCommand;
  options: ExecOptions;
  /** False once the connection the channel belongs to has closed. */
  connectionAlive(): boolean;
  /** How messages name the host. */
  label: string;
}

// How long a killed command's channel may take to close before the result is given without it. OpenSSH refuses
// signal requests on root logins (no post-login privilege separation): there the command runs on until it ends,
// as it does when Ansible gives up on a command.
const KILL_GRACE_MS = 500;

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, ILL: 4, ABRT: 6, FPE: 8, KILL: 9, SEGV: 11, PIPE: 13, ALRM: 14, TERM: 15, USR1: 10, USR2: 12 };

/**
 * Runs one command on an open exec channel and collects its result: stdin written then closed, a timeout (rc 124)
 * or an abort kills it, and the connection dying under it is a ConnectionError. With a sudo password, core's
 * SudoDialog writes the password only when sudo prompts for it, and the command's own stdin once the command runs.
 */
export function runOnChannel(channel: ClientChannel, run: ChannelRun): Promise<ExecResult> {
  const { options, command } = run;
  return new Promise<ExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code: number | undefined;
    let signalName: string | undefined;
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const dialog = new SudoDialog(command.become, {
      answer: (line) => channel.write(line),
      start: () => (options.stdin !== undefined ? channel.end(options.stdin) : channel.end()),
      giveUp: () => channel.end(),
    });
    let fallback: NodeJS.Timeout | undefined;
    const kill = () => {
      sendSignal(channel, 'KILL');
      channel.close();
      // A server that ignores signals closes the channel only when the command ends: don't wait for that.
      fallback = setTimeout(finish, KILL_GRACE_MS);
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    channel.on('data', (chunk: Buffer) => out.push(dialog.stdout(chunk)));
    channel.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      dialog.stderr(chunk);
    });
    // ssh2 repeats the exit status on 'close'; the 'exit' event itself may have fired before this code got the
    // channel (the whole reply can arrive in one packet, parsed before the promise that delivers the channel settles).
    const recordExit = (exitCode?: number | null, exitSignal?: string) => {
      if (typeof exitCode === 'number') code = exitCode;
      else if (typeof exitSignal === 'string') signalName = exitSignal.replace(/^SIG/, '');
    };
    channel.on('exit', recordExit);
    channel.on('close', (exitCode?: number | null, exitSignal?: string) => {
      if (code === undefined && signalName === undefined) recordExit(exitCode, exitSignal);
      // The connection's own close event comes first when the connection died; let it land before judging.
      setImmediate(finish);
    });
    dialog.begin();

    function finish(): void {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (fallback) clearTimeout(fallback);
      options.signal?.removeEventListener('abort', onAbort);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        resolve({ rc: 124, stdout, stderr: `${dialog.clean(stderr)}command timed out after ${options.timeoutMs} ms\n` });
        return;
      }
      if (aborted) {
        reject(abortReason(options.signal!));
        return;
      }
      if (code === undefined && signalName === undefined) {
        if (!run.connectionAlive()) {
          reject(new ConnectionError(`ssh to ${run.label}: the connection was lost while a command was running`));
          return;
        }
        resolve({ rc: 255, stdout, stderr: `${dialog.clean(stderr)}the server closed the channel without an exit status\n` });
        return;
      }
      resolve(dialog.result(code ?? 128 + (SIGNALS[signalName!] ?? 0), stdout, stderr));
    }
  });
}

/**
 * Sends a signal request for the channel's command (OpenSSH 7.9+ delivers it). ssh2's `channel.signal()` refuses once
 * stdin has been closed, which is always the case here, so the request goes through the channel's protocol directly.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as { outgoing?: { id?: number; state?: string }; _client?: { _protocol?: { signal?: (id: number, name: string) => void } } };
  try {
    const protocol = internals._client?._protocol;
    const outgoing = internals.outgoing;
    if ((outgoing?.state === 'open' || outgoing?.state === 'eof') && outgoing.id !== undefined && typeof protocol?.signal === 'function') protocol.signal(outgoing.id, name);
    else channel.signal(name);
  } catch {
    // no signal: closing the channel is all that is left
  }
}
