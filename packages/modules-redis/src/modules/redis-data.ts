import { defineModule } from '@kbrun/core';
import { loginSchema, withRedis, type LoginArgs } from '../lib/session.js';

/** Arguments of `redis_data` (community.general.redis_data's names). */
export interface RedisDataArgs extends LoginArgs {
  key: string;
  value?: string;
  state?: 'present' | 'absent';
  expiration?: number;
  non_existing?: boolean;
  existing?: boolean;
  keep_ttl?: boolean;
}

/** `redis_data`: sets or deletes one string key (community.general.redis_data); SET only when the value differs. */
export const redisData = defineModule<RedisDataArgs>({
  name: 'redis_data',
  description:
    "Sets a string key to `value` (SET, only when GET differs, with expiration in milliseconds, NX with non_existing, XX with existing, KEEPTTL) or deletes it (state: absent), as community.general.redis_data. From the target's network; check mode reads only. Result: old_value, value, msg.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      ...loginSchema(6379),
      key: { type: 'string', description: 'The key.' },
      value: { type: 'string', description: 'Its value (state present).' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Set or delete.' },
      expiration: { type: 'integer', minimum: 1, description: 'Expiration in milliseconds (PX).' },
      non_existing: { type: 'boolean', description: 'Only set a key that does not exist (NX).' },
      existing: { type: 'boolean', description: 'Only set a key that exists (XX).' },
      keep_ttl: { type: 'boolean', description: 'Keep the key\'s time to live (KEEPTTL).' },
    },
    required: ['key'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    return withRedis(args, ctx, async (client) => {
      const old = await client.call('GET', args.key);
      const oldValue = old === null ? undefined : String(old);
      if ((args.state ?? 'present') === 'absent') {
        if (oldValue === undefined) return { changed: false, msg: `Key: ${args.key} not present` };
        if (!ctx.check) await client.call('DEL', args.key);
        return { changed: true, old_value: oldValue, msg: `Deleted key: ${args.key}` };
      }
      if (args.value === undefined) return { failed: true, changed: false, msg: 'state=present needs value' };
      if (args.non_existing && oldValue !== undefined) return { changed: false, old_value: oldValue, value: oldValue, msg: `Could not set key: ${args.key}. Key already present.` };
      if (args.existing && oldValue === undefined) return { changed: false, msg: `Could not set key: ${args.key}. Key not present.` };
      if (oldValue === args.value && args.expiration === undefined) return { changed: false, old_value: oldValue, value: args.value, msg: `Key: ${args.key} already has the desired value` };
      if (!ctx.check) {
        const command: (string | number)[] = ['SET', args.key, args.value];
        if (args.expiration !== undefined) command.push('PX', args.expiration);
        if (args.non_existing) command.push('NX');
        if (args.existing) command.push('XX');
        if (args.keep_ttl) command.push('KEEPTTL');
        const answer = await client.call(...command);
        if (answer !== 'OK') return { failed: true, changed: false, msg: `SET ${args.key} answered ${String(answer)}` };
      }
      return { changed: true, old_value: oldValue ?? null, value: args.value, msg: `Set key: ${args.key}` };
    });
  },
});
