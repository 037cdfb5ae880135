// Flowchart "HTTP 500 … Redis connection failure": the configured Redis answers PING.

import { redisUnreachableError } from '../../diagnostics/redis-error.js';
import { pingRedis, redisAddress } from '../../diagnostics/redis-ping.js';
import { CATALOG } from '../../errors/catalog.js';
import { configOf, type Check } from '../types.js';

const PING_TIMEOUT_MS = 2000;

export const redisCheck: Check = {
  id: 'redis',
  async run(context) {
    const redis = configOf(context)?.routerSettings.redis;
    if (redis === undefined) return [{ id: 'redis', status: 'skip', message: 'Redis not configured (state is kept per instance)' }];
    const result = await pingRedis(redis, PING_TIMEOUT_MS);
    if (result.ok) return [{ id: 'redis', status: 'pass', message: `Redis at ${redisAddress(result.target)} answered PING` }];
    const error = redisUnreachableError(result, 'Switchyard would start on local state (limits per instance).');
    return [{ id: 'redis', status: 'fail', code: error.code, message: error.message.replaceAll('\n', ' '), fix: CATALOG.redis_unreachable.fix }];
  },
};
