import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyAt, gcraAdjust, gcraTake, levelAt } from './gcra.js';

const rpm30 = { limit: 30, periodMs: 60_000 }; // T = 2000 ms

test('the level form is GCRA: TAT = at + level · T, and a fresh key allows a whole period of burst', () => {
  let state = gcraTake(undefined, rpm30, 1, 0).state;
  assert.deepEqual(state, { level: 1, at: 0 });
  assert.equal(emptyAt(state, rpm30), 2000);
  state = gcraTake(state, rpm30, 29, 0).state;
  assert.equal(emptyAt(state, rpm30), 60_000, 'TAT after a full burst is now + τ');
  const refused = gcraTake(state, rpm30, 1, 0);
  assert.deepEqual([refused.allowed, refused.retryAfterMs], [false, 2000]);
  assert.equal(levelAt(state, rpm30, 30_000), 15);
  assert.equal(levelAt(state, rpm30, 120_000), 0);
});

test('a clock that steps back neither drains nor adds debt', () => {
  const state = gcraTake(undefined, rpm30, 10, 10_000).state;
  assert.equal(levelAt(state, rpm30, 5_000), 10);
  const later = gcraTake(state, rpm30, 1, 5_000).state;
  assert.deepEqual(later, { level: 11, at: 10_000 });
});

test('adjust refunds down to empty, never below', () => {
  const state = gcraTake(undefined, rpm30, 5, 0).state;
  assert.deepEqual(gcraAdjust(state, rpm30, -2, 0), { level: 3, at: 0 });
  assert.deepEqual(gcraAdjust(state, rpm30, -50, 0), { level: 0, at: 0 });
  assert.deepEqual(gcraAdjust(undefined, rpm30, 4, 7), { level: 4, at: 7 });
});

test('nonsense input is refused loudly rather than corrupting a budget', () => {
  assert.throws(() => gcraTake(undefined, rpm30, -1, 0), RangeError);
  assert.throws(() => gcraTake(undefined, rpm30, Number.NaN, 0), RangeError);
  assert.throws(() => gcraTake(undefined, { limit: 30, periodMs: 0 }, 1, 0), RangeError);
  assert.throws(() => gcraAdjust(undefined, rpm30, Number.POSITIVE_INFINITY, 0), RangeError);
  assert.equal(gcraTake(undefined, { limit: 0, periodMs: 60_000 }, 1, 0).retryAfterMs, -1, 'a zero limit never fits');
  assert.equal(gcraTake(undefined, { limit: 0, periodMs: 60_000 }, 0, 0).allowed, true, 'nothing always fits');
});
