import { defineModule } from '@kbrun/core';
import { loginSchema, withRedis, type LoginArgs } from '../lib/session.js';

/** Arguments of `redis_data_info`. */
export interface RedisDataInfoArgs extends LoginArgs {
  key: string;
}

/** `redis_data_info`: whether a key exists and its string value (community.general.redis_data_info). */
export const redisDataInfo = defineModule<RedisDataInfoArgs>({
  name: 'redis_data_info',
  description: "Reads one string key (community.general.redis_data_info): `exists` and `value`. From the target's network; never changes anything.",
  check: 'full',
  schema: {
    type: 'object',
    properties: { ...loginSchema(6379), key: { type: 'string', description: 'The key.' } },
    required: ['key'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    return withRedis(args, ctx, async (client) => {
      const value = await client.call('GET', args.key);
      return value === null ? { changed: false, exists: false } : { changed: false, exists: true, value: String(value) };
    });
  },
});
