import { GatewayError } from '../errors/gateway-error.js';
import type { Cooldown } from '../state/store.js';
import type { Deployment } from './deployment.js';

/**
 * Every deployment of a group is cooling down: say which, why and for how
 * long. A group held back only by provider rate limits is a 429 (wait and it
 * works); anything else is a 503.
 */
export function groupUnavailable(alias: string, deployments: readonly Deployment[], cooling: ReadonlyMap<string, Cooldown>, now: number): GatewayError {
  const lines: string[] = [];
  let soonest = Infinity;
  let onlyRateLimited = true;
  for (const d of deployments) {
    const cooldown = cooling.get(d.id);
    if (cooldown === undefined) continue;
    const seconds = Math.max(0, (cooldown.until - now) / 1000);
    soonest = Math.min(soonest, seconds);
    if (cooldown.reason !== 'rate_limit_exceeded') onlyRateLimited = false;
    lines.push(`${d.id} (${d.provider}) ${cooldown.reason} — ${cooldown.message} — back in ${Math.ceil(seconds)} s`);
  }
  const retryAfter = Number.isFinite(soonest) ? Math.max(soonest, 0.001) : 1;
  const code = onlyRateLimited ? 'all_deployments_rate_limited' : 'all_deployments_cooling_down';
  const what = onlyRateLimited ? 'rate-limited by its provider' : 'cooling down after failures';
  return new GatewayError(code, `Every deployment of "${alias}" is ${what}: ${lines.join('; ')}.`, {
    details: {
      retryAfter,
      deployments: deployments.map((d) => ({ id: d.id, reason: cooling.get(d.id)?.reason, seconds_left: Math.ceil(Math.max(0, ((cooling.get(d.id)?.until ?? now) - now) / 1000)) })),
    },
  });
}
