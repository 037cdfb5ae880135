import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory-store.js';
import { NEVER_FITS } from './store.js';

const MINUTE = 60_000;

function setup(start = 0) {
  const time = { now: start };
  const store = new MemoryStore({ clock: () => time.now });
  return { time, store };
}

test('GCRA: rpm 30 admits exactly 30 in a burst, the 31st waits 2 s, then one more fits', async () => {
  const { time, store } = setup(1_700_000_000_000);
  const rpm = { limit: 30, periodMs: MINUTE };
  for (let i = 0; i < 30; i++) assert.deepEqual(await store.take('rpm:a', rpm, 1), { allowed: true, retryAfterMs: 0 }, `request ${i + 1}`);
  const denied = await store.take('rpm:a', rpm, 1);
  assert.equal(denied.allowed, false);
  assert.equal(denied.retryAfterMs, 2000);
  time.now += 1999;
  assert.equal((await store.take('rpm:a', rpm, 1)).allowed, false, 'not a millisecond early');
  time.now += 1;
  assert.equal((await store.take('rpm:a', rpm, 1)).allowed, true);
  assert.equal((await store.take('rpm:a', rpm, 1)).retryAfterMs, 2000, 'then one every 2 s');
});

test('GCRA: a limit that does not divide the period still admits exactly the limit', async () => {
  const { time, store } = setup(1_700_000_000_123);
  const budget = { limit: 7, periodMs: MINUTE };
  for (let i = 0; i < 7; i++) assert.equal((await store.take('k', budget, 1)).allowed, true, `request ${i + 1}`);
  const denied = await store.take('k', budget, 1);
  assert.equal(denied.allowed, false);
  assert.ok(Math.abs(denied.retryAfterMs - MINUTE / 7) < 1e-6, String(denied.retryAfterMs));
  time.now += denied.retryAfterMs;
  assert.equal((await store.take('k', budget, 1)).allowed, true, 'waiting exactly retryAfterMs is enough');
});

test('GCRA: weighted cost (tpm) takes cost × T', async () => {
  const { time, store } = setup();
  const tpm = { limit: 1000, periodMs: MINUTE }; // T = 60 ms per token
  assert.equal((await store.take('tpm:a', tpm, 600)).allowed, true);
  const denied = await store.take('tpm:a', tpm, 500);
  assert.deepEqual(denied, { allowed: false, retryAfterMs: 100 * 60 });
  assert.equal((await store.take('tpm:a', tpm, 400)).allowed, true, 'a denial charges nothing');
  time.now += 30_000; // half the budget drained
  assert.equal((await store.take('tpm:a', tpm, 500)).allowed, true);
  assert.equal((await store.take('tpm:a', tpm, 1)).allowed, false);
});

test('GCRA: a cost above the whole limit never fits and charges nothing', async () => {
  const { store } = setup();
  const tpm = { limit: 1000, periodMs: MINUTE };
  assert.deepEqual(await store.take('tpm:a', tpm, 1001), { allowed: false, retryAfterMs: NEVER_FITS });
  assert.equal(NEVER_FITS, -1);
  assert.equal((await store.take('tpm:a', tpm, 1000)).allowed, true, 'the whole budget is still there');
  assert.deepEqual(await store.take('tpm:a', tpm, 5000), { allowed: false, retryAfterMs: NEVER_FITS }, 'never, even when the bucket is full');
});

test('adjust: refunds give budget back, never below now; charges push later requests back', async () => {
  const { time, store } = setup();
  const tpm = { limit: 1000, periodMs: MINUTE };
  assert.equal((await store.take('tpm:a', tpm, 1000)).allowed, true);
  await store.adjust('tpm:a', tpm, -400);
  assert.equal((await store.take('tpm:a', tpm, 400)).allowed, true);
  assert.equal((await store.take('tpm:a', tpm, 1)).allowed, false);

  // A refund larger than what is outstanding does not bank extra burst.
  time.now += MINUTE;
  await store.adjust('tpm:a', tpm, -5000);
  assert.equal((await store.take('tpm:a', tpm, 1000)).allowed, true);
  assert.equal((await store.take('tpm:a', tpm, 1)).allowed, false);

  // A charge after the fact (usage above the estimate).
  time.now += MINUTE;
  await store.adjust('tpm:b', tpm, 1000);
  assert.deepEqual(await store.take('tpm:b', tpm, 1), { allowed: false, retryAfterMs: 60 });
  const before = store.sizes().budgets;
  await store.adjust('tpm:never-seen', tpm, -10);
  assert.equal(store.sizes().budgets, before, 'refunding an unknown key creates nothing');
});

test('slots: false at max, release never below zero', async () => {
  const { store } = setup();
  assert.equal(await store.acquireSlot('par:a', 2), true);
  assert.equal(await store.acquireSlot('par:a', 2), true);
  assert.equal(await store.acquireSlot('par:a', 2), false);
  await store.releaseSlot('par:a');
  assert.equal(await store.acquireSlot('par:a', 2), true);
  await store.releaseSlot('par:a');
  await store.releaseSlot('par:a');
  await store.releaseSlot('par:a'); // one too many
  await store.releaseSlot('par:a');
  assert.equal(store.sizes().slots, 0);
  assert.equal(await store.acquireSlot('par:a', 2), true);
  assert.equal(await store.acquireSlot('par:a', 2), true);
  assert.equal(await store.acquireSlot('par:a', 2), false, 'extra releases granted no extra slot');
});

test('cooldowns expire and vanish', async () => {
  const { time, store } = setup(1000);
  await store.setCooldown('a', { until: 6000, reason: 'rate_limit_exceeded', message: 'Groq said 429' });
  await store.setCooldown('b', { until: 2000, reason: 'upstream_unreachable', message: 'ECONNREFUSED' });
  await store.setCooldown('c', { until: 500, reason: 'upstream_error', message: 'already over' });
  let active = await store.cooldowns(['a', 'b', 'c', 'd']);
  assert.deepEqual([...active.keys()], ['a', 'b']);
  assert.equal(active.get('a')?.reason, 'rate_limit_exceeded');
  time.now = 2000;
  active = await store.cooldowns(['a', 'b']);
  assert.deepEqual([...active.keys()], ['a'], 'expires at `until` exactly');
  time.now = 6000;
  assert.equal((await store.cooldowns(['a', 'b'])).size, 0);
  assert.equal(store.sizes().cooldowns, 0);
});

test('recordFailure counts within a sliding window, bounded', async () => {
  const { time, store } = setup();
  assert.equal(await store.recordFailure('a', 1000), 1);
  time.now = 500;
  assert.equal(await store.recordFailure('a', 1000), 2);
  time.now = 900;
  assert.equal(await store.recordFailure('a', 1000), 3);
  time.now = 1200; // the failure at 0 left the window
  assert.equal(await store.recordFailure('a', 1000), 3);
  time.now = 5000;
  assert.equal(await store.recordFailure('a', 1000), 1);
  assert.equal(await store.recordFailure('b', 1000), 1, 'per deployment');

  const capped = new MemoryStore({ clock: () => time.now, maxFailuresPerKey: 5 });
  let count = 0;
  for (let i = 0; i < 100; i++) count = await capped.recordFailure('a', 60_000);
  assert.equal(count, 5, 'saturates at the cap');
});

test('stats: in flight, latency EWMA (alpha 0.3), requests and tokens in a sliding minute', async () => {
  const { time, store } = setup(10_000);
  assert.deepEqual(await store.stats(['a']), new Map([['a', { inFlight: 0, latencyMs: undefined, requestsThisMinute: 0, tokensThisMinute: 0 }]]));
  await store.callStarted('a');
  await store.callStarted('a');
  await store.callStarted('b');
  let a = (await store.stats(['a'])).get('a')!;
  assert.equal(a.inFlight, 2);
  assert.equal(a.requestsThisMinute, 2);
  await store.callEnded('a', { latencyMs: 100, tokens: 50 });
  time.now += 30_000;
  await store.callEnded('a', { latencyMs: 200, tokens: 70 });
  a = (await store.stats(['a'])).get('a')!;
  assert.equal(a.inFlight, 0);
  assert.ok(Math.abs(a.latencyMs! - 130) < 1e-9, String(a.latencyMs));
  assert.equal(a.tokensThisMinute, 120);
  await store.callStarted('a');
  await store.callEnded('a', undefined); // a failure: no latency, no tokens, still a request
  a = (await store.stats(['a'])).get('a')!;
  assert.equal(a.requestsThisMinute, 3);
  assert.ok(Math.abs(a.latencyMs! - 130) < 1e-9);
  await store.callEnded('a', undefined); // unmatched end
  assert.equal((await store.stats(['a'])).get('a')!.inFlight, 0, 'never negative');
  time.now += 31_000; // the first second (two requests, 50 tokens) slid out
  a = (await store.stats(['a'])).get('a')!;
  assert.deepEqual({ r: a.requestsThisMinute, t: a.tokensThisMinute }, { r: 1, t: 70 });
  time.now += 60_000;
  a = (await store.stats(['a'])).get('a')!;
  assert.deepEqual({ r: a.requestsThisMinute, t: a.tokensThisMinute, l: a.latencyMs }, { r: 0, t: 0, l: 130 });
});

test('memory stays bounded: idle keys are swept as new ones arrive', async () => {
  const { time, store } = setup();
  const budget = { limit: 10, periodMs: 1000 }; // one unit drains in 100 ms
  let peak = 0;
  for (let i = 0; i < 5_000; i++) {
    time.now += 10;
    await store.take(`rpm:key-${i}`, budget, 1);
    await store.recordFailure(`dep-${i}`, 50);
    await store.setCooldown(`dep-${i}`, { until: time.now + 50, reason: 'upstream_error', message: '' });
    peak = Math.max(peak, store.sizes().budgets, store.sizes().failures, store.sizes().cooldowns);
  }
  // ~10 keys are live at any moment (100 ms of life, one new key per 10 ms); the sweep lags by at most a pass.
  assert.ok(peak < 40, `peak ${peak}`);

  const stats = new MemoryStore({ clock: () => time.now, statsRetentionMs: 1000 });
  for (let i = 0; i < 3_000; i++) {
    time.now += 10;
    await stats.callStarted(`dep-${i}`);
    await stats.callEnded(`dep-${i}`, { latencyMs: 5, tokens: 1 });
  }
  assert.ok(stats.sizes().stats < 250, `stats ${stats.sizes().stats}`);
  await store.close();
  assert.deepEqual(store.sizes(), { budgets: 0, slots: 0, cooldowns: 0, failures: 0, stats: 0 });
});
