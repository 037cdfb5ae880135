import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headroom, UsageBasedRouting } from './usage-based-routing.js';
import { context, deployment, picksOver, stats } from './test-deployments.js';

const strategy = new UsageBasedRouting();

test('usage-based routing needs statistics', () => {
  assert.equal(strategy.needsStats, true);
});

test('picks the fewest tokens used this minute', () => {
  const a = deployment('a');
  const b = deployment('b');
  const c = deployment('c');
  const ctx = context({ a: { tokensThisMinute: 5000 }, b: { tokensThisMinute: 800 }, c: { tokensThisMinute: 2000 } });
  assert.equal(picksOver((x) => strategy.pick([a, b, c], x), ctx).join(), 'b');
});

test('ties on usage are chosen among at random; no statistics means no usage', () => {
  const a = deployment('a');
  const b = deployment('b');
  const c = deployment('c');
  const ctx = context({ a: { tokensThisMinute: 0 }, b: { tokensThisMinute: 10 } });
  assert.equal(strategy.pick([a, b, c], { ...ctx, random: () => 0 }).id, 'a');
  assert.equal(strategy.pick([a, b, c], { ...ctx, random: () => 0.99 }).id, 'c');
});

test('skips a deployment whose tpm this request would exceed', () => {
  const small = deployment('small', { tpm: 1000 });
  const big = deployment('big', { tpm: 100_000 });
  const ctx = context({ small: { tokensThisMinute: 100 }, big: { tokensThisMinute: 50_000 } }, { estimatedTokens: 901 });
  assert.equal(strategy.pick([small, big], ctx).id, 'big');
  // Exactly at the limit still fits.
  assert.equal(strategy.pick([small, big], { ...ctx, estimatedTokens: 900 }).id, 'small');
});

test('skips a deployment whose rpm is used up this minute', () => {
  const limited = deployment('limited', { rpm: 3 });
  const other = deployment('other');
  const ctx = context({ limited: { requestsThisMinute: 3 }, other: { tokensThisMinute: 9000 } });
  assert.equal(strategy.pick([limited, other], ctx).id, 'other');
  assert.equal(strategy.pick([limited, other], context({ limited: { requestsThisMinute: 2 }, other: { tokensThisMinute: 9000 } })).id, 'limited');
});

test('when none fits, the one with the most headroom relative to its limits (never throws)', () => {
  const a = deployment('a', { tpm: 1000 });
  const b = deployment('b', { tpm: 10_000 });
  const c = deployment('c', { rpm: 5 });
  // a: (1000-900-500)/1000 = -0.4; b: (10000-9800-500)/10000 = -0.03; c: (5-5-1)/5 = -0.2
  const ctx = context(
    { a: { tokensThisMinute: 900 }, b: { tokensThisMinute: 9800 }, c: { requestsThisMinute: 5 } },
    { estimatedTokens: 500 },
  );
  assert.equal(picksOver((x) => strategy.pick([a, b, c], x), ctx).join(), 'b');
});

test('headroom is the tightest limit, as a fraction of that limit', () => {
  const both = deployment('both', { tpm: 1000, rpm: 10 });
  assert.equal(headroom(both, stats({ tokensThisMinute: 200, requestsThisMinute: 1 }), 300), 0.5);
  assert.equal(headroom(both, stats({ tokensThisMinute: 0, requestsThisMinute: 8 }), 0), 0.1);
  assert.equal(headroom(deployment('none'), stats(), 1_000_000), Infinity);
  assert.equal(headroom(deployment('zero', { rpm: 0 }), stats(), 0), -Infinity);
});

test('only the lowest order competes, even over its limits', () => {
  const primary = deployment('primary', { order: 1, tpm: 100 });
  const backup = deployment('backup', { order: 2 });
  const unordered = deployment('unordered');
  const ctx = context({ primary: { tokensThisMinute: 100 } }, { estimatedTokens: 50 });
  assert.equal(picksOver((x) => strategy.pick([unordered, backup, primary], x), ctx).join(), 'primary');
  const fresh = context({ primary: { tokensThisMinute: 90_000 } });
  assert.equal(strategy.pick([backup, deployment('later', { order: 3 })], fresh).id, 'backup');
});
