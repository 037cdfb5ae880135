import type { DeploymentStats } from '../../state/store.js';
import type { Deployment } from '../deployment.js';
import type { PickContext, RoutingStrategy } from '../strategy.js';
import { fitsRateLimits, lowestOrder, minimaBy, randomPick, statsOf } from './shared.js';

/**
 * `usage-based-routing` and `usage-based-routing-v2` (LiteLLM's
 * lowest-TPM/RPM): among the deployments with the lowest `order`, and of those
 * the ones whose `tpm`/`rpm` this request would not exceed this minute, the
 * one that has used the fewest tokens this minute; ties at random.
 *
 * When none fits, LiteLLM fails the call; here the strategy never throws: it
 * picks the deployment with the most headroom relative to its limits, and the
 * rate limiter after it queues or refuses the call with the proper error.
 */
export class UsageBasedRouting implements RoutingStrategy {
  readonly needsStats = true;

  pick(candidates: readonly Deployment[], ctx: PickContext): Deployment {
    const ordered = lowestOrder(candidates);
    const fitting = ordered.filter((d) => fitsRateLimits(d, statsOf(ctx.stats, d.id), ctx.estimatedTokens));
    if (fitting.length > 0) {
      return randomPick(minimaBy(fitting, (d) => statsOf(ctx.stats, d.id).tokensThisMinute), ctx.random);
    }
    const roomiest = minimaBy(ordered, (d) => -headroom(d, statsOf(ctx.stats, d.id), ctx.estimatedTokens));
    return randomPick(roomiest, ctx.random);
  }
}

/**
 * The fraction of the tightest limit that would remain after this request
 * (negative when over; `Infinity` without limits): 0.1 means 10% left.
 */
export function headroom(d: Deployment, stats: DeploymentStats, estimatedTokens: number): number {
  let room = Infinity;
  const { tpm, rpm } = d.config;
  if (tpm !== undefined) room = Math.min(room, tpm > 0 ? (tpm - stats.tokensThisMinute - estimatedTokens) / tpm : -Infinity);
  if (rpm !== undefined) room = Math.min(room, rpm > 0 ? (rpm - stats.requestsThisMinute - 1) / rpm : -Infinity);
  return room;
}
