import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../config/load.js';
import { GatewayError } from '../errors/gateway-error.js';
import { Limiter } from '../limits/limiter.js';
import { Router } from '../router/router.js';
import { MemoryStore } from '../state/memory-store.js';
import { Metrics } from './metrics.js';

test('each method counts under its own metric; gauges are read at scrape time', async () => {
  let waiting = 0;
  let degraded = false;
  const metrics = new Metrics({ queueWaiting: () => waiting, redisDegraded: () => degraded, processMetrics: false });
  metrics.requestFinished('fast', 200, '', false, 0.02);
  metrics.requestFinished('fast', 200, '', false, 0.2);
  metrics.requestFinished('', 404, 'model_not_found', false, 0.001);
  metrics.requestFinished('fast', 200, '', true, 1.5);
  metrics.firstTokenAfter('fast', 0.3);
  metrics.attempt('fast#0', 'groq', 'ok');
  metrics.attempt('fast#0', 'groq', 'upstream_server_error');
  metrics.retry('fast');
  metrics.fallback('fast');
  metrics.cooldown('fast#0', 'rate_limit_exceeded');
  metrics.usage('fast#0', { prompt_tokens: 12, completion_tokens: 30 });
  metrics.usage('fast#0', { prompt_tokens: 3 });
  metrics.usage('fast#0', {});
  waiting = 4;
  degraded = true;

  const text = await metrics.render();
  const lines = new Set(text.split('\n'));
  for (const line of [
    'switchyard_requests_total{alias="fast",status="200",code=""} 3',
    'switchyard_requests_total{alias="",status="404",code="model_not_found"} 1',
    'switchyard_request_duration_seconds_count{alias="fast",stream="false"} 2',
    'switchyard_request_duration_seconds_bucket{le="0.025",alias="fast",stream="false"} 1',
    'switchyard_request_duration_seconds_count{alias="fast",stream="true"} 1',
    'switchyard_time_to_first_token_seconds_count{alias="fast"} 1',
    'switchyard_upstream_attempts_total{deployment="fast#0",provider="groq",outcome="ok"} 1',
    'switchyard_upstream_attempts_total{deployment="fast#0",provider="groq",outcome="upstream_server_error"} 1',
    'switchyard_retries_total{alias="fast"} 1',
    'switchyard_fallbacks_total{alias="fast"} 1',
    'switchyard_cooldowns_total{deployment="fast#0",reason="rate_limit_exceeded"} 1',
    'switchyard_tokens_total{deployment="fast#0",direction="in"} 15',
    'switchyard_tokens_total{deployment="fast#0",direction="out"} 30',
    'switchyard_queue_waiting 4',
    'switchyard_redis_degraded 1',
  ]) assert.ok(lines.has(line), `missing: ${line}\n${text}`);
  assert.ok(!text.includes('process_'), 'process metrics were turned off');

  waiting = 0;
  degraded = false;
  const again = await metrics.render();
  assert.match(again, /^switchyard_queue_waiting 0$/m);
  assert.match(again, /^switchyard_redis_degraded 0$/m);
});

test('registries are per instance: two gateways in one process do not collide', async () => {
  const a = new Metrics();
  const b = new Metrics({ processMetrics: false });
  a.retry('x');
  assert.match(await a.render(), /^switchyard_retries_total\{alias="x"\} 1$/m);
  assert.doesNotMatch(await b.render(), /switchyard_retries_total\{/);
  assert.match(await a.render(), /process_cpu_user_seconds_total/);
  assert.doesNotMatch(await b.render(), /switchyard_redis_degraded/, 'no Redis gauge without a FailoverStore');
});

test('the router reports attempts, fallbacks, cooldowns and tokens under configured names', async () => {
  const yaml = `model_list:
  - model_name: a
    litellm_params: { model: mock/m0 }
  - model_name: b
    litellm_params: { model: mock/m1 }
  - model_name: "w/*"
    litellm_params: { model: "mock/*" }
router_settings: { allowed_fails: 0, num_retries: 0 }
litellm_settings:
  fallbacks: [{"a": ["b"]}]
`;
  let now = 1_000_000;
  const clock = () => now;
  const store = new MemoryStore({ clock });
  const metrics = new Metrics({ processMetrics: false });
  const router = new Router(loadConfigText(yaml, 'test.yaml', { env: {} }), {
    store, limiter: new Limiter(store, { clock }), clock, random: () => 0, metrics,
    sleep: async (ms) => void (now += ms),
  });
  const answer = (fails: number) => ({
    complete: async () => {
      if (fails-- > 0) throw new GatewayError('upstream_error', 'boom');
      return { body: { choices: [], usage: { prompt_tokens: 4, completion_tokens: 6 } }, headers: {} };
    },
    openStream: () => Promise.reject(new Error('not used')),
    checkHealth: async () => undefined,
  });
  router.table.resolve('a')!.deployments[0]!.adapter = answer(Infinity);
  router.table.resolve('b')!.deployments[0]!.adapter = answer(0);
  router.table.resolve('w/x1')!.deployments[0]!.adapter = answer(0);
  const call = (model: string) => router.complete({ model, messages: [{ role: 'user', content: 'hi' }] }, { requestId: 'r', signal: new AbortController().signal });

  // a#0 fails and is cooled down at once (allowed_fails 0); without retries the fallback b answers.
  const routed = await call('a');
  assert.equal(routed.deployment.alias, 'b');
  await call('w/x1');
  assert.equal(router.metricAlias('w/anything'), 'w/*');
  assert.equal(router.metricAlias('nope'), '');

  const text = await metrics.render();
  const lines = new Set(text.split('\n'));
  for (const line of [
    'switchyard_upstream_attempts_total{deployment="a#0",provider="mock",outcome="upstream_error"} 1',
    'switchyard_upstream_attempts_total{deployment="b#1",provider="mock",outcome="ok"} 1',
    'switchyard_upstream_attempts_total{deployment="w/*#2",provider="mock",outcome="ok"} 1',
    'switchyard_fallbacks_total{alias="a"} 1',
    'switchyard_cooldowns_total{deployment="a#0",reason="upstream_error"} 1',
    'switchyard_tokens_total{deployment="b#1",direction="in"} 4',
    'switchyard_tokens_total{deployment="w/*#2",direction="out"} 6',
  ]) assert.ok(lines.has(line), `missing: ${line}\n${text}`);
  assert.doesNotMatch(text, /w\/x1/, 'the wildcard deployment is labelled by its config id');
});
