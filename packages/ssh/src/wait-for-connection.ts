import { ConnectionError, defineModule, type ModuleContext } from '@kbrun/core';

/** Arguments of `wait_for_connection`. */
export interface WaitForConnectionArgs {
  timeout?: number;
  delay?: number;
  sleep?: number;
  connect_timeout?: number;
}

/** Why one attempt did not get an answer, or undefined when the host answered. */
type Attempt = string | undefined;

/**
 * `wait_for_connection`: retries a trivial command (`true`) on the host's connection until it answers, like
 * ansible.builtin.wait_for_connection — after a rebuild or reboot. A failed login is not remembered by the SSH
 * connection, so every attempt logs in afresh until one succeeds.
 */
export const waitForConnection = defineModule<WaitForConnectionArgs>({
  name: 'wait_for_connection',
  description:
    'Waits until the host answers on its connection (runs `true` over it, logging in again as needed), for instance after a rebuild or reboot. Fails after `timeout` seconds with the last error.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      timeout: { type: 'number', minimum: 0, default: 600, description: 'Seconds to wait before failing.' },
      delay: { type: 'number', minimum: 0, default: 0, description: 'Seconds to wait before the first attempt.' },
      sleep: { type: 'number', minimum: 0, default: 1, description: 'Seconds between attempts.' },
      connect_timeout: { type: 'number', minimum: 0, default: 5, description: 'Seconds one attempt may take before it counts as failed.' },
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    const timeoutMs = (args.timeout ?? 600) * 1000;
    const sleepMs = (args.sleep ?? 1) * 1000;
    const attemptMs = Math.max(1, (args.connect_timeout ?? 5) * 1000);
    // Elapsed time is the sum of the waits (on the engine's clock) and the real time of each attempt.
    let elapsedMs = 0;
    const wait = async (ms: number) => {
      if (ms <= 0) return;
      await ctx.sleep(ms);
      elapsedMs += ms;
    };
    await wait((args.delay ?? 0) * 1000);
    let last = 'no attempt was made';
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const failure = await probe(ctx, attemptMs);
      elapsedMs += performance.now() - started;
      if (failure === undefined) return { changed: false, elapsed: Math.floor(elapsedMs / 1000) };
      last = failure;
      ctx.progress(`attempt ${attempt}: ${failure}`);
      if (elapsedMs >= timeoutMs) break;
      await wait(Math.min(sleepMs, timeoutMs - elapsedMs));
      if (elapsedMs >= timeoutMs) break;
    }
    return { failed: true, changed: false, elapsed: Math.floor(elapsedMs / 1000), msg: `timed out waiting for connection: ${last}` };
  },
});

/** One attempt: `true` on the connection within `limitMs`; resolves to why it failed, or undefined. */
async function probe(ctx: ModuleContext, limitMs: number): Promise<Attempt> {
  let timer: NodeJS.Timeout | undefined;
  const tooLong = new Promise<Attempt>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${limitMs / 1000} s`), limitMs);
  });
  // A slow login keeps going after the attempt gave up on it: the next attempt joins it instead of starting another.
  const answer = ctx.connection.exec(['true'], { signal: ctx.signal }).then(
    (result): Attempt => (result.rc === 0 ? undefined : `true returned rc ${result.rc}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}`),
    (error: unknown): Attempt => {
      if (error instanceof ConnectionError) return error.message;
      if (ctx.signal.aborted) throw error;
      return (error as Error).message ?? String(error);
    },
  );
  try {
    return await Promise.race([answer, tooLong]);
  } finally {
    clearTimeout(timer);
  }
}
