import { defineModule } from '@kbrun/core';
import { pairsToObject } from '../lib/resp.js';
import { loginSchema, RedisModuleFailure, withRedis, type LoginArgs } from '../lib/session.js';

/** Arguments of `redis_sentinel`. */
export interface RedisSentinelArgs extends LoginArgs {
  name: string;
  quorum?: number;
  down_after_milliseconds?: number;
  failover_timeout?: number;
  parallel_syncs?: number;
}

/** The settings this module manages: argument name → Sentinel's name (SENTINEL MASTER / SENTINEL SET). */
const SETTINGS = {
  quorum: 'quorum',
  down_after_milliseconds: 'down-after-milliseconds',
  failover_timeout: 'failover-timeout',
  parallel_syncs: 'parallel-syncs',
} as const;

/**
 * `redis_sentinel`: the settings of one monitored master on one Sentinel (quorum, down-after-milliseconds,
 * failover-timeout, parallel-syncs): reads SENTINEL MASTER and sends SENTINEL SET only for those that differ.
 * Sentinel persists them in its own file. The master itself (`sentinel monitor`) is not changed here.
 */
export const redisSentinel = defineModule<RedisSentinelArgs>({
  name: 'redis_sentinel',
  description:
    "Keeps the settings of a monitored master on a Sentinel (quorum, down_after_milliseconds, failover_timeout, parallel_syncs): SENTINEL MASTER is read and SENTINEL SET sent only for the settings that differ (Sentinel then rewrites its own file). From the target's network; check mode reads only. Fails when the name is not monitored.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      ...loginSchema(26379),
      name: { type: 'string', description: 'The monitored master name.' },
      quorum: { type: 'integer', minimum: 1, description: 'Sentinels that must agree the master is down.' },
      down_after_milliseconds: { type: 'integer', minimum: 1, description: 'Milliseconds without a valid reply before the master is subjectively down.' },
      failover_timeout: { type: 'integer', minimum: 1, description: 'Failover timeout in milliseconds.' },
      parallel_syncs: { type: 'integer', minimum: 1, description: 'Replicas reconfigured at the same time after a failover.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    return withRedis({ ...args, login_port: args.login_port ?? 26379 }, ctx, async (client) => {
      let current: Record<string, string>;
      try {
        current = pairsToObject(await client.call('SENTINEL', 'MASTER', args.name));
      } catch (error) {
        throw new RedisModuleFailure(`${args.name} is not monitored by this Sentinel (${(error as Error).message})`);
      }
      const changes: [string, string][] = [];
      for (const [argument, setting] of Object.entries(SETTINGS) as [keyof typeof SETTINGS, string][]) {
        const wanted = args[argument];
        if (wanted !== undefined && current[setting] !== String(wanted)) changes.push([setting, String(wanted)]);
      }
      if (changes.length === 0) return { changed: false, name: args.name };
      if (!ctx.check) await client.call('SENTINEL', 'SET', args.name, ...changes.flat());
      const before = changes.map(([setting]) => `${setting} ${current[setting] ?? ''}\n`).join('');
      const after = changes.map(([setting, value]) => `${setting} ${value}\n`).join('');
      return { changed: true, name: args.name, set: Object.fromEntries(changes), ...(ctx.diff ? { diff: { before, after } } : {}) };
    });
  },
});
