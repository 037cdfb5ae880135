import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { deletePrefix, keysWithTtl, sharedRedisAvailable } from '../../test/helpers/redis-server.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore, type RedisStoreOptions } from './redis-store.js';
import { NEVER_FITS } from './store.js';

// Against the real Redis on 127.0.0.1:6379, each test under its own key
// prefix (deleted afterwards; never FLUSHALL: other tests share this Redis).
// Redis keeps time, so waits are real: budgets use short periods.

const MINUTE = 60_000;
let available = false;
let admin: Redis;
const prefixes: string[] = [];
const stores: RedisStore[] = [];

before(async () => {
  available = await sharedRedisAvailable();
  if (available) admin = new Redis({ host: '127.0.0.1', port: 6379 });
});
after(async () => {
  await Promise.all(stores.map((s) => s.close()));
  if (!available) return;
  for (const prefix of prefixes) await deletePrefix(admin, prefix);
  admin.disconnect();
});

async function connected(): Promise<Redis> {
  const client = new Redis({ host: '127.0.0.1', port: 6379, enableOfflineQueue: false, commandTimeout: 1000, maxRetriesPerRequest: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
  return client;
}

/** A store (or several: the instances of one deployment) sharing a fresh prefix. */
async function setup(t: { skip(message: string): void }, options: RedisStoreOptions = {}): Promise<{ prefix: string; store: () => Promise<RedisStore> } | undefined> {
  if (!available) {
    t.skip('no Redis on 127.0.0.1:6379');
    return undefined;
  }
  const prefix = `switchyard-test:${randomUUID()}:`;
  prefixes.push(prefix);
  return {
    prefix,
    store: async () => {
      const store = new RedisStore(await connected(), { prefix, ...options });
      stores.push(store);
      return store;
    },
  };
}

test('GCRA: rpm 30 admits exactly 30 in a burst, the 31st waits ~2 s', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const store = await s.store();
  const rpm = { limit: 30, periodMs: MINUTE };
  for (let i = 0; i < 30; i++) assert.deepEqual(await store.take('rpm:a', rpm, 1), { allowed: true, retryAfterMs: 0 }, `request ${i + 1}`);
  const denied = await store.take('rpm:a', rpm, 1);
  assert.equal(denied.allowed, false);
  assert.ok(denied.retryAfterMs > 1900 && denied.retryAfterMs <= 2000, String(denied.retryAfterMs));
});

test('GCRA: waiting exactly retryAfterMs is enough, and not much less is', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const store = await s.store();
  const budget = { limit: 7, periodMs: 700 }; // T = 100 ms, a limit that is not a power of two
  for (let i = 0; i < 7; i++) assert.equal((await store.take('k', budget, 1)).allowed, true, `request ${i + 1}`);
  const denied = await store.take('k', budget, 1);
  assert.equal(denied.allowed, false);
  assert.ok(denied.retryAfterMs > 50 && denied.retryAfterMs <= 100, String(denied.retryAfterMs));
  await sleep(Math.ceil(denied.retryAfterMs));
  assert.equal((await store.take('k', budget, 1)).allowed, true);
  assert.equal((await store.take('k', budget, 1)).allowed, false, 'then one per T');
});

test('GCRA: weighted cost, a cost above the whole limit never fits and charges nothing', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const store = await s.store();
  const tpm = { limit: 1000, periodMs: MINUTE }; // T = 60 ms per token
  assert.deepEqual(await store.take('tpm:a', tpm, 1001), { allowed: false, retryAfterMs: NEVER_FITS });
  assert.equal((await store.take('tpm:a', tpm, 600)).allowed, true);
  const denied = await store.take('tpm:a', tpm, 500);
  assert.equal(denied.allowed, false);
  assert.ok(denied.retryAfterMs > 5900 && denied.retryAfterMs <= 6000, String(denied.retryAfterMs));
  assert.equal((await store.take('tpm:a', tpm, 400)).allowed, true, 'a denial charges nothing');
  assert.deepEqual(await store.take('tpm:a', tpm, 5000), { allowed: false, retryAfterMs: NEVER_FITS }, 'never, even when full');
});

test('GCRA: the same decisions as MemoryStore for a random sequence of costs', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const store = await s.store();
  const memory = new MemoryStore({ clock: () => 1_700_000_000_000 });
  const budget = { limit: 500, periodMs: MINUTE };
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const fromRedis: boolean[] = [];
  const fromMemory: boolean[] = [];
  for (let i = 0; i < 200; i++) {
    const cost = Math.floor(random() * 40);
    if (random() < 0.1) {
      const delta = -Math.floor(random() * 30);
      await store.adjust('tpm:x', budget, delta);
      await memory.adjust('tpm:x', budget, delta);
    }
    fromRedis.push((await store.take('tpm:x', budget, cost)).allowed);
    fromMemory.push((await memory.take('tpm:x', budget, cost)).allowed);
  }
  assert.deepEqual(fromRedis, fromMemory);
  assert.ok(fromRedis.includes(false) && fromRedis.includes(true));
});

test('GCRA: two instances share one budget; adjust refunds and charges', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const [a, b] = [await s.store(), await s.store()];
  const tpm = { limit: 100, periodMs: MINUTE };
  assert.equal((await a.take('tpm:d', tpm, 60)).allowed, true);
  assert.equal((await b.take('tpm:d', tpm, 60)).allowed, false, 'the other instance sees the charge');
  await a.adjust('tpm:d', tpm, -30);
  assert.equal((await b.take('tpm:d', tpm, 60)).allowed, true, 'and the refund');
  await b.adjust('tpm:d', tpm, 500);
  assert.equal((await a.take('tpm:d', tpm, 1)).allowed, false, 'a charge after the fact pushes later requests back');
  await a.adjust('tpm:none', tpm, -10);
  assert.equal(await admin.exists(`${s.prefix}budget:tpm:none`), 0, 'refunding an absent key writes nothing');
  await assert.rejects(a.take('tpm:d', { limit: 10, periodMs: 0 }, 1), RangeError);
  await assert.rejects(a.take('tpm:d', tpm, -1), RangeError);
});

test('GCRA: a budget key expires when its bucket is empty again', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const store = await s.store();
  await store.take('rpm:e', { limit: 10, periodMs: 1000 }, 5); // empty again in 500 ms
  const ttl = await admin.pttl(`${s.prefix}budget:rpm:e`);
  assert.ok(ttl > 1000 && ttl <= 1500, `ttl ${ttl} = time until empty + 1 s margin`);
});

test('slots: the cap holds across instances, release frees one, a double release grants nothing', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const [a, b] = [await s.store(), await s.store()];
  assert.equal(await a.acquireSlot('par:d', 3), true);
  assert.equal(await a.acquireSlot('par:d', 3), true);
  assert.equal(await b.acquireSlot('par:d', 3), true);
  assert.equal(await b.acquireSlot('par:d', 3), false, 'three taken between the two instances');
  assert.equal(await a.acquireSlot('par:d', 3), false);
  await b.releaseSlot('par:d');
  await b.releaseSlot('par:d'); // b held one: the second release must not free one of a's
  assert.equal(await b.acquireSlot('par:d', 3), true);
  assert.equal(await b.acquireSlot('par:d', 3), false);
  await Promise.all([a.releaseSlot('par:d'), a.releaseSlot('par:d'), b.releaseSlot('par:d')]);
  assert.equal(await admin.exists(`${s.prefix}slots:par:d`), 0, 'no slots held, no key left');
});

test('slots: a crashed instance frees its slots after one lease, a live one keeps them by heartbeat', async (t) => {
  const s = await setup(t, { leaseMs: 1000 });
  if (!s) return;
  const [live, crashed, other] = [await s.store(), await s.store(), await s.store()];
  assert.equal(await live.acquireSlot('par:d', 3), true);
  assert.equal(await crashed.acquireSlot('par:d', 3), true);
  assert.equal(await crashed.acquireSlot('par:d', 3), true);
  await crashed.close(); // no release: the process died
  assert.equal(await other.acquireSlot('par:d', 3), false);
  // Another instance keeps the key busy meanwhile: the dead one's lease must still end.
  for (let i = 0; i < 6; i++) {
    await sleep(250);
    await other.acquireSlot('par:x', 1);
  }
  assert.equal(await other.acquireSlot('par:d', 3), true, "the crashed instance's slots are free");
  assert.equal(await other.acquireSlot('par:d', 3), true);
  assert.equal(await other.acquireSlot('par:d', 3), false, "the live instance's slot is still held (renewed)");
});

test('cooldowns: shared, with their end, gone after it; merge keeps the longer one', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const [a, b] = [await s.store(), await s.store()];
  const until = Date.now() + 300;
  await a.setCooldown('d1', { until, reason: 'upstream_auth_failed', message: 'The key was rejected.' });
  const seen = (await b.cooldowns(['d1', 'd2'])).get('d1');
  assert.ok(seen, 'the other instance sees it');
  assert.equal(seen.reason, 'upstream_auth_failed');
  assert.equal(seen.message, 'The key was rejected.');
  assert.ok(Math.abs(seen.until - until) < 50, `${seen.until} vs ${until}`);
  assert.equal((await b.cooldowns(['d1', 'd2'])).has('d2'), false);
  await sleep(350);
  assert.equal((await b.cooldowns(['d1'])).size, 0, 'expired');
  assert.equal(await admin.exists(`${s.prefix}cooldown:d1`), 0, 'and the key is gone');

  await a.setCooldown('d3', { until: Date.now() + 10_000, reason: 'x', message: 'long' });
  await b.mergeCooldowns(new Map([
    ['d3', { until: Date.now() + 1000, reason: 'y', message: 'short' }],
    ['d4', { until: Date.now() + 1000, reason: 'z', message: 'new' }],
  ]));
  const merged = await a.cooldowns(['d3', 'd4']);
  assert.equal(merged.get('d3')?.message, 'long');
  assert.equal(merged.get('d4')?.message, 'new');
  await a.setCooldown('d3', { until: Date.now() - 1, reason: 'x', message: 'ended' });
  assert.equal((await a.cooldowns(['d3'])).size, 0, 'a cooldown ending in the past clears it');
});

test('failures: counted in a sliding window shared by instances, saturating at the cap', async (t) => {
  const s = await setup(t, { maxFailuresPerKey: 5 });
  if (!s) return;
  const [a, b] = [await s.store(), await s.store()];
  assert.equal(await a.recordFailure('d', 300), 1);
  assert.equal(await b.recordFailure('d', 300), 2);
  assert.equal(await a.recordFailure('d', 300), 3);
  await sleep(350);
  assert.equal(await b.recordFailure('d', 300), 1, 'the old ones left the window');
  for (let i = 0; i < 10; i++) await a.recordFailure('d', 10_000);
  assert.equal(await a.recordFailure('d', 10_000), 5, 'saturates at the cap');
  assert.equal(await admin.zcard(`${s.prefix}failures:d`), 5, 'and stores no more than the cap');
});

test('stats: in-flight, latency EWMA and the minute window, seen by every instance', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const [a, b] = [await s.store(), await s.store()];
  await a.callStarted('d');
  await b.callStarted('d');
  await a.callStarted('d');
  let stats = (await b.stats(['d', 'idle'])).get('d')!;
  assert.deepEqual(stats, { inFlight: 3, latencyMs: undefined, requestsThisMinute: 3, tokensThisMinute: 0 });
  await a.callEnded('d', { latencyMs: 100, tokens: 40 });
  await b.callEnded('d', { latencyMs: 200, tokens: 60 });
  await a.callEnded('d', undefined); // a failed call: no latency, no tokens
  stats = (await a.stats(['d'])).get('d')!;
  assert.equal(stats.inFlight, 0);
  assert.ok(Math.abs(stats.latencyMs! - 130) < 1e-9, String(stats.latencyMs)); // 0.3·200 + 0.7·100
  assert.equal(stats.requestsThisMinute, 3);
  assert.equal(stats.tokensThisMinute, 100);
  assert.deepEqual((await a.stats(['idle'])).get('idle'), { inFlight: 0, latencyMs: undefined, requestsThisMinute: 0, tokensThisMinute: 0 });
  await a.callEnded('d', undefined); // an extra end never takes in-flight below zero
  assert.equal((await a.stats(['d'])).get('d')!.inFlight, 0);
});

test('every key expires: no key without a TTL after a round of every operation', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const store = await s.store();
  await store.take('rpm:d', { limit: 10, periodMs: MINUTE }, 1);
  await store.take('tpm:d', { limit: 1000, periodMs: MINUTE }, 100);
  await store.adjust('tpm:d', { limit: 1000, periodMs: MINUTE }, 50);
  await store.acquireSlot('par:d', 5);
  await store.setCooldown('d', { until: Date.now() + 5000, reason: 'x', message: 'y' });
  await store.recordFailure('d', MINUTE);
  await store.callStarted('d');
  await store.callEnded('d', { latencyMs: 10, tokens: 5 });
  await store.callStarted('d');
  const keys = await keysWithTtl(admin, s.prefix);
  const names = [...keys.keys()].map((k) => k.slice(s.prefix.length)).sort();
  assert.deepEqual(names, ['budget:rpm:d', 'budget:tpm:d', 'cooldown:d', 'failures:d', 'inflight:d', 'latency:d', 'slots:par:d', 'usage:d']);
  for (const [key, ttl] of keys) assert.ok(ttl > 0, `${key} has TTL ${ttl}`);
});
