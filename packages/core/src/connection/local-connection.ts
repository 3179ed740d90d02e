import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sudoArgv } from './become.js';
import type { Connection, ExecOptions, ExecResult, PutOptions } from './connection.js';

/** Runs commands and file operations on the controller itself (`ansible_connection: local`). */
export class LocalConnection implements Connection {
  readonly kind = 'local';

  exec(command: string | readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    let argv: readonly string[] = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
    let stdin = options.stdin;
    if (options.become) {
      argv = sudoArgv(argv, options.become);
      if (options.become.password !== undefined) stdin = Buffer.concat([Buffer.from(`${options.become.password}\n`), Buffer.from(stdin ?? '')]);
    }
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
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill('SIGKILL');
            }, options.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.stdin.on('error', () => undefined);
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (timer) clearTimeout(timer);
        if (error.name === 'AbortError') return reject(error);
        // A missing executable is a result (rc 127, as a shell reports it), not an unreachable host.
        resolve({ rc: error.code === 'ENOENT' ? 127 : 126, stdout: '', stderr: `${file}: ${error.message}` });
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        const stderr = Buffer.concat(err).toString('utf8');
        resolve({
          rc: timedOut ? 124 : (code ?? 128 + (signal ? signalNumber(signal) : 0)),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: timedOut ? `${stderr}command timed out after ${options.timeoutMs} ms\n` : stderr,
        });
      });
      if (stdin !== undefined) child.stdin.end(stdin);
      else child.stdin.end();
    });
  }

  async put(path: string, data: string | Buffer, options: PutOptions = {}): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.${basename(path)}.kbrun-${randomBytes(6).toString('hex')}`);
    // Without an explicit mode, a replaced file keeps the mode it had.
    const mode = options.mode ?? (await stat(path).then((s) => s.mode & 0o7777, () => undefined));
    await writeFile(temporary, data);
    if (mode !== undefined) await chmod(temporary, mode);
    await rename(temporary, path);
  }

  async get(path: string): Promise<Buffer | null> {
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async close(): Promise<void> {}
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };

function signalNumber(signal: NodeJS.Signals): number {
  return SIGNALS[signal] ?? 0;
}
