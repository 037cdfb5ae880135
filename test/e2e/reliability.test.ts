import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { groqEntry } from '../helpers/config.js';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// Key rotation, retries, cooldowns, fallbacks and limits against three Groq
// mocks with fault injection. With one healthy deployment every request
// succeeds; with none, every request gets the right catalog error in time.
let a: MockUpstream;
let b: MockUpstream;
let c: MockUpstream;

before(async () => {
  [a, b, c] = await Promise.all([startMockUpstream({ flavor: 'groq' }), startMockUpstream({ flavor: 'groq' }), startMockUpstream({ flavor: 'groq' })]);
});
after(async () => {
  await Promise.all([a, b, c].map((m) => m.close()));
});
beforeEach(() => [a, b, c].forEach((m) => m.reset()));

async function chat(gateway: GatewayProcess, model: string, extra: Record<string, unknown> = {}, content = 'Hello') {
  const started = Date.now();
  const res = await request(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], ...extra }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: text.startsWith('{') ? JSON.parse(text) : undefined, ms: Date.now() - started };
}

const env = { GROQ_API_KEY: MOCK_KEYS.groq, BAD_KEY: 'gsk_revoked_' + 'x'.repeat(32) };

describe('one group of three deployments (key rotation)', () => {
  let gateway: GatewayProcess;
  before(async () => {
    gateway = await startGateway({
      env,
      config: `model_list:\n${groqEntry('groq-70b', a)}${groqEntry('groq-70b', b)}` +
        groqEntry('groq-70b', c, { api_key: 'os.environ/BAD_KEY' }) +
        `router_settings: { num_retries: 2, allowed_fails: 1, cooldown_time: 30 }\n`,
    });
  });
  after(() => gateway.stop());

  test('one bad key among three: every request succeeds, and the bad one is cooled down', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await chat(gateway, 'groq-70b');
      assert.equal(res.status, 200, res.text);
    }
    // The rejected key was tried at most once before its cooldown took it out.
    assert.ok(c.requests.length <= 1, `bad key called ${c.requests.length} times`);
    assert.ok(a.requests.length > 0 && b.requests.length > 0, 'load spread over the healthy keys');
  });

  test('a 429 with retry-after moves to another key at once, and says so in the headers', async () => {
    a.fail('rate_limit_tpm');
    let retried: Awaited<ReturnType<typeof chat>> | undefined;
    for (let i = 0; i < 20 && retried === undefined; i++) {
      const res = await chat(gateway, 'groq-70b');
      assert.equal(res.status, 200, res.text);
      if (res.headers['x-litellm-attempted-retries'] !== '0') retried = res;
    }
    assert.ok(retried, 'the 429 was met');
    assert.ok(retried.ms < 1000, `no sleeping while another key was healthy (${retried.ms} ms)`);
    // The rate-limited key now cools down until its reset: the next requests all go to b.
    const before = a.requests.length;
    for (let i = 0; i < 5; i++) assert.equal((await chat(gateway, 'groq-70b')).status, 200);
    assert.equal(a.requests.length, before);
  });
});

describe('a single deployment', () => {
  let gateway: GatewayProcess;
  before(async () => {
    gateway = await startGateway({
      env,
      config: `model_list:\n${groqEntry('solo', a, { timeout: 1 })}${groqEntry('solo-stream', b)}` +
        `router_settings: { num_retries: 2, allowed_fails: 5, cooldown_time: 1 }\n`,
    });
  });
  after(() => gateway.stop());

  test('503 overloaded is retried after a backoff and succeeds', async () => {
    a.fail('over_capacity');
    const res = await chat(gateway, 'solo');
    assert.equal(res.status, 200, res.text);
    assert.equal(a.requests.length, 2);
    assert.ok(res.ms >= 300, `backed off (${res.ms} ms)`);
    assert.equal(res.headers['x-litellm-attempted-retries'], '1');
  });

  test('a connection reset and a timeout are retried', async () => {
    a.fail('connection_reset');
    assert.equal((await chat(gateway, 'solo')).status, 200);
    // undici checks timeouts on a coarse (up to ~1 s) tick, so the upstream is made clearly slower than `timeout: 1`.
    const slow = await chat(gateway, 'solo', {}, 'wait [[mock:slow_headers:3500]]');
    // Every attempt carries the marker, so all time out: the answer is the catalog timeout, in bounded time.
    assert.equal(slow.status, 504);
    assert.equal(slow.json.error.code, 'upstream_timeout');
    assert.equal(slow.json.error.attempts, 3);
    assert.ok(slow.ms < 10_000, `${slow.ms} ms`);
  });

  test('a stream cut before its first event is retried transparently', async () => {
    b.fail('stream_cut:0');
    const res = await chat(gateway, 'solo-stream', { stream: true });
    assert.equal(res.status, 200);
    assert.match(res.text, /data: \[DONE\]/);
    assert.equal(b.requests.length, 2);
  });

  test('a bad request is never retried', async () => {
    const res = await chat(gateway, 'solo', { max_tokens: 10_000_000 });
    assert.equal(res.status, 400);
    assert.equal(a.requests.length, 1);
  });

  test('persistent 429s: the answer is a 429 with retry-after, after the retries', async () => {
    a.fail('rate_limit_rpm:1', 10);
    const res = await chat(gateway, 'solo');
    assert.equal(res.status, 429);
    assert.ok(['rate_limit_exceeded', 'all_deployments_rate_limited'].includes(res.json.error.code), res.text);
    assert.ok(Number(res.headers['retry-after']) >= 1);
  });
});

describe('fallbacks', () => {
  let gateway: GatewayProcess;
  before(async () => {
    gateway = await startGateway({
      env,
      config: `model_list:\n${groqEntry('primary', a)}${groqEntry('backup', b)}${groqEntry('small-window', c)}    model_info: { max_input_tokens: 50 }\n${groqEntry('big-window', b)}` +
        `litellm_settings:\n  num_retries: 0\n  fallbacks: [{"primary": ["backup"]}]\n  context_window_fallbacks: [{"small-window": ["big-window"]}]\n`,
    });
  });
  after(() => gateway.stop());

  test('a failing alias falls back to the next one, reported in the headers', async () => {
    a.fail('server_error');
    const res = await chat(gateway, 'primary');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['x-litellm-attempted-fallbacks'], '1');
    assert.equal(res.headers['x-litellm-model-group'], 'backup');
  });

  test('a request too long for one window goes to the larger-window alias', async () => {
    const res = await chat(gateway, 'small-window', {}, 'word '.repeat(400));
    assert.equal(res.status, 200, res.text);
    assert.equal(c.requests.length, 0);
    assert.equal(res.headers['x-litellm-model-group'], 'big-window');
  });
});

describe('rate limits', () => {
  let gateway: GatewayProcess;
  before(async () => {
    gateway = await startGateway({
      env,
      config: `model_list:\n${groqEntry('limited', a, { rpm: 5 })}router_settings: { queue_wait_seconds: 0.5 }\n`,
    });
  });
  after(() => gateway.stop());

  test('rpm holds exactly under a burst; the rest get 429 gateway_rate_limited with retry-after', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => chat(gateway, 'limited')));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    assert.equal(ok.length, 5);
    assert.equal(limited.length, 7);
    for (const r of limited) {
      assert.equal(r.json.error.code, 'gateway_rate_limited');
      assert.ok(Number(r.headers['retry-after']) >= 1);
      assert.ok(r.ms < 3000, 'waited no longer than the queue allows');
    }
    assert.equal(a.requests.length, 5);
  });
});

describe('nothing healthy', () => {
  let gateway: GatewayProcess;
  before(async () => {
    gateway = await startGateway({
      env,
      config: `model_list:\n${groqEntry('down', a)}${groqEntry('down', b)}router_settings: { num_retries: 1, allowed_fails: 0, cooldown_time: 60 }\n`,
    });
  });
  after(() => gateway.stop());

  test('every deployment failing: 503 all_deployments_cooling_down listing them, with retry-after', async () => {
    a.fail('server_error', 10);
    b.fail('server_error', 10);
    const first = await chat(gateway, 'down');
    assert.ok(first.status >= 500);
    const second = await chat(gateway, 'down');
    assert.equal(second.status, 503);
    assert.equal(second.json.error.code, 'all_deployments_cooling_down');
    assert.equal(second.json.error.deployments.length, 2);
    assert.ok(Number(second.headers['retry-after']) > 1);
    assert.ok(second.ms < 500, 'answered at once, without calling the upstreams');
  });
});

describe('queue bounds', () => {
  let gateway: GatewayProcess;
  before(async () => {
    gateway = await startGateway({
      env,
      config: `model_list:\n${groqEntry('tight', a, { max_parallel_requests: 1 })}router_settings: { queue_wait_seconds: 3, max_queue_size: 1 }\n`,
    });
  });
  after(() => gateway.stop());

  test('beyond max_queue_size, requests get 503 queue_full at once instead of piling up', async () => {
    // One call in flight (slow upstream), one waiting for its slot, the rest turned away.
    const results = await Promise.all(Array.from({ length: 5 }, () => chat(gateway, 'tight', {}, 'slow [[mock:slow_headers:600]]')));
    const codes = results.map((r) => (r.status === 200 ? 'ok' : r.json.error.code)).sort();
    assert.deepEqual(codes, ['ok', 'ok', 'queue_full', 'queue_full', 'queue_full']);
    const full = results.filter((r) => r.json?.error?.code === 'queue_full');
    for (const r of full) {
      assert.equal(r.status, 503);
      assert.ok(r.headers['retry-after']);
      assert.ok(r.ms < 500, 'turned away at once');
    }
  });
});
