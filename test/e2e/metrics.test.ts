import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { groqEntry } from '../helpers/config.js';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// GET /metrics after known traffic through the real CLI: exact counter values,
// bounded labels (a wildcard alias is its pattern), and no secret in the text.
const MASTER = 'sk-metrics-master-never-exposed-7731';
let groq: MockUpstream;
let gateway: GatewayProcess;

before(async () => {
  groq = await startMockUpstream({ flavor: 'groq' });
  gateway = await startGateway({
    config: `
model_list:
${groqEntry('groq-70b', groq)}${groqEntry('groq/*', groq, {}, 'groq/*')}general_settings:
  master_key: ${MASTER}
`,
    env: { GROQ_API_KEY: MOCK_KEYS.groq },
  });
});
after(async () => {
  await gateway?.stop();
  await groq?.close();
});

const chat = (model: string, extra: Record<string, unknown> = {}): Promise<Response> =>
  fetch(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }], ...extra }),
  });

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `unparseable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The one sample with exactly these labels (undefined when absent). */
function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.keys(s.labels).length === Object.keys(labels).length
    && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matched ${found.length} samples`);
  return found[0]?.value;
}

test('GET /metrics counts requests, attempts, retries and tokens, and exposes no secret', async () => {
  // Unauthenticated scrapes are refused like any other non-public route.
  const refused = await fetch(`${gateway.url}/metrics`);
  assert.equal(refused.status, 401);
  await refused.text();

  // Known traffic: 2 ok (one through the wildcard), 1 retried upstream error, 1 unknown model, 1 stream.
  for (const model of ['groq-70b', 'groq/llama-3.1-8b-instant']) {
    const res = await chat(model);
    const body = await res.text();
    assert.equal(res.status, 200, body);
  }
  groq.fail('server_error');
  const retried = await chat('groq-70b');
  assert.equal(retried.status, 200);
  assert.equal(retried.headers.get('x-litellm-attempted-retries'), '1');
  await retried.text();
  const unknown = await chat('no-such-model');
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'model_not_found');
  const stream = await chat('groq-70b', { stream: true, stream_options: { include_usage: true } });
  assert.equal(stream.status, 200);
  assert.match(await stream.text(), /\[DONE\]/);

  const res = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${MASTER}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const samples = parse(text);

  // Requests, by the configured alias (the wildcard's pattern, never the client's model string).
  assert.equal(value(samples, 'switchyard_requests_total', { alias: 'groq-70b', status: '200', code: '' }), 3);
  assert.equal(value(samples, 'switchyard_requests_total', { alias: 'groq/*', status: '200', code: '' }), 1);
  assert.equal(value(samples, 'switchyard_requests_total', { alias: '', status: '404', code: 'model_not_found' }), 1);
  assert.equal(samples.filter((s) => s.name === 'switchyard_requests_total').reduce((n, s) => n + s.value, 0), 5);
  assert.ok(!text.includes('llama-3.1-8b-instant'), 'the raw wildcard model is not a label');
  assert.ok(!text.includes('no-such-model'), 'an unknown model is not a label');

  assert.equal(value(samples, 'switchyard_request_duration_seconds_count', { alias: 'groq-70b', stream: 'false' }), 2);
  assert.equal(value(samples, 'switchyard_request_duration_seconds_count', { alias: 'groq-70b', stream: 'true' }), 1);
  assert.equal(value(samples, 'switchyard_request_duration_seconds_count', { alias: '', stream: 'false' }), 1);
  assert.equal(value(samples, 'switchyard_time_to_first_token_seconds_count', { alias: 'groq-70b' }), 1);
  assert.ok(value(samples, 'switchyard_time_to_first_token_seconds_sum', { alias: 'groq-70b' })! > 0);

  // Upstream: 5 calls, one of them the 500 that was retried.
  const attempts = samples.filter((s) => s.name === 'switchyard_upstream_attempts_total');
  assert.equal(value(samples, 'switchyard_upstream_attempts_total', { deployment: 'groq-70b#0', provider: 'groq', outcome: 'ok' }), 3);
  assert.equal(value(samples, 'switchyard_upstream_attempts_total', { deployment: 'groq/*#1', provider: 'groq', outcome: 'ok' }), 1);
  const failed = attempts.filter((s) => s.labels.outcome !== 'ok');
  assert.equal(failed.length, 1, JSON.stringify(attempts));
  assert.equal(failed[0]!.labels.deployment, 'groq-70b#0');
  assert.equal(failed[0]!.labels.outcome, 'upstream_error', 'the catalog code');
  assert.equal(failed[0]!.value, 1);
  assert.equal(value(samples, 'switchyard_retries_total', { alias: 'groq-70b' }), 1);
  assert.equal(samples.filter((s) => s.name === 'switchyard_fallbacks_total').length, 0);
  assert.equal(samples.filter((s) => s.name === 'switchyard_cooldowns_total').length, 0, 'one failure is within allowed_fails');

  // Tokens from usage (the mock counts 2 in, 5 out for "Hello"): the stream's too, with include_usage; the failed call's none.
  assert.equal(value(samples, 'switchyard_tokens_total', { deployment: 'groq-70b#0', direction: 'in' }), 3 * 2);
  assert.equal(value(samples, 'switchyard_tokens_total', { deployment: 'groq-70b#0', direction: 'out' }), 3 * 5);
  assert.equal(value(samples, 'switchyard_tokens_total', { deployment: 'groq/*#1', direction: 'in' }), 2);
  assert.equal(value(samples, 'switchyard_tokens_total', { deployment: 'groq/*#1', direction: 'out' }), 5);

  // Provider headroom: per configured deployment (a wildcard's models share its label).
  assert.ok(value(samples, 'switchyard_provider_ratelimit_remaining', { deployment: 'groq/*#1', kind: 'tokens' })! > 0);
  assert.ok(value(samples, 'switchyard_provider_ratelimit_remaining', { deployment: 'groq-70b#0', kind: 'requests' })! > 0);

  assert.equal(value(samples, 'switchyard_queue_waiting', {}), 0);
  assert.equal(samples.filter((s) => s.name === 'switchyard_redis_degraded').length, 0, 'no Redis configured');
  assert.ok(samples.some((s) => s.name === 'process_resident_memory_bytes' || s.name === 'nodejs_heap_size_used_bytes'), 'default process metrics');

  // No secret, no request id.
  assert.ok(!text.includes(MASTER), 'master key');
  assert.ok(!text.includes(MOCK_KEYS.groq), 'provider key');
  assert.ok(!text.includes(retried.headers.get('x-request-id')!), 'request id');
});
