import { ConnectionError, type ExecOptions, type ExecResult } from '@kbrun/core';
import type { ClientChannel } from 'ssh2';
import type { BecomePlan, RemoteCommand } from './remote-command.js';
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
 * or an abort kills it, and the connection dying under it is a ConnectionError. With a sudo password, the password
 * is written only when sudo prompts for it, and the command's own stdin only once the command has started.
 */
export function runOnChannel(channel: ClientChannel, run: ChannelRun): Promise<ExecResult> {
  const { options, command } = run;
  const become = command.become;
  return new Promise<ExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code: number | undefined;
    let signalName: string | undefined;
    let timedOut = false;
    let aborted = false;
    let settled = false;
    // sudo with a password: stdout is held until the start marker shows the command runs.
    let waitingToStart = become?.started !== undefined;
    let held = Buffer.alloc(0);
    let prompts = 0;
    let passwordRefused = false;

    const sendStdin = () => {
      if (options.stdin !== undefined) channel.end(options.stdin);
      else channel.end();
    };
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

    channel.on('data', (chunk: Buffer) => {
      if (!waitingToStart) {
        out.push(chunk);
        return;
      }
      held = Buffer.concat([held, chunk]);
      const marker = Buffer.from(`${become!.started}\n`);
      const at = held.indexOf(marker);
      if (at < 0) return;
      waitingToStart = false;
      out.push(held.subarray(at + marker.length));
      held = Buffer.alloc(0);
      sendStdin();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      if (!waitingToStart || !become?.prompt) return;
      const seen = countOf(Buffer.concat(err).toString('latin1'), become.prompt);
      if (seen <= prompts) return;
      prompts = seen;
      if (prompts === 1) channel.write(`${become.password}\n`);
      else {
        // Asked again: the password was wrong. Sending nothing more makes sudo give up.
        passwordRefused = true;
        channel.end();
      }
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
    if (!waitingToStart) sendStdin();

    function finish(): void {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (fallback) clearTimeout(fallback);
      options.signal?.removeEventListener('abort', onAbort);
      const stdout = Buffer.concat(out).toString('utf8');
      let stderr = Buffer.concat(err).toString('utf8');
      if (become?.prompt) stderr = stderr.split(become.prompt).join('');
      if (timedOut) {
        resolve({ rc: 124, stdout, stderr: `${stderr}command timed out after ${options.timeoutMs} ms\n` });
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
        resolve({ rc: 255, stdout, stderr: `${stderr}the server closed the channel without an exit status\n` });
        return;
      }
      const rc = code ?? 128 + (SIGNALS[signalName!] ?? 0);
      if (become && (waitingToStart || (become.password === undefined && rc !== 0))) {
        const failure = becomeFailure(become, stderr, passwordRefused, waitingToStart);
        if (failure !== undefined) {
          resolve({ rc: rc === 0 ? 1 : rc, stdout: '', stderr: failure });
          return;
        }
      }
      resolve({ rc, stdout, stderr });
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

/** A clear message when sudo itself refused (wrong or missing password, not allowed); undefined when the command ran. */
function becomeFailure(become: BecomePlan, stderr: string, passwordRefused: boolean, neverStarted: boolean): string | undefined {
  const said = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'Sorry, try again.');
  // Without a password the command's own stderr is mixed in: only sudo's own first-line refusals count.
  const sudoLine = become.password === undefined ? (/^sudo: (.*is not in the sudoers file|.*is not allowed to|unknown user|.*must be owned by)/.test(said[0] ?? '') ? said[0] : undefined) : said.find((line) => line.startsWith('sudo:'));
  if (passwordRefused || (neverStarted && /incorrect password|Sorry, try again/.test(stderr))) {
    return `become (sudo) failed: incorrect sudo password: check ansible_become_password\n`;
  }
  if (/^sudo: (a password is required|no password was provided|a terminal is required)/m.test(stderr)) {
    return become.password === undefined
      ? `become (sudo) failed: sudo needs a password to run commands as ${become.user}: set ansible_become_password\n`
      : `become (sudo) failed: sudo did not accept the password: check ansible_become_password\n`;
  }
  if (sudoLine !== undefined) return `become (sudo) failed: ${sudoLine}\n`;
  if (neverStarted) return `become (sudo) failed: the command did not start${said.length > 0 ? `: ${said.join(' / ')}` : ''}\n`;
  return undefined;
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}
