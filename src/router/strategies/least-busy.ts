import type { Deployment } from '../deployment.js';
import type { PickContext, RoutingStrategy } from '../strategy.js';
import { lowestOrder, minimaBy, randomPick, statsOf } from './shared.js';

/**
 * `least-busy` (LiteLLM): among the deployments with the lowest `order`, the
 * one with the fewest calls in flight; ties are broken at random so equally
 * idle deployments share the load.
 */
export class LeastBusy implements RoutingStrategy {
  readonly needsStats = true;

  pick(candidates: readonly Deployment[], ctx: PickContext): Deployment {
    const idlest = minimaBy(lowestOrder(candidates), (d) => statsOf(ctx.stats, d.id).inFlight);
    return randomPick(idlest, ctx.random);
  }
}
