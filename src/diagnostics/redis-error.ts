import { GatewayError } from '../errors/gateway-error.js';
import { redisAddress, type RedisPingResult } from './redis-ping.js';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'refused the connection (is Redis running on that port?)',
  ETIMEDOUT: 'did not answer in time (firewall, wrong host, or Redis busy)',
  ENOTFOUND: 'has a host name that does not resolve',
  EAI_AGAIN: 'could not be resolved right now (temporary DNS failure)',
  EHOSTUNREACH: 'is not reachable from this machine',
  WRONGPASS: 'rejected the password (redis_password / REDIS_PASSWORD)',
  NOAUTH: 'requires a password, and none is configured (set redis_password)',
};

/**
 * The `redis_unreachable` error for a failed ping: host, port and the OS error,
 * never the password. `consequence` says what Switchyard does about it.
 */
export function redisUnreachableError(result: Extract<RedisPingResult, { ok: false }>, consequence: string): GatewayError {
  const address = redisAddress(result.target);
  const reason = REASONS[result.reason] ?? `could not be used (${result.detail})`;
  return new GatewayError('redis_unreachable', `Redis at ${address} ${reason} [${result.reason}].\n${consequence}`, {
    details: { host: result.target.host, port: result.target.port, os_error: result.reason },
  });
}
