// @kbrun/modules-redis: Redis, Sentinel and HAProxy's runtime API under community.general's names, reaching the
// services from the target's side (RESP over the connection's TCP stream; HAProxy's stats socket through the
// target's socat/nc or a loopback TCP socket).
import type { ModulePack } from '@kbrun/core';
import { haproxy, haproxyServer } from './modules/haproxy.js';
import { redis } from './modules/redis.js';
import { redisData } from './modules/redis-data.js';
import { redisDataInfo } from './modules/redis-data-info.js';
import { redisInfo } from './modules/redis-info.js';
import { redisSentinel } from './modules/redis-sentinel.js';
import { redisSentinelInfo } from './modules/redis-sentinel-info.js';

// Each module, for callers that register or wrap modules one by one.
export { haproxy, haproxyServer, redis, redisData, redisDataInfo, redisInfo, redisSentinel, redisSentinelInfo };
// The argument type of each module (what its schema validates).
export type { HaproxyArgs } from './modules/haproxy.js';
export type { RedisArgs } from './modules/redis.js';
export type { RedisDataArgs } from './modules/redis-data.js';
export type { RedisDataInfoArgs } from './modules/redis-data-info.js';
export type { RedisInfoArgs } from './modules/redis-info.js';
export type { RedisSentinelArgs } from './modules/redis-sentinel.js';
export type { RedisSentinelInfoArgs } from './modules/redis-sentinel-info.js';
// The RESP client and parsers (tests, other packs that talk to Redis).
export { encodeCommand, parseInfo, RedisReplyError, RespClient, type RespValue } from './lib/resp.js';
export { parseServersState, type ServerState } from './lib/haproxy-runtime.js';

/** The Redis pack, keyed by module name (registered explicitly by the CLI); haproxy_server is haproxy's other name. */
export const redisModules: ModulePack = {
  redis,
  redis_info: redisInfo,
  redis_data: redisData,
  redis_data_info: redisDataInfo,
  redis_sentinel: redisSentinel,
  redis_sentinel_info: redisSentinelInfo,
  haproxy,
  haproxy_server: haproxyServer,
};
