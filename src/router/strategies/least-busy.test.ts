import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeastBusy } from './least-busy.js';
import { context, deployment, picksOver } from './test-deployments.js';

const strategy = new LeastBusy();
const a = deployment('a');
const b = deployment('b');
const c = deployment('c');

test('least-busy needs statistics', () => {
  assert.equal(strategy.needsStats, true);
});

test('picks the deployment with the fewest calls in flight', () => {
  const ctx = context({ a: { inFlight: 3 }, b: { inFlight: 1 }, c: { inFlight: 2 } });
  assert.equal(picksOver((x) => strategy.pick([a, b, c], x), ctx).join(), 'b');
});

test('breaks ties at random through ctx.random', () => {
  const ctx = context({ a: { inFlight: 1 }, b: { inFlight: 4 }, c: { inFlight: 1 } });
  assert.equal(strategy.pick([a, b, c], { ...ctx, random: () => 0 }).id, 'a');
  assert.equal(strategy.pick([a, b, c], { ...ctx, random: () => 0.99 }).id, 'c');
  assert.deepEqual(picksOver((x) => strategy.pick([a, b, c], x), ctx), ['a', 'c']);
});

test('a deployment without statistics counts as idle', () => {
  const ctx = context({ a: { inFlight: 1 }, b: { inFlight: 2 } });
  assert.equal(strategy.pick([a, b, c], ctx).id, 'c');
});

test('all idle: every deployment can be chosen', () => {
  assert.deepEqual(picksOver((x) => strategy.pick([a, b, c], x), context({})), ['a', 'b', 'c']);
});

test('only the lowest order competes, however busy it is', () => {
  const first = deployment('first', { order: 1 });
  const second = deployment('second', { order: 2 });
  const unordered = deployment('unordered');
  const ctx = context({ first: { inFlight: 50 }, second: { inFlight: 0 }, unordered: { inFlight: 0 } });
  assert.equal(picksOver((x) => strategy.pick([unordered, second, first], x), ctx).join(), 'first');
});

test('a single candidate is returned as is', () => {
  assert.equal(strategy.pick([b], context({ b: { inFlight: 9 } })), b);
});
