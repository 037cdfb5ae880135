import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimpleShuffle } from './simple-shuffle.js';
import { context, deployment } from './test-deployments.js';

const at = (strategy: SimpleShuffle, list: Parameters<SimpleShuffle['pick']>[0], random: number) => strategy.pick(list, context({}, { random })).id;

test('picks in proportion to weight, else rpm, else tpm, else evenly', () => {
  const strategy = new SimpleShuffle();
  // Weights 1, 3 (weight), 2 (rpm), 4 (tpm): running totals 1, 4, 6, 10.
  const list = [deployment('a'), deployment('b', { weight: 3 }), deployment('c', { rpm: 2 }), deployment('d', { tpm: 4 })];
  assert.deepEqual([0, 0.09, 0.1, 0.39, 0.4, 0.59, 0.6, 0.999].map((r) => at(strategy, list, r)), ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']);
});

test('only the lowest order is drawn from; zero weights are never chosen unless all are zero', () => {
  const strategy = new SimpleShuffle();
  const list = [deployment('late', { order: 2 }), deployment('zero', { order: 1, weight: 0 }), deployment('one', { order: 1, weight: 1 })];
  assert.deepEqual([0, 0.5, 0.999].map((r) => at(strategy, list, r)), ['one', 'one', 'one']);
  const zeros = [deployment('x', { weight: 0 }), deployment('y', { weight: 0 })];
  assert.deepEqual([0, 0.999].map((r) => at(strategy, zeros, r)), ['x', 'y']);
});

test('a list with the same first deployment but other members gets its own draw (cooling, tried)', () => {
  const strategy = new SimpleShuffle();
  const a = deployment('a');
  const b = deployment('b', { weight: 9 });
  const c = deployment('c');
  assert.equal(at(strategy, [a, b, c], 0.5), 'b');
  assert.equal(at(strategy, [a, c], 0.5), 'c'); // b cooling: a 1, c 1
  assert.equal(at(strategy, [a, b, c], 0.5), 'b');
  assert.equal(at(strategy, [...[a, b, c]], 0.05), 'a'); // a fresh array with the same members reuses the draw
});

test('a large group: every member reachable, in proportion', () => {
  const strategy = new SimpleShuffle();
  const list = Array.from({ length: 1000 }, (_, i) => deployment(`d${i}`, { weight: i === 999 ? 1000 : 1 }));
  assert.equal(at(strategy, list, 0), 'd0');
  assert.equal(at(strategy, list, 998.5 / 1999), 'd998');
  assert.equal(at(strategy, list, 0.5), 'd999');
  assert.equal(at(strategy, list, 0.999999), 'd999');
});
