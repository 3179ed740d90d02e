import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The kbrun binary of this checkout. */
export const KBRUN_BIN = fileURLToPath(new URL('../../packages/cli/bin/kbrun.js', import.meta.url));

/** What a kbrun process printed and returned. */
export interface KbrunRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the kbrun binary with the loopback guard on and colours off. */
export function runKbrun(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<KbrunRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KBRUN_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, KBRUN_LOOPBACK_ONLY: '1', NO_COLOR: '1', FORCE_COLOR: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Parses NDJSON output into events. */
export function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The recap event's per-host counters. */
export function recapOf(stdout: string): Record<string, Record<string, number>> {
  const recap = events(stdout).find((e) => e['type'] === 'recap');
  if (!recap) throw new Error(`no recap in output:\n${stdout}`);
  return recap['hosts'] as Record<string, Record<string, number>>;
}
