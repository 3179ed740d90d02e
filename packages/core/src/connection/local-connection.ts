import { spawn } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { KbrunError } from '../errors/kbrun-error.js';
import { dial } from '../net/dialer.js';
import { writeFileAtomic } from '../util/write-atomic.js';
import type { Connection, ExecOptions, ExecResult, PutOptions } from './connection.js';
import { TcpConnectError, tcpFailureOfErrno, type TcpOptions } from './tcp-stream.js';
import { SudoDialog } from './sudo-dialog.js';
import { sudoPlan } from './sudo-plan.js';

/** Runs commands and file operations on the controller itself (`ansible_connection: local`). */
export class LocalConnection implements Connection {
  readonly kind = 'local';

  exec(command: string | readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const own: readonly string[] = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
    const plan = options.become ? sudoPlan(own, options.become) : undefined;
    const argv = plan?.argv ?? own;
    const [file, args] = [argv[0]!, argv.slice(1)];
    return new Promise<ExecResult>((resolve, reject) => {
      const child = spawn(file, args, {
        cwd: options.cwd,
        env: options.env ? { ...process.env, ...options.env } : process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        signal: options.signal,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      // With a sudo password, the password goes only when sudo prompts, and the command's stdin once it runs.
      const dialog = new SudoDialog(plan, {
        answer: (line) => child.stdin.write(line),
        start: () => (options.stdin !== undefined ? child.stdin.end(options.stdin) : child.stdin.end()),
        giveUp: () => child.stdin.end(),
      });
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill('SIGKILL');
            }, options.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => out.push(dialog.stdout(chunk)));
      child.stderr.on('data', (chunk: Buffer) => {
        err.push(chunk);
        dialog.stderr(chunk);
      });
      child.stdin.on('error', () => undefined);
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (timer) clearTimeout(timer);
        if (error.name === 'AbortError') return reject(error);
        // A missing executable is a result (rc 127, as a shell reports it), not an unreachable host.
        resolve({ rc: error.code === 'ENOENT' ? 127 : 126, stdout: '', stderr: `${file}: ${error.message}` });
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        if (timedOut) resolve({ rc: 124, stdout, stderr: `${dialog.clean(stderr)}command timed out after ${options.timeoutMs} ms\n` });
        else resolve(dialog.result(code ?? 128 + (signal ? signalNumber(signal) : 0), stdout, stderr));
      });
      dialog.begin();
    });
  }

  /**
   * Writes a temporary file beside `path` and renames it over. The temporary file is created with the final mode
   * (`mode`, else the replaced file's, else the umask's default), never wider, before any byte is written; then it
   * gets exactly that mode (bits the umask removed, setuid/setgid/sticky).
   */
  async put(path: string, data: string | Buffer, options: PutOptions = {}): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const mode = options.mode ?? (await stat(path).then((s) => s.mode & 0o7777, () => undefined));
    await writeFileAtomic(path, data, mode === undefined ? {} : { mode });
  }

  async get(path: string): Promise<Buffer | null> {
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * The controller's own view: the guarded dialer (loopback guard, simulation address map). A refusal of the guard
   * stays the KbrunError E_NET_GUARD it is; a port that cannot be reached is a TcpConnectError `from the controller`.
   */
  async openTcp(host: string, port: number, options: TcpOptions = {}): Promise<Duplex> {
    try {
      return await dial(host, port, { ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }), ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      if (options.signal?.aborted || error instanceof KbrunError || !(error instanceof Error)) throw error;
      const reason = tcpFailureOfErrno((error as NodeJS.ErrnoException).code);
      throw new TcpConnectError(reason, host, port, 'from the controller', { detail: error.message, cause: error, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
    }
  }

  async close(): Promise<void> {}
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };

function signalNumber(signal: NodeJS.Signals): number {
  return SIGNALS[signal] ?? 0;
}
