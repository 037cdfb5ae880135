import type { Deployment } from '../deployment.js';

/** `order: 1` deployments are used before `order: 2` ones (LiteLLM); unordered ones come last. */
export function lowestOrder(deployments: readonly Deployment[]): readonly Deployment[] {
  let min = Infinity;
  for (const d of deployments) min = Math.min(min, d.config.order ?? Infinity);
  return min === Infinity ? deployments : deployments.filter((d) => (d.config.order ?? Infinity) === min);
}

/** Random choice proportional to `weight` (all-zero weights: uniform). */
export function weightedPick(candidates: readonly Deployment[], weight: (d: Deployment) => number, random: () => number): Deployment {
  if (candidates.length === 1) return candidates[0]!;
  const weights = candidates.map(weight);
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total <= 0) return candidates[Math.floor(random() * candidates.length)]!;
  let ticket = random() * total;
  for (let i = 0; i < candidates.length; i++) {
    ticket -= weights[i]!;
    if (ticket < 0) return candidates[i]!;
  }
  return candidates[candidates.length - 1]!;
}
