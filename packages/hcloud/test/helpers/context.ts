// Test support: a ModuleContext whose clock runs faster than real time (as the engine's does in simulation).
import { LocalConnection, type AnyModule, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { prepareArgs } from '../../../../test/helpers/module-args.js';

/** Options of a test context. */
export interface ContextOptions {
  check?: boolean;
  environment?: Record<string, string>;
  /** Real milliseconds per written millisecond (default 0.02: a 1 s poll interval lasts 20 ms). */
  scale?: number;
  protectedHosts?: string[];
}

/** A context plus what the module reported through it. */
export interface TestContext {
  ctx: ModuleContext;
  logs: string[];
  abort: AbortController;
}

/** Builds a ModuleContext for hcloud modules. */
export function makeContext(options: ContextOptions = {}): TestContext {
  const logs: string[] = [];
  const abort = new AbortController();
  const scale = options.scale ?? 0.02;
  const ctx: ModuleContext & { isProtected?: (name: string) => boolean } = {
    host: 'localhost',
    vars: {},
    connection: new LocalConnection(),
    check: options.check ?? false,
    diff: false,
    signal: abort.signal,
    environment: options.environment ?? {},
    evaluate: () => undefined,
    findFile: (_kind, path) => path,
    sleep: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (abort.signal.aborted) return reject(abort.signal.reason);
        const onAbort = () => {
          clearTimeout(timer);
          reject(abort.signal.reason);
        };
        const timer = setTimeout(() => {
          abort.signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms * scale);
        abort.signal.addEventListener('abort', onAbort, { once: true });
      }),
    progress: () => undefined,
    log: (message) => logs.push(message),
    isProtected: (name) => (options.protectedHosts ?? []).includes(name),
  };
  return { ctx, logs, abort };
}

/** Validates (filling defaults, as the engine does) and runs a module; throws on invalid arguments. */
export async function runModule(module: AnyModule, args: Record<string, unknown>, options: ContextOptions = {}): Promise<ModuleResult & { logs: string[] }> {
  const copy = prepareArgs(module, args);
  const { ctx, logs } = makeContext(options);
  const result = await module.run(copy, ctx);
  return Object.assign(result, { logs });
}
