import { defineModule } from '@kbrun/core';
import { parseInfo } from '../lib/resp.js';
import { loginSchema, withRedis, type LoginArgs } from '../lib/session.js';

/** Arguments of `redis_info`. */
export interface RedisInfoArgs extends LoginArgs {
  section?: string;
}

/** `redis_info`: INFO of a Redis server (or Sentinel) as community.general.redis_info returns it, read from the target. */
export const redisInfo = defineModule<RedisInfoArgs>({
  name: 'redis_info',
  description:
    "Reads INFO of a Redis server (community.general.redis_info): `info` is every field of the section(s) as one mapping (numbers as numbers), `sections` the same by section. The connection is opened from the target's network (127.0.0.1 is the target itself).",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      ...loginSchema(6379),
      section: { type: 'string', default: 'default', description: "INFO section: default, all, everything, server, clients, memory, persistence, stats, replication, cpu, keyspace…" },
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    return withRedis(args, ctx, async (client) => {
      const text = String(await client.call('INFO', args.section ?? 'default'));
      const sections = parseInfo(text);
      const info: Record<string, string | number> = {};
      for (const fields of Object.values(sections)) Object.assign(info, fields);
      return { changed: false, info, sections };
    });
  },
});
