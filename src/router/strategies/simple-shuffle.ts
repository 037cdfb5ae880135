import type { Deployment } from '../deployment.js';
import type { PickContext, RoutingStrategy } from '../strategy.js';
import { lowestOrder } from './shared.js';

/**
 * LiteLLM's default: among the deployments with the lowest `order`, pick at
 * random, weighted by `weight`, else `rpm`, else `tpm`, else evenly.
 *
 * A group's weights do not change between requests, so the draw is prepared
 * once per candidate list (lowest order, running totals) and a pick is a
 * binary search: with 1,000 deployments in a group, reading every weight on
 * every request cost ≈20 µs. The router hands over a fresh array each time,
 * so a prepared draw is found by the list's first deployment and reused when
 * the list holds the same deployments (pointer comparisons, ≈1 µs at 1,000);
 * a list with some deployments cooling or tried gets its own.
 */
export class SimpleShuffle implements RoutingStrategy {
  readonly needsStats = false;
  private readonly draws = new WeakMap<Deployment, WeightedDraw>();

  pick(candidates: readonly Deployment[], ctx: PickContext): Deployment {
    if (candidates.length === 1) return candidates[0]!;
    let draw = this.draws.get(candidates[0]!);
    if (draw === undefined || !draw.isFor(candidates)) {
      draw = new WeightedDraw(candidates);
      this.draws.set(candidates[0]!, draw);
    }
    return draw.pick(ctx.random);
  }
}

function weightOf(d: Deployment): number {
  return d.config.weight ?? d.config.rpm ?? d.config.tpm ?? 1;
}

/** A random choice proportional to weight over one list (all-zero weights: uniform), prepared for repeated picks. */
class WeightedDraw {
  /** A copy of the list it was prepared for: the caller's array is not ours to keep. */
  private readonly source: readonly Deployment[];
  private readonly pool: readonly Deployment[];
  /** cumulative[i]: the weights of pool[0..i] summed. */
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(candidates: readonly Deployment[]) {
    this.source = [...candidates];
    this.pool = lowestOrder(this.source);
    this.cumulative = new Float64Array(this.pool.length);
    let sum = 0;
    for (let i = 0; i < this.pool.length; i++) {
      sum += weightOf(this.pool[i]!);
      this.cumulative[i] = sum;
    }
    this.total = sum;
  }

  /** Whether `candidates` holds the same deployments, in the same order, as the list this was prepared for. */
  isFor(candidates: readonly Deployment[]): boolean {
    if (candidates.length !== this.source.length) return false;
    for (let i = 0; i < candidates.length; i++) if (candidates[i] !== this.source[i]) return false;
    return true;
  }

  pick(random: () => number): Deployment {
    const pool = this.pool;
    if (pool.length === 1) return pool[0]!;
    if (this.total <= 0) return pool[Math.floor(random() * pool.length)]!;
    const ticket = random() * this.total;
    // The first deployment whose running total passes the ticket (zero weights are never chosen).
    let low = 0;
    let high = pool.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid]! > ticket) high = mid;
      else low = mid + 1;
    }
    return pool[low]!;
  }
}
