import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { freePort, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// Switchyard instances sharing state through a real Redis: a redis-server of
// this file's own on a spare port (so it can be stopped and restarted, and
// nothing touches the shared 6379), real gateway processes, Groq mocks.

let redis: TestRedis;
let good: MockUpstream;
let bad: MockUpstream;
const env = { GROQ_API_KEY: MOCK_KEYS.groq, BAD_KEY: 'gsk_revoked_' + 'x'.repeat(32) };

before(async () => {
  [redis, good, bad] = await Promise.all([startTestRedis(), startMockUpstream({ flavor: 'groq' }), startMockUpstream({ flavor: 'groq' })]);
});
after(async () => {
  await Promise.all([good.close(), bad.close(), redis.stop()]);
});
beforeEach(async () => {
  good.reset();
  bad.reset();
  // This Redis is ours alone: each test starts from an empty one.
  const client = redis.client();
  await client.flushall();
  client.disconnect();
});

const deployment = (alias: string, mock: MockUpstream, key = 'GROQ_API_KEY', extra = '') =>
  `  - model_name: ${alias}\n    litellm_params: { model: groq/llama-3.3-70b-versatile, api_base: "${mock.baseUrl}", api_key: os.environ/${key}${extra} }\n`;
const redisSettings = (port: number) => `  redis_host: 127.0.0.1\n  redis_port: ${port}\n`;

async function chat(gateway: GatewayProcess, model: string) {
  const res = await request(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}

async function readiness(gateway: GatewayProcess): Promise<{ cache: unknown }> {
  const res = await request(`${gateway.url}/health/readiness`);
  return (await res.body.json()) as { cache: unknown };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function budgetKeys(): Promise<string[]> {
  const client = redis.client();
  try {
    return await client.keys('switchyard:budget:*');
  } finally {
    client.disconnect();
  }
}

describe('two instances sharing one Redis', () => {
  test('an rpm limit holds across both under a burst: exactly the limit is admitted', async () => {
    const config = `model_list:\n${deployment('limited', good, 'GROQ_API_KEY', ', rpm: 10')}router_settings:\n${redisSettings(redis.port)}`;
    const [a, b] = await Promise.all([startGateway({ env, config }), startGateway({ env, config })]);
    try {
      assert.deepEqual([(await readiness(a)).cache, (await readiness(b)).cache], ['redis', 'redis']);
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => chat(i % 2 === 0 ? a : b, 'limited')));
      const admitted = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      assert.equal(admitted.length, 10, results.map((r) => r.status).join(" ") + a.stderr() + b.stderr());
      assert.equal(good.requests.filter((r) => r.path.endsWith('/chat/completions')).length, 10, 'the upstream saw exactly the limit');
      assert.ok(refused.every((r) => r.status === 429 && r.json?.error?.code === 'gateway_rate_limited'), refused[0]?.text);
      assert.equal((await budgetKeys()).length, 1, 'one shared budget in Redis');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test('a cooldown learned by one instance is honoured by the other', async () => {
    const config =
      `model_list:\n${deployment('pair', bad, 'BAD_KEY')}${deployment('pair', good)}` +
      `router_settings:\n  num_retries: 2\n${redisSettings(redis.port)}`;
    const [a, b] = await Promise.all([startGateway({ env, config }), startGateway({ env, config })]);
    try {
      // Until the shuffle lands on the revoked key once: it answers 401 and is cooled down (in Redis).
      for (let i = 0; i < 40 && bad.requests.length === 0; i++) assert.equal((await chat(a, 'pair')).status, 200);
      assert.equal(bad.requests.length, 1, 'the revoked key was met');
      for (let i = 0; i < 15; i++) assert.equal((await chat(b, 'pair')).status, 200);
      assert.equal(bad.requests.length, 1, 'the other instance never called the cooled-down deployment');
      const client = redis.client();
      const cooldowns = await client.keys('switchyard:cooldown:*');
      assert.deepEqual(cooldowns, ['switchyard:cooldown:pair#0']);
      assert.ok((await client.pttl(cooldowns[0]!)) > 30_000, 'it expires, at the end of the cooldown');
      client.disconnect();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

test('Redis stopped mid-run: requests keep succeeding on local state, readiness says so, state returns to Redis', async () => {
  const config = `model_list:\n${deployment('solo', good, 'GROQ_API_KEY', ', rpm: 1000')}router_settings:\n${redisSettings(redis.port)}`;
  const gateway = await startGateway({ env, config });
  try {
    assert.equal((await chat(gateway, 'solo')).status, 200);
    assert.equal((await budgetKeys()).length, 1, 'the rpm budget is in Redis');

    await redis.stop();
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const res = await chat(gateway, 'solo');
      assert.equal(res.status, 200, res.text);
      assert.ok(Date.now() - started < 1000, 'no request waits on the dead Redis');
    }
    assert.equal((await readiness(gateway)).cache, 'redis (degraded: local state)');
    const stderr = await gateway.waitForStderr(/serving on local state/);
    assert.match(stderr, new RegExp(`Redis at 127\\.0\\.0\\.1:${redis.port} is unreachable`));

    await redis.start(); // empty: a restarted Redis without persistence
    await waitFor('readiness to report Redis again', async () => (await readiness(gateway)).cache === 'redis');
    assert.equal((await chat(gateway, 'solo')).status, 200);
    assert.equal((await budgetKeys()).length, 1, 'the budget is in Redis again');
    // (the degraded warning also says "until it answers again": wait for the resume line itself)
    assert.match(await gateway.waitForStderr(/cooldowns resume/), /answers again: shared rate limits and cooldowns resume/);
  } finally {
    await gateway.stop();
  }
});

test('Redis unreachable at start-up: starts degraded with redis_unreachable (host:port, ECONNREFUSED), then switches when Redis appears', async () => {
  const port = await freePort();
  const config = `model_list:\n${deployment('solo', good, 'GROQ_API_KEY', ', rpm: 1000')}router_settings:\n${redisSettings(port)}`;
  const gateway = await startGateway({ env, config });
  let late: TestRedis | undefined;
  try {
    const stderr = await gateway.waitForStderr(/redis_unreachable/);
    assert.match(stderr, /redis_unreachable/);
    assert.ok(stderr.includes(`127.0.0.1:${port}`), stderr);
    assert.match(stderr, /ECONNREFUSED/);
    assert.equal((await readiness(gateway)).cache, 'redis (degraded: local state)');
    assert.equal((await chat(gateway, 'solo')).status, 200);

    late = await startTestRedis(port);
    await waitFor('readiness to report Redis', async () => (await readiness(gateway)).cache === 'redis');
    assert.equal((await chat(gateway, 'solo')).status, 200);
    const client = late.client();
    assert.equal((await client.keys('switchyard:budget:*')).length, 1, 'state goes to Redis from then on');
    client.disconnect();
  } finally {
    await gateway.stop();
    await late?.stop();
  }
});

test('--num_workers 2 serves one port from two processes', async () => {
  const config = `model_list:\n${deployment('solo', good)}`;
  const gateway = await startGateway({ env, config, args: ['--num_workers', '2'] });
  try {
    // The banner comes from the first worker; the primary's line once every worker listens.
    await waitFor('both workers to listen', async () => /workers\s+2 processes on one port/.test(gateway.stdout()));
    const workers = new Set<string>();
    for (let i = 0; i < 20 && workers.size < 2; i++) {
      // A new connection each time: the primary hands connections to workers in turn.
      const worker = await new Promise<string>((resolve, reject) => {
        get(`${gateway.url}/health/readiness`, { agent: false }, (res) => {
          res.resume();
          resolve(String(res.headers['x-switchyard-worker']));
        }).once('error', reject);
      });
      workers.add(worker);
    }
    assert.equal(workers.size, 2, [...workers].join(', '));
    for (const pid of workers) assert.match(pid, /^\d+$/);
    assert.match(gateway.stdout(), /workers\s+2 processes on one port/);
    assert.equal(gateway.stdout().match(/listening on/g)?.length, 1, 'the banner once');
    assert.match(gateway.stderr(), /state_per_worker/, 'no Redis: limits are per worker, and it says so');
    assert.equal((await chat(gateway, 'solo')).status, 200);
  } finally {
    assert.equal(await gateway.stop(), 0);
  }
});
