import type { Deployment } from '../deployment.js';
import type { DeploymentStats } from '../../state/store.js';

/** `order: 1` deployments are used before `order: 2` ones (LiteLLM); unordered ones come last. */
export function lowestOrder(deployments: readonly Deployment[]): readonly Deployment[] {
  let min = Infinity;
  for (const d of deployments) min = Math.min(min, d.config.order ?? Infinity);
  return min === Infinity ? deployments : deployments.filter((d) => (d.config.order ?? Infinity) === min);
}

/** Uniform random choice (`random` may return values in [0, 1)). */
export function randomPick<T>(items: readonly T[], random: () => number): T {
  if (items.length === 1) return items[0]!;
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))]!;
}

/** The items with the smallest `key` (every one of them when several tie). */
export function minimaBy<T>(items: readonly T[], key: (item: T) => number): T[] {
  let best = Infinity;
  let winners: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (k < best) {
      best = k;
      winners = [item];
    } else if (k === best) {
      winners.push(item);
    }
  }
  return winners.length > 0 ? winners : [...items];
}

/** A deployment's statistics; zero use and no latency when the store has none yet. */
export function statsOf(stats: ReadonlyMap<string, DeploymentStats>, deploymentId: string): DeploymentStats {
  return stats.get(deploymentId) ?? { inFlight: 0, latencyMs: undefined, requestsThisMinute: 0, tokensThisMinute: 0 };
}

/**
 * Whether one more request needing `estimatedTokens` stays within the
 * deployment's `tpm` and `rpm` for this minute (limits not set always fit).
 */
export function fitsRateLimits(d: Deployment, stats: DeploymentStats, estimatedTokens: number): boolean {
  const { tpm, rpm } = d.config;
  if (tpm !== undefined && stats.tokensThisMinute + estimatedTokens > tpm) return false;
  if (rpm !== undefined && stats.requestsThisMinute + 1 > rpm) return false;
  return true;
}
