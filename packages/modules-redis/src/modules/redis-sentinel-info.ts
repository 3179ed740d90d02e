import { defineModule } from '@kbrun/core';
import { RedisReplyError, pairsToObject, type RespValue } from '../lib/resp.js';
import { loginSchema, withRedis, type LoginArgs } from '../lib/session.js';

/** Arguments of `redis_sentinel_info`. */
export interface RedisSentinelInfoArgs extends LoginArgs {
  name?: string;
}

function objects(value: RespValue): Record<string, string>[] {
  return Array.isArray(value) ? value.map(pairsToObject) : [];
}

/**
 * `redis_sentinel_info`: what one Sentinel sees — the masters it monitors and, for `name`, the master's address, its
 * replicas, the other Sentinels and whether the quorum can be reached (SENTINEL CKQUORUM). Read-only.
 */
export const redisSentinelInfo = defineModule<RedisSentinelInfoArgs>({
  name: 'redis_sentinel_info',
  description:
    "Reads a Sentinel's view (SENTINEL MASTERS; for `name` also GET-MASTER-ADDR-BY-NAME, REPLICAS, SENTINELS and CKQUORUM): `masters`, `master` ({host, port}, null when the name is not monitored), `replicas`, `sentinels`, `quorum_ok`/`quorum_msg`. From the target's network; never changes anything.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      ...loginSchema(26379),
      name: { type: 'string', description: 'The monitored master name (sentinel monitor NAME …); without it, only `masters`.' },
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    return withRedis({ ...args, login_port: args.login_port ?? 26379 }, ctx, async (client) => {
      const masters = objects(await client.call('SENTINEL', 'MASTERS'));
      if (args.name === undefined) return { changed: false, masters };
      const name = args.name;
      const monitored = masters.find((m) => m['name'] === name);
      if (monitored === undefined) return { changed: false, masters, master: null, replicas: [], sentinels: [], quorum_ok: false, quorum_msg: `no master named ${name} is monitored` };
      const address = await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name);
      const master = Array.isArray(address) && address.length === 2 ? { host: String(address[0]), port: Number(address[1]) } : null;
      const replicas = objects(await client.call('SENTINEL', 'REPLICAS', name));
      const sentinels = objects(await client.call('SENTINEL', 'SENTINELS', name));
      let quorumOk = true;
      let quorumMsg: string;
      try {
        quorumMsg = String(await client.call('SENTINEL', 'CKQUORUM', name));
      } catch (error) {
        if (!(error instanceof RedisReplyError)) throw error;
        quorumOk = false;
        quorumMsg = error.message;
      }
      const flags = String(monitored['flags'] ?? '');
      return {
        changed: false,
        masters,
        master,
        master_flags: flags.split(','),
        master_down: /s_down|o_down/.test(flags),
        replicas,
        sentinels,
        quorum_ok: quorumOk,
        quorum_msg: quorumMsg,
      };
    });
  },
});
