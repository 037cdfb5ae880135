// Builds the shared store for `router_settings.redis_*` / REDIS_*: an ioredis
// client tuned to fail fast, the RedisStore over it, and the FailoverStore
// that answers from memory whenever Redis does not.

import type { RedisSettings } from '../config/types.js';
import { redisAddress, redisTarget } from '../diagnostics/redis-ping.js';
import type { Logger } from '../observability/logger.js';
import { FailoverStore } from './failover-store.js';
import { createRedisClient, type RedisClientTuning } from './redis-client.js';
import { RedisStore, type RedisStoreOptions } from './redis-store.js';

export interface OpenRedisStoreOptions {
  log?: Pick<Logger, 'warn' | 'info'>;
  tuning?: RedisClientTuning;
  store?: RedisStoreOptions;
}

/** Starts connecting at once and never blocks: until Redis answers, the store serves from local state. */
export function openRedisStore(settings: RedisSettings, options: OpenRedisStoreOptions = {}): FailoverStore {
  const client = createRedisClient(settings, options.tuning);
  return new FailoverStore(new RedisStore(client, options.store), { log: options.log, address: redisAddress(redisTarget(settings)) });
}
