// Test support: a ModuleContext on the local machine, acting in a fresh temporary directory per test.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalConnection, type ModuleContext, type ModuleResult, type AnyModule } from '@kbrun/core';
import { afterEach, beforeEach } from 'vitest';
import { prepareArgs } from '../../../../test/helpers/module-args.js';

export { prepareArgs };

/** The fixtures directory `findFile` resolves against (files/, templates/, vars/). */
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Options of one test context. */
export interface ContextOptions {
  check?: boolean;
  diff?: boolean;
  vars?: Record<string, unknown>;
  environment?: Record<string, string>;
  /** Milliseconds a real sleep lasts per written millisecond (0 = do not really wait). */
  sleepScale?: number;
}

/** A context plus what the module reported through it. */
export interface TestContext {
  ctx: ModuleContext;
  progress: string[];
  logs: string[];
  slept: number[];
  abort: AbortController;
}

/** Looks up `a.b.c` in the variables: the tests' stand-in for the expression language. */
function lookup(vars: Record<string, unknown>, expression: string): unknown {
  const text = expression.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^'.*'$/.test(text)) return text.slice(1, -1);
  return text.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), vars);
}

/** Builds a ModuleContext over a LocalConnection. */
export function makeContext(options: ContextOptions = {}): TestContext {
  const vars = options.vars ?? {};
  const progress: string[] = [];
  const logs: string[] = [];
  const slept: number[] = [];
  const abort = new AbortController();
  const scale = options.sleepScale ?? 0;
  const ctx: ModuleContext = {
    host: 'localhost',
    vars,
    connection: new LocalConnection(),
    check: options.check ?? false,
    diff: options.diff ?? false,
    signal: abort.signal,
    environment: options.environment ?? {},
    evaluate: (expression) => lookup(vars, expression),
    findFile: (kind, path) => (path.startsWith('/') ? path : join(FIXTURES, kind, path)),
    sleep: (ms) =>
      new Promise<void>((done, reject) => {
        slept.push(ms);
        if (abort.signal.aborted) return reject(abort.signal.reason);
        setTimeout(done, ms * scale);
      }),
    progress: (detail) => progress.push(detail),
    log: (message) => logs.push(message),
    isProtected: () => false,
  };
  return { ctx, progress, logs, slept, abort };
}

/** Registers a temporary directory for each test of the calling file and returns accessors for it. */
export function useTempDir(): { readonly dir: string; path(...parts: string[]): string } {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kbrun-builtin-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    path: (...parts) => join(dir, ...parts),
  };
}

/** Runs a module with arguments (prepared as the engine would) in a fresh context. */
export function runModule(module: AnyModule, args: Record<string, unknown>, options: ContextOptions = {}): Promise<ModuleResult> {
  return module.run(prepareArgs(module, args), makeContext(options).ctx);
}

/** A file's text, or null when it does not exist. */
export async function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}

/** A path's permission bits, or null when it does not exist. */
export async function modeOf(path: string): Promise<number | null> {
  return stat(path).then((s) => s.mode & 0o7777, () => null);
}
