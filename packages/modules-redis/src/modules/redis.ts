import { defineModule } from '@kbrun/core';
import { parseInfo, pairsToObject } from '../lib/resp.js';
import { loginSchema, RedisModuleFailure, withRedis, type LoginArgs } from '../lib/session.js';

/** Arguments of `redis` (community.general.redis's names). */
export interface RedisArgs extends LoginArgs {
  command: 'config' | 'flush' | 'replica' | 'slave';
  master_host?: string;
  master_port?: number;
  replica_mode?: 'master' | 'replica' | 'slave';
  db?: number;
  flush_mode?: 'all' | 'db';
  name?: string;
  value?: string;
  rewrite?: boolean;
}

const MEMORY_UNITS: Record<string, number> = { k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };

/** A value as CONFIG GET shows it: memory sizes in bytes (Redis's units: 1k = 1000, 1kb = 1024), yes/no lowercase. */
export function normalizeConfigValue(value: string): string {
  const memory = /^(\d+)\s*(k|kb|m|mb|g|gb)$/i.exec(value.trim());
  if (memory) return String(Number(memory[1]) * MEMORY_UNITS[memory[2]!.toLowerCase()]!);
  if (/^(yes|no)$/i.test(value.trim())) return value.trim().toLowerCase();
  return value.trim().replace(/\s+/g, ' ');
}

/**
 * `redis`: community.general.redis — `config` sets one setting (CONFIG GET, then CONFIG SET only when it differs;
 * `rewrite: true` also persists it with CONFIG REWRITE), `replica` makes the server a replica of master_host:port
 * (REPLICAOF) or a master (REPLICAOF NO ONE) only when it is not already, `flush` empties all databases or `db`.
 */
export const redis = defineModule<RedisArgs>({
  name: 'redis',
  description:
    "Unified Redis changes (community.general.redis): command=config sets `name` to `value` when CONFIG GET differs (rewrite: true persists it); command=replica (or slave) makes the server a replica of master_host:master_port, or a master with replica_mode=master, only when INFO replication says otherwise; command=flush runs FLUSHALL or FLUSHDB (always a change). From the target's network; check mode reads and reports only.",
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      command: { type: 'string', enum: ['config', 'flush', 'replica', 'slave'], description: 'What to do.' },
      ...loginSchema(6379),
      master_host: { type: 'string', description: 'replica: the master to follow, as this server reaches it.' },
      master_port: { type: 'integer', minimum: 1, maximum: 65535, description: 'replica: its port.' },
      replica_mode: { type: 'string', enum: ['master', 'replica', 'slave'], default: 'replica', description: 'replica: become a replica of master_host, or a master.' },
      db: { type: 'integer', minimum: 0, description: 'flush with flush_mode=db: the database number.' },
      flush_mode: { type: 'string', enum: ['all', 'db'], default: 'all', description: 'flush: every database (FLUSHALL) or `db` (FLUSHDB).' },
      name: { type: 'string', description: 'config: the setting (maxmemory, appendonly…).' },
      value: { type: 'string', description: 'config: its wanted value (memory sizes with units compare as bytes).' },
      rewrite: { type: 'boolean', default: false, description: 'config: also CONFIG REWRITE after a change (kbrun extension; community.general does not persist).' },
    },
    required: ['command'],
    additionalProperties: false,
  },
  async run(args, ctx) {
    return withRedis(args, ctx, async (client) => {
      switch (args.command) {
        case 'config': {
          if (args.name === undefined || args.value === undefined) throw new RedisModuleFailure('command=config needs name and value');
          const current = pairsToObject(await client.call('CONFIG', 'GET', args.name))[args.name];
          if (current === undefined) throw new RedisModuleFailure(`unknown configuration setting ${args.name}`);
          if (normalizeConfigValue(current) === normalizeConfigValue(args.value)) return { changed: false, name: args.name, value: current };
          if (!ctx.check) {
            await client.call('CONFIG', 'SET', args.name, args.value);
            if (args.rewrite) await client.call('CONFIG', 'REWRITE');
          }
          return { changed: true, name: args.name, value: args.value, ...(ctx.diff ? { diff: { before: `${args.name} ${current}\n`, after: `${args.name} ${args.value}\n` } } : {}) };
        }
        case 'flush': {
          const mode = args.flush_mode ?? 'all';
          if (mode === 'db' && args.db === undefined) throw new RedisModuleFailure('flush_mode=db needs db');
          if (!ctx.check) {
            if (mode === 'all') await client.call('FLUSHALL');
            else {
              await client.call('SELECT', args.db!);
              await client.call('FLUSHDB');
            }
          }
          return { changed: true, flushed: mode === 'all' ? 'all' : args.db };
        }
        case 'replica':
        case 'slave': {
          const replication = parseInfo(String(await client.call('INFO', 'replication')))['replication'] ?? {};
          const mode = args.replica_mode ?? 'replica';
          if (mode === 'master') {
            if (replication['role'] === 'master') return { changed: false, mode: 'master' };
            if (!ctx.check) await client.call('REPLICAOF', 'NO', 'ONE');
            return { changed: true, mode: 'master' };
          }
          if (args.master_host === undefined) throw new RedisModuleFailure('replica_mode=replica needs master_host');
          const port = args.master_port ?? 6379;
          if (replication['role'] === 'slave' && String(replication['master_host']) === args.master_host && Number(replication['master_port']) === port) {
            return { changed: false, mode: 'replica', master_host: args.master_host, master_port: port };
          }
          if (!ctx.check) await client.call('REPLICAOF', args.master_host, port);
          return { changed: true, mode: 'replica', master_host: args.master_host, master_port: port };
        }
      }
    });
  },
});
