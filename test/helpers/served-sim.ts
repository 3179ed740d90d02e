import { spawn } from 'node:child_process';
import { KBRUN_BIN } from './run-kbrun.js';

/** A `kbrun sim serve` process: the URL it printed, and how to stop it. */
export interface ServedSim {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `kbrun sim serve --port 0 …args` in `cwd` as its own process and resolves once it prints its URL. */
export function serveSim(args: readonly string[], cwd: string): Promise<ServedSim> {
  const child = spawn(process.execPath, [KBRUN_BIN, 'sim', 'serve', '--port', '0', ...args], {
    cwd,
    env: { ...process.env, KBRUN_LOOPBACK_ONLY: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (data: Buffer): void => {
      output += data.toString();
      const url = /listening on (http:\/\/\S+\/v1)/.exec(output)?.[1];
      if (url) resolve({ url, pid: child.pid!, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.once('exit', (code) => reject(new Error(`kbrun sim serve exited with ${code} before printing its URL:\n${output}`)));
  });
}
