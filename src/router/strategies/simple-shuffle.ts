import type { Deployment, ModelGroup } from '../deployment.js';
import type { RoutingStrategy } from '../strategy.js';

/**
 * LiteLLM's default: among the deployments with the lowest `order`, pick at
 * random, weighted by `weight`, else `rpm`, else `tpm`, else evenly.
 */
export class SimpleShuffle implements RoutingStrategy {
  constructor(private readonly random: () => number = Math.random) {}

  pick(group: ModelGroup): Deployment {
    const candidates = lowestOrder(group.deployments);
    if (candidates.length === 1) return candidates[0]!;
    const weights = candidates.map(weightOf);
    const total = weights.reduce((sum, w) => sum + w, 0);
    if (total <= 0) return candidates[Math.floor(this.random() * candidates.length)]!;
    let ticket = this.random() * total;
    for (let i = 0; i < candidates.length; i++) {
      ticket -= weights[i]!;
      if (ticket < 0) return candidates[i]!;
    }
    return candidates[candidates.length - 1]!;
  }
}

function lowestOrder(deployments: Deployment[]): Deployment[] {
  let min = Infinity;
  for (const d of deployments) min = Math.min(min, d.config.order ?? Infinity);
  return min === Infinity ? deployments : deployments.filter((d) => (d.config.order ?? Infinity) === min);
}

function weightOf(d: Deployment): number {
  return d.config.weight ?? d.config.rpm ?? d.config.tpm ?? 1;
}
