import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoutingStrategyName } from '../../config/types.js';
import { createStrategy, LatencyBasedRouting, LeastBusy, SimpleShuffle, UsageBasedRouting } from './index.js';
import { context, deployment } from './test-deployments.js';

const expected: Record<RoutingStrategyName, { kind: Function; needsStats: boolean }> = {
  'simple-shuffle': { kind: SimpleShuffle, needsStats: false },
  'least-busy': { kind: LeastBusy, needsStats: true },
  'latency-based-routing': { kind: LatencyBasedRouting, needsStats: true },
  'usage-based-routing': { kind: UsageBasedRouting, needsStats: true },
  'usage-based-routing-v2': { kind: UsageBasedRouting, needsStats: true },
};

for (const [name, { kind, needsStats }] of Object.entries(expected) as Array<[RoutingStrategyName, (typeof expected)[RoutingStrategyName]]>) {
  test(`createStrategy('${name}') builds ${kind.name}`, () => {
    const strategy = createStrategy(name);
    assert.ok(strategy instanceof kind);
    assert.equal(strategy.needsStats, needsStats);
    const only = deployment('only');
    assert.equal(strategy.pick([only], context({})), only);
  });
}

test('createStrategy passes the latency buffer to latency-based routing', () => {
  const strategy = createStrategy('latency-based-routing', { lowestLatencyBuffer: 0.5 });
  assert.ok(strategy instanceof LatencyBasedRouting);
  assert.equal(strategy.lowestLatencyBuffer, 0.5);
});

test('createStrategy returns a fresh instance each time', () => {
  assert.notEqual(createStrategy('least-busy'), createStrategy('least-busy'));
});

test('createStrategy refuses an unknown name (from untyped input)', () => {
  assert.throws(() => createStrategy('round-robin' as RoutingStrategyName), /unknown routing strategy: round-robin/);
});
