import { defineModule } from '@kbrun/core';
import { formatTimestamp, nowMicros } from '../lib/ansible-time.js';

/** Arguments of `pause`. */
export interface PauseArgs {
  seconds?: number | string;
  minutes?: number | string;
}

const TICK_MS = 1000;

/** `pause`: waits a fixed time on the engine's clock, like ansible.builtin.pause with seconds/minutes. */
export const pause = defineModule<PauseArgs>({
  name: 'pause',
  description:
    'Waits for `seconds` or `minutes` (on the engine clock, so simulation runs faster). Interactive prompts (`prompt`, waiting for Enter) are not supported: give a duration.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      seconds: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*$' }], description: 'How many seconds to wait.' },
      minutes: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*$' }], description: 'How many minutes to wait.' },
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    if (args.seconds !== undefined && args.minutes !== undefined) {
      return { failed: true, changed: false, msg: 'parameters are mutually exclusive: minutes|seconds' };
    }
    if (args.seconds === undefined && args.minutes === undefined) {
      return { failed: true, changed: false, msg: 'pause without seconds or minutes waits for a keypress, which kbrun does not support: give seconds or minutes' };
    }
    const inMinutes = args.minutes !== undefined;
    const amount = Number(inMinutes ? args.minutes : args.seconds);
    const totalMs = Math.round(amount * (inMinutes ? 60_000 : 1000));
    const start = nowMicros();
    let waited = 0;
    while (waited < totalMs) {
      const step = Math.min(TICK_MS, totalMs - waited);
      ctx.progress(`paused, ${Math.ceil((totalMs - waited) / 1000)}s left`);
      await ctx.sleep(step);
      waited += step;
    }
    const stop = nowMicros();
    return {
      changed: false,
      start: formatTimestamp(start),
      stop: formatTimestamp(stop),
      // Written seconds, not wall time: on a scaled clock the pause still lasted what the playbook says.
      delta: Math.floor(waited / 1000),
      stdout: `Paused for ${amount} ${inMinutes ? 'minutes' : 'seconds'}`,
      user_input: '',
      echo: true,
    };
  },
});
