import type { RoutingStrategyName } from '../../config/types.js';
import type { RoutingStrategy } from '../strategy.js';
import { LatencyBasedRouting, type LatencyBasedRoutingOptions } from './latency-based-routing.js';
import { LeastBusy } from './least-busy.js';
import { SimpleShuffle } from './simple-shuffle.js';
import { UsageBasedRouting } from './usage-based-routing.js';

export { LatencyBasedRouting, type LatencyBasedRoutingOptions } from './latency-based-routing.js';
export { LeastBusy } from './least-busy.js';
export { SimpleShuffle } from './simple-shuffle.js';
export { UsageBasedRouting } from './usage-based-routing.js';

/** `router_settings.routing_strategy_args`, in our spelling; each strategy reads what concerns it. */
export type StrategyOptions = LatencyBasedRoutingOptions;

/** The strategy for `router_settings.routing_strategy`. */
export function createStrategy(name: RoutingStrategyName, options: StrategyOptions = {}): RoutingStrategy {
  switch (name) {
    case 'simple-shuffle':
      return new SimpleShuffle();
    case 'least-busy':
      return new LeastBusy();
    case 'latency-based-routing':
      return new LatencyBasedRouting(options);
    case 'usage-based-routing':
    case 'usage-based-routing-v2':
      return new UsageBasedRouting();
    default: {
      const unknown: never = name;
      throw new Error(`unknown routing strategy: ${String(unknown)}`);
    }
  }
}
