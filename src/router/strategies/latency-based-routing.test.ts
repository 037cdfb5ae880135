import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyBasedRouting } from './latency-based-routing.js';
import { context, deployment, picksOver } from './test-deployments.js';

const a = deployment('a');
const b = deployment('b');
const c = deployment('c');
const d = deployment('d');

test('latency-based routing needs statistics; the buffer defaults to 0', () => {
  const strategy = new LatencyBasedRouting();
  assert.equal(strategy.needsStats, true);
  assert.equal(strategy.lowestLatencyBuffer, 0);
});

test('picks the lowest latency', () => {
  const strategy = new LatencyBasedRouting();
  const ctx = context({ a: { latencyMs: 900 }, b: { latencyMs: 120 }, c: { latencyMs: 300 } });
  assert.equal(picksOver((x) => strategy.pick([a, b, c], x), ctx).join(), 'b');
});

test('equal latencies are chosen among at random', () => {
  const strategy = new LatencyBasedRouting();
  const ctx = context({ a: { latencyMs: 200 }, b: { latencyMs: 500 }, c: { latencyMs: 200 } });
  assert.equal(strategy.pick([a, b, c], { ...ctx, random: () => 0 }).id, 'a');
  assert.equal(strategy.pick([a, b, c], { ...ctx, random: () => 0.99 }).id, 'c');
});

test('deployments without latency data are explored first', () => {
  const strategy = new LatencyBasedRouting();
  const ctx = context({ a: { latencyMs: 10 }, b: { latencyMs: undefined, inFlight: 5 } });
  // b has stats but no latency yet; c has no stats at all: both are unmeasured.
  assert.deepEqual(picksOver((x) => strategy.pick([a, b, c], x), ctx), ['b', 'c']);
});

test('the buffer widens the choice to deployments near the best (no herding)', () => {
  const ctx = context({ a: { latencyMs: 70 }, b: { latencyMs: 100 }, c: { latencyMs: 100 }, d: { latencyMs: 4660 } });
  assert.deepEqual(picksOver((x) => new LatencyBasedRouting().pick([a, b, c, d], x), ctx), ['a']);
  // 50%: anything up to 105 ms competes, as in LiteLLM's documented example.
  assert.deepEqual(picksOver((x) => new LatencyBasedRouting({ lowestLatencyBuffer: 0.5 }).pick([a, b, c, d], x), ctx), ['a', 'b', 'c']);
});

test('only the lowest order competes, even when slower or unmeasured elsewhere', () => {
  const strategy = new LatencyBasedRouting();
  const slow = deployment('slow', { order: 1 });
  const fast = deployment('fast', { order: 2 });
  const fresh = deployment('fresh');
  const ctx = context({ slow: { latencyMs: 5000 }, fast: { latencyMs: 50 } });
  assert.equal(picksOver((x) => strategy.pick([fresh, fast, slow], x), ctx).join(), 'slow');
});

test('skips deployments whose tpm/rpm this request would exceed', () => {
  const strategy = new LatencyBasedRouting();
  const full = deployment('full', { tpm: 1000 });
  const busy = deployment('busy', { rpm: 10 });
  const ctx = context(
    { full: { latencyMs: 10, tokensThisMinute: 900 }, busy: { latencyMs: 20, requestsThisMinute: 10 }, c: { latencyMs: 400 } },
    { estimatedTokens: 200 },
  );
  assert.equal(picksOver((x) => strategy.pick([full, busy, c], x), ctx).join(), 'c');
});

test('when every deployment is over its limits, the fastest is still returned', () => {
  const strategy = new LatencyBasedRouting();
  const x1 = deployment('x1', { rpm: 1 });
  const x2 = deployment('x2', { rpm: 1 });
  const ctx = context({ x1: { latencyMs: 300, requestsThisMinute: 1 }, x2: { latencyMs: 100, requestsThisMinute: 1 } });
  assert.equal(strategy.pick([x1, x2], ctx).id, 'x2');
});

test('rejects a negative or non-finite buffer', () => {
  assert.throws(() => new LatencyBasedRouting({ lowestLatencyBuffer: -0.1 }), RangeError);
  assert.throws(() => new LatencyBasedRouting({ lowestLatencyBuffer: Number.NaN }), RangeError);
});
