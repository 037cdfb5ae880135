import type { Deployment } from '../deployment.js';
import type { PickContext, RoutingStrategy } from '../strategy.js';
import { lowestOrder, weightedPick } from './shared.js';

/**
 * LiteLLM's default: among the deployments with the lowest `order`, pick at
 * random, weighted by `weight`, else `rpm`, else `tpm`, else evenly.
 */
export class SimpleShuffle implements RoutingStrategy {
  readonly needsStats = false;

  pick(candidates: readonly Deployment[], ctx: PickContext): Deployment {
    return weightedPick(lowestOrder(candidates), weightOf, ctx.random);
  }
}

function weightOf(d: Deployment): number {
  return d.config.weight ?? d.config.rpm ?? d.config.tpm ?? 1;
}
