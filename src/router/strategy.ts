import type { DeploymentStats } from '../state/store.js';
import type { Deployment } from './deployment.js';

/** What a strategy may know when choosing: statistics from the state store. */
export interface PickContext {
  stats: ReadonlyMap<string, DeploymentStats>;
  /** Tokens the request is estimated to need (for usage-based routing). */
  estimatedTokens: number;
  random: () => number;
}

/**
 * Chooses which deployment serves the next call among `candidates` (healthy,
 * not cooling down, never empty). One file per strategy
 * (`router_settings.routing_strategy`); the router does the rest.
 */
export interface RoutingStrategy {
  /** Whether the router must gather statistics before calling `pick` (simple-shuffle needs none). */
  readonly needsStats: boolean;
  pick(candidates: readonly Deployment[], ctx: PickContext): Deployment;
}
