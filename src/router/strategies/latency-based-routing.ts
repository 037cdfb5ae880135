import type { Deployment } from '../deployment.js';
import type { PickContext, RoutingStrategy } from '../strategy.js';
import { fitsRateLimits, lowestOrder, randomPick, statsOf } from './shared.js';

export interface LatencyBasedRoutingOptions {
  /**
   * LiteLLM's `routing_strategy_args.lowest_latency_buffer`: deployments whose
   * latency is within `best × (1 + buffer)` are chosen among at random, so
   * traffic does not all herd onto the single fastest one. Default 0.
   */
  lowestLatencyBuffer?: number;
}

/**
 * `latency-based-routing` (LiteLLM): among the deployments with the lowest
 * `order`, the one with the lowest latency (EWMA).
 *
 * - Deployments with no latency yet are tried first (LiteLLM counts them as 0
 *   ms), so every deployment gets measured; several such: one at random.
 * - As LiteLLM does, deployments this request would push over their
 *   `tpm`/`rpm` for the minute are skipped — unless all would be, then all
 *   compete (the limiter queues or refuses; a strategy never throws).
 * - Ties, and everything within the buffer, are chosen among at random.
 */
export class LatencyBasedRouting implements RoutingStrategy {
  readonly needsStats = true;
  readonly lowestLatencyBuffer: number;

  constructor(options: LatencyBasedRoutingOptions = {}) {
    const buffer = options.lowestLatencyBuffer ?? 0;
    if (!Number.isFinite(buffer) || buffer < 0) {
      throw new RangeError(`lowest_latency_buffer must be a number >= 0, got ${String(options.lowestLatencyBuffer)}`);
    }
    this.lowestLatencyBuffer = buffer;
  }

  pick(candidates: readonly Deployment[], ctx: PickContext): Deployment {
    const ordered = lowestOrder(candidates);
    const fitting = ordered.filter((d) => fitsRateLimits(d, statsOf(ctx.stats, d.id), ctx.estimatedTokens));
    const pool = fitting.length > 0 ? fitting : ordered;

    const unmeasured = pool.filter((d) => statsOf(ctx.stats, d.id).latencyMs === undefined);
    if (unmeasured.length > 0) return randomPick(unmeasured, ctx.random);

    const latency = (d: Deployment): number => statsOf(ctx.stats, d.id).latencyMs!;
    let best = Infinity;
    for (const d of pool) best = Math.min(best, latency(d));
    const ceiling = best + this.lowestLatencyBuffer * best;
    const near = pool.filter((d) => latency(d) <= ceiling);
    return randomPick(near.length > 0 ? near : pool, ctx.random);
  }
}
