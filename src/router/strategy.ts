import type { Deployment, ModelGroup } from './deployment.js';

/**
 * Chooses which deployment of a group serves the next call. One file per
 * strategy (`router_settings.routing_strategy`); the router does the rest.
 */
export interface RoutingStrategy {
  pick(group: ModelGroup): Deployment;
}
