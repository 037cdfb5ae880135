import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startTestRedis, type TestRedis } from '../../test/helpers/redis-server.js';
import { FailoverStore, cacheStatus } from './failover-store.js';
import { MemoryStore } from './memory-store.js';
import { createRedisClient } from './redis-client.js';
import { RedisStore } from './redis-store.js';

// Against a redis-server of its own on a spare port, which the tests kill,
// pause and restart: a Store call never waits on a dead Redis beyond one
// command timeout, and state returns to Redis when it does.

let redis: TestRedis;
const opened: FailoverStore[] = [];

before(async () => {
  redis = await startTestRedis();
});
after(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await redis.stop();
});

function open(port: number, warnings: string[] = [], notices: string[] = []): FailoverStore {
  const client = createRedisClient({ host: '127.0.0.1', port, password: undefined, url: undefined }, { commandTimeoutMs: 150, maxReconnectDelayMs: 200 });
  const store = new FailoverStore(new RedisStore(client, { prefix: 'fo:' }), {
    address: `127.0.0.1:${port}`,
    probeIntervalMs: 100,
    log: { warn: (msg) => warnings.push(msg), info: (msg) => notices.push(msg) },
  });
  opened.push(store);
  return store;
}

const rpm = { limit: 100, periodMs: 60_000 };

test('no Redis at all: degraded from the start, every call answered at once from memory', async () => {
  const store = open(await freePort());
  assert.equal(await store.whenHealthy(300), false);
  assert.equal(store.state, 'degraded');
  assert.equal(cacheStatus(store), 'redis (degraded: local state)');
  const started = performance.now();
  assert.equal((await store.take('rpm:d', rpm, 1)).allowed, true);
  assert.equal(await store.acquireSlot('par:d', 1), true);
  assert.equal(await store.acquireSlot('par:d', 1), false);
  await store.releaseSlot('par:d');
  assert.equal(await store.acquireSlot('par:d', 1), true);
  assert.ok(performance.now() - started < 50, 'no waiting on the dead address');
  assert.equal(store.metrics().degradedEpisodes, 0, 'start-up without Redis is not an episode');
  assert.match(store.lastConnectionError ?? '', /ECONNREFUSED/);
  assert.equal(cacheStatus(new MemoryStore()), null);
});

test('Redis killed while serving: the failing call itself is answered locally, one warning; back on restart with cooldowns resynchronised', async () => {
  const warnings: string[] = [];
  const notices: string[] = [];
  const store = open(redis.port, warnings, notices);
  assert.equal(await store.whenHealthy(2000), true);
  assert.equal(cacheStatus(store), 'redis');
  assert.equal((await store.take('rpm:d', rpm, 1)).allowed, true);
  assert.equal(await store.acquireSlot('par:d', 5), true); // held in Redis
  const check = redis.client();
  assert.equal(await check.exists('fo:budget:rpm:d'), 1, 'state is in Redis');
  check.disconnect();

  await redis.stop();
  const started = performance.now();
  assert.equal((await store.take('rpm:d', rpm, 1)).allowed, true);
  assert.ok(performance.now() - started < 300, `answered in ${performance.now() - started} ms`);
  assert.equal(store.state, 'degraded');
  await store.setCooldown('d', { until: Date.now() + 30_000, reason: 'upstream_auth_failed', message: 'rejected' });
  assert.equal((await store.cooldowns(['d'])).size, 1, 'honoured locally meanwhile');
  assert.equal(await store.acquireSlot('par:d', 5), true); // held in memory
  await store.releaseSlot('par:d'); // released where it was taken
  await store.releaseSlot('par:d'); // the Redis one: abandoned, its lease lapses
  for (let i = 0; i < 5; i++) await store.take('rpm:d', rpm, 1);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /127\.0\.0\.1:\d+ is unreachable.*local state/);
  const metrics = store.metrics();
  assert.equal(metrics.degradedEpisodes, 1);
  assert.ok(metrics.localCalls >= 8, String(metrics.localCalls));

  await redis.start();
  assert.equal(await store.whenHealthy(5000), true, 'back on Redis');
  assert.equal(notices.length, 1);
  const after = redis.client();
  assert.equal(await after.exists('fo:cooldown:d'), 1, 'the cooldown learned while degraded is in Redis now');
  assert.ok((await after.pttl('fo:cooldown:d')) > 20_000);
  assert.equal((await store.take('rpm:d', rpm, 1)).allowed, true);
  assert.equal(await after.exists('fo:budget:rpm:d'), 1, 'budgets resume in Redis');
  after.disconnect();
});

test('a Redis that hangs (SIGSTOP): calls cost at most the command timeout, then none at all', async () => {
  const warnings: string[] = [];
  const store = open(redis.port, warnings);
  assert.equal(await store.whenHealthy(2000), true);
  redis.pause();
  try {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.take('rpm:h', rpm, 1)));
    const first = performance.now() - started;
    assert.ok(results.every((r) => r.allowed));
    assert.ok(first < 500, `the burst waited ${first} ms`);
    // A timeout alone could be our own busy event loop: a PING that times out too confirms it.
    const deadline = Date.now() + 1000;
    while (store.state !== 'degraded' && Date.now() < deadline) await sleep(10);
    const again = performance.now();
    await store.cooldowns(['x']);
    assert.ok(performance.now() - again < 20, 'degraded: no Redis call at all');
    assert.equal(store.state, 'degraded');
  } finally {
    redis.resume();
  }
  assert.equal(await store.whenHealthy(3000), true, 'the probe notices Redis answers again');
  assert.equal(warnings.length, 1);
});

test('one command timeout while Redis is fine (a busy event loop) does not degrade the store', async () => {
  const warnings: string[] = [];
  const store = open(redis.port, warnings);
  assert.equal(await store.whenHealthy(2000), true);
  // Block our own event loop past the command timeout while a command is in flight.
  const pending = store.take('rpm:busy', rpm, 1);
  const until = Date.now() + 300;
  while (Date.now() < until);
  assert.equal((await pending).allowed, true);
  assert.equal(store.metrics().localCalls, 1, 'the timed-out call was answered locally');
  await sleep(300); // the verifying PING answers
  assert.equal(store.state, 'redis', warnings.join('\n'));
  assert.equal(warnings.length, 0);
});
