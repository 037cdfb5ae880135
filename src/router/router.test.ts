import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../config/load.js';
import { GatewayError } from '../errors/gateway-error.js';
import { Limiter } from '../limits/limiter.js';
import type { ChatCall, Completion, ProviderAdapter } from '../providers/types.js';
import { MemoryStore } from '../state/memory-store.js';
import { Router } from './router.js';

// The router's decisions with fake adapters, a hand-moved clock and a
// recorded sleep: no network, no real waiting.

type Behaviour = (call: ChatCall) => Completion | GatewayError;

const ok: Behaviour = () => ({ body: { choices: [], usage: { total_tokens: 3 } }, headers: {} });
const fail = (code: ConstructorParameters<typeof GatewayError>[0], retryAfter?: number): Behaviour => () =>
  new GatewayError(code, code, { details: retryAfter === undefined ? {} : { retryAfter } });

function setup(yaml: string) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const clock = () => now;
  const store = new MemoryStore({ clock });
  const router = new Router(loadConfigText(yaml, 'test.yaml', { env: {} }), {
    store,
    limiter: new Limiter(store, { clock }),
    clock,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  });
  const calls: string[] = [];
  const behave = (alias: string, ...behaviours: Behaviour[][]) => {
    router.table.resolve(alias)!.deployments.forEach((deployment, i) => {
      const queue = [...behaviours[i]!];
      const adapter: ProviderAdapter = {
        complete: async (call) => {
          calls.push(deployment.id);
          const outcome = (queue.length > 1 ? queue.shift()! : queue[0]!)(call);
          if (outcome instanceof GatewayError) throw outcome;
          return outcome;
        },
        openStream: () => Promise.reject(new Error('not used')),
        checkHealth: async () => undefined,
      };
      deployment.adapter = adapter;
    });
  };
  const call = (model: string) => router.complete({ model, messages: [{ role: 'user', content: 'hi' }] }, { requestId: 'r', signal: new AbortController().signal });
  return { router, behave, call, calls, sleeps, advance: (ms: number) => (now += ms) };
}

const group = (alias: string, n: number, extra = '') =>
  Array.from({ length: n }, (_, i) => `  - model_name: ${alias}\n    litellm_params: { model: mock/m${i}, order: ${i + 1} }\n`).join('') + extra;

test('a transient failure on the only deployment is retried after the backoff (0.5 s, then 1 s)', async () => {
  const { behave, call, calls, sleeps } = setup(`model_list:\n${group('a', 1)}`);
  behave('a', [fail('upstream_overloaded'), fail('upstream_error'), ok]);
  const routed = await call('a');
  assert.equal(routed.attempts, 3);
  assert.deepEqual(sleeps, [500, 1000]);
  assert.equal(calls.length, 3);
});

test('with another healthy deployment, the retry goes there at once', async () => {
  const { behave, call, calls, sleeps } = setup(`model_list:\n${group('a', 2)}`);
  behave('a', [fail('upstream_unreachable')], [ok]);
  const routed = await call('a');
  assert.equal(routed.deployment.id, 'a#1');
  assert.deepEqual(calls, ['a#0', 'a#1']);
  assert.deepEqual(sleeps, []);
});

test("a provider's short retry-after is waited out; a long one is not", async () => {
  const short = setup(`model_list:\n${group('a', 1)}`);
  short.behave('a', [fail('rate_limit_exceeded', 0.3), ok]);
  await short.call('a');
  assert.deepEqual(short.sleeps, [300]);

  const long = setup(`model_list:\n${group('a', 1)}`);
  long.behave('a', [fail('rate_limit_exceeded', 30)]);
  await assert.rejects(long.call('a'), (err: GatewayError) => err.code === 'rate_limit_exceeded');
  assert.deepEqual(long.sleeps, []);
  // Cooling down until the reset: the next request is answered without calling the provider.
  await assert.rejects(long.call('a'), (err: GatewayError) => err.code === 'all_deployments_rate_limited' && Math.round(err.details.retryAfter!) === 30);
  assert.equal(long.calls.length, 1);
  long.advance(30_001);
  long.behave('a', [ok]);
  await long.call('a');
});

test('the request\'s own faults are never retried', async () => {
  const { behave, call, calls } = setup(`model_list:\n${group('a', 2)}`);
  behave('a', [fail('upstream_bad_request')], [ok]);
  await assert.rejects(call('a'), (err: GatewayError) => err.code === 'upstream_bad_request');
  assert.equal(calls.length, 1);
});

test('a rejected key is not retried but the next deployment is tried, and the key cools down', async () => {
  const { behave, call, calls } = setup(`model_list:\n${group('a', 2)}`);
  behave('a', [fail('upstream_authentication_error')], [ok]);
  await call('a');
  await call('a');
  assert.deepEqual(calls, ['a#0', 'a#1', 'a#1']);
});

test('after allowed_fails failures a deployment cools down for cooldown_time, then returns', async () => {
  const { behave, call, calls, advance } = setup(`model_list:\n${group('a', 2)}router_settings: { allowed_fails: 1, cooldown_time: 10, num_retries: 1 }\n`);
  behave('a', [fail('upstream_error'), fail('upstream_error'), ok], [ok]);
  await call('a'); // a#0 fails (1), a#1 answers
  await call('a'); // a#0 fails (2 > allowed_fails): cooled down
  calls.length = 0;
  await call('a');
  assert.deepEqual(calls, ['a#1']);
  advance(10_001);
  calls.length = 0;
  await call('a');
  assert.deepEqual(calls, ['a#0']);
});

test('fallbacks are tried in order once the group is exhausted; cycles end', async () => {
  const { behave, call, calls } = setup(`model_list:\n${group('a', 1)}${group('b', 1)}${group('c', 1)}litellm_settings:\n  num_retries: 0\n  fallbacks: [{"a": ["b", "c"]}, {"b": ["a"]}]\n`);
  behave('a', [fail('upstream_error')]);
  behave('b', [fail('upstream_overloaded')]);
  behave('c', [ok]);
  const routed = await call('a');
  assert.equal(routed.fallbacks, 2);
  assert.deepEqual(calls, ['a#0', 'b#1', 'c#2']); // ids carry the model_list index
});

test('a context-window failure uses context_window_fallbacks, not fallbacks', async () => {
  const { behave, call, calls } = setup(`model_list:\n${group('small', 1)}${group('big', 1)}${group('other', 1)}litellm_settings:\n  fallbacks: [{"small": ["other"]}]\n  context_window_fallbacks: [{"small": ["big"]}]\n`);
  behave('small', [fail('context_length_exceeded')]);
  behave('big', [ok]);
  behave('other', [ok]);
  const routed = await call('small');
  assert.equal(routed.deployment.alias, 'big');
  assert.deepEqual(calls, ['small#0', 'big#1']);
});

test("litellm_params.max_retries caps the retries of that deployment below num_retries", async () => {
  const { behave, call, calls } = setup(`model_list:\n  - model_name: a\n    litellm_params: { model: mock/m, max_retries: 1 }\nrouter_settings: { num_retries: 5 }\n`);
  behave('a', [fail('upstream_error')]);
  await assert.rejects(call('a'), (err: GatewayError) => err.code === 'upstream_error' && err.details.attempts === 2);
  assert.equal(calls.length, 2);
});
