import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, retryDelayMs } from './backoff.js';

test('doubles from 0.5 s up to 8 s', () => {
  const none = () => 0;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((n) => backoffMs(n, none)), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
});

test('jitter takes off at most a quarter', () => {
  assert.equal(backoffMs(1, () => 0.999999), 750);
  assert.equal(backoffMs(1, () => 0.5), 875);
});

test("the provider's retry-after wins over the backoff", () => {
  assert.equal(retryDelayMs(0, 2.5, () => 0), 2500);
  assert.equal(retryDelayMs(3, undefined, () => 0), 4000);
});
