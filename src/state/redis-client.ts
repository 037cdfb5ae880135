// The ioredis client for the shared store, tuned to fail fast: a request
// must never wait on a dead Redis longer than one command timeout, because
// FailoverStore answers from local state instead.
//
// - enableOfflineQueue: false — while disconnected a command rejects at once
//   instead of queueing (an unbounded queue would hold every request).
// - commandTimeout — a connected but silent Redis (paused, partitioned)
//   costs at most this per command.
// - maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false — a
//   command cut off by a lost connection is not replayed later: by then its
//   caller has been answered from local state, and a replayed `take` would
//   charge a budget twice.
// - retryStrategy — ioredis keeps reconnecting in the background (every 2 s
//   at most), which is how FailoverStore notices Redis is back.

import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config/types.js';
import { redisTarget } from '../diagnostics/redis-ping.js';

export interface RedisClientTuning {
  /** Longest wait for one command. Default 250 ms. */
  commandTimeoutMs?: number;
  /** Longest wait for one connection attempt. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts. Default 2000 ms. */
  maxReconnectDelayMs?: number;
}

/** A client for `router_settings.redis_*` / REDIS_* (redis_url wins, as in LiteLLM); it starts connecting at once. */
export function createRedisClient(settings: RedisSettings, tuning: RedisClientTuning = {}): Redis {
  // The same reading of the settings as the start-up check and `doctor`, so all three talk about the same address.
  const target = redisTarget(settings);
  const maxDelay = tuning.maxReconnectDelayMs ?? 2000;
  const options: RedisOptions = {
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    db: databaseOf(settings.url),
    tls: target.tls ? { servername: target.host } : undefined,
    enableOfflineQueue: false,
    commandTimeout: tuning.commandTimeoutMs ?? 250,
    connectTimeout: tuning.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => Math.min(100 * times, maxDelay),
    // Switchyard names its connections so `CLIENT LIST` shows who they are.
    connectionName: 'switchyard',
  };
  return new Redis(options);
}

/** `redis://host:port/2` selects database 2, as redis-cli and LiteLLM read it. */
function databaseOf(url: string | undefined): number | undefined {
  if (url === undefined) return undefined;
  try {
    const db = Number(new URL(url).pathname.slice(1));
    return Number.isInteger(db) && db > 0 ? db : undefined;
  } catch {
    return undefined;
  }
}
