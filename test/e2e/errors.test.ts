import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import OpenAI from 'openai';
import { groqEntry } from '../helpers/config.js';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// Every failure answers with the right status and a catalog code, and the
// gateway keeps serving afterwards.
const WRONG_KEY = 'gsk_wrong_' + 'k'.repeat(30) + 'zz99';
let groq: MockUpstream;
let slowGroq: MockUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

before(async () => {
  groq = await startMockUpstream({ flavor: 'groq' });
  slowGroq = await startMockUpstream({ flavor: 'groq', chunkDelayMs: 100 });
  gateway = await startGateway({
    config: `
model_list:
${groqEntry('groq-70b', groq, { stream_timeout: 1 })}${groqEntry('groq-badkey', groq, { api_key: 'os.environ/GROQ_WRONG_KEY' })}  - model_name: not-tls
    litellm_params:
      model: openai/gpt-4o
      api_key: sk-unused-but-long-enough-1234
      api_base: https://127.0.0.1:${groq.port}/v1
${groqEntry('slow-stream', slowGroq)}  - model_name: bedrock-claude
    litellm_params:
      model: bedrock/anthropic.claude-3-sonnet
  - model_name: dead
    litellm_params:
      model: openai/gpt-4o
      api_key: sk-unused-but-long-enough-1234
      api_base: http://127.0.0.1:9/v1
# One attempt per request: each test provokes exactly one upstream failure (retries are tested in reliability.test.ts).
router_settings: { num_retries: 0, disable_cooldowns: true }
`,
    env: { GROQ_API_KEY: MOCK_KEYS.groq, GROQ_WRONG_KEY: WRONG_KEY },
  });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'x', maxRetries: 0 });
});
after(async () => {
  await gateway.stop();
  await groq.close();
  await slowGroq.close();
});
beforeEach(() => groq.reset());

async function post(body: string | object, path = '/v1/chat/completions') {
  const res = await request(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await res.body.json()) as { error: Record<string, any> };
  return { status: res.statusCode, headers: res.headers, error: json.error };
}

const hello = (model = 'groq-70b', content = 'Hello') => ({ model, messages: [{ role: 'user', content }] });

test('malformed JSON: 400 invalid_json with line and column', async () => {
  const { status, error } = await post('{"model": "groq-70b",\n "messages": [}');
  assert.equal(status, 400);
  assert.equal(error.code, 'invalid_json');
  assert.equal(error.line, 2);
  assert.equal(error.column, 15);
  assert.equal(error.type, 'invalid_request_error');
  assert.ok(error.fix);
});

test('missing and mistyped fields: 400 invalid_request naming the field', async () => {
  assert.equal((await post({ model: 'groq-70b' })).error.param, 'messages');
  assert.equal((await post({ messages: [] })).error.param, 'model');
  const typed = await post({ model: 42, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(typed.status, 400);
  assert.equal(typed.error.code, 'invalid_request');
  assert.equal(typed.error.param, 'model');
  assert.equal((await post({ model: 'groq-70b', messages: [{ content: 'x' }] })).error.param, 'messages[0].role');
  assert.equal((await post({ model: 'groq-70b', messages: [{ role: 'user', content: 'x' }], stream: 'yes' })).error.param, 'stream');
  assert.equal((await post('[1,2]')).error.code, 'invalid_request');
});

test('unknown alias: 404 model_not_found with the closest alias, before any upstream call', async () => {
  const { status, error } = await post(hello('groq-7b'));
  assert.equal(status, 404);
  assert.equal(error.code, 'model_not_found');
  assert.equal(error.suggestion, 'groq-70b');
  assert.ok(error.available_models.includes('groq-70b'));
  assert.equal(groq.requests.length, 0);
});

test('the provider rejects the key: 502 naming the variable, key masked, never the key itself', async () => {
  const { status, error, headers } = await post(hello('groq-badkey'));
  assert.equal(status, 502);
  assert.equal(error.code, 'upstream_authentication_error');
  assert.equal(headers['x-should-retry'], 'false');
  assert.match(error.message, /GROQ_WRONG_KEY/);
  assert.match(error.message, /gsk_…zz99/);
  assert.ok(!JSON.stringify(error).includes(WRONG_KEY));
  assert.ok(!gateway.stdout().includes(WRONG_KEY) && !gateway.stderr().includes(WRONG_KEY));
});

test('provider rate limit: 429 with retry-after, understood by the OpenAI SDK', async () => {
  groq.fail('rate_limit_tpm');
  await assert.rejects(client.chat.completions.create(hello() as OpenAI.ChatCompletionCreateParamsNonStreaming), (err: unknown) => {
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.equal(err.code, 'rate_limit_exceeded');
    assert.ok(Number(err.headers?.get('retry-after')) >= 1);
    return true;
  });
});

test('each provider failure maps to its catalog code and status', async () => {
  const cases: Array<[string, number, string]> = [
    ['request_too_large', 413, 'request_too_large'],
    ['context_length_exceeded', 400, 'context_length_exceeded'],
    ['model_decommissioned', 502, 'upstream_model_unavailable'],
    ['over_capacity', 503, 'upstream_overloaded'],
    ['server_error', 502, 'upstream_error'],
    ['bad_gateway_html', 502, 'upstream_error'],
    ['malformed_json', 502, 'upstream_invalid_response'],
    ['connection_reset', 502, 'upstream_unreachable'],
    ['tool_use_failed', 502, 'upstream_generation_failed'],
    ['permission_denied', 502, 'upstream_permission_denied'],
    ['json_validate_failed', 502, 'upstream_generation_failed'],
    ['flex_capacity', 503, 'upstream_overloaded'],
  ];
  for (const [fault, status, code] of cases) {
    groq.fail(fault as Parameters<MockUpstream['fail']>[0]);
    const res = await post(hello());
    assert.equal(res.status, status, fault);
    assert.equal(res.error.code, code, fault);
    assert.equal(res.error.provider, 'groq', fault);
  }
});

test('a parameter Groq refuses is caught before the call, named in param', async () => {
  const { status, error } = await post({ ...hello(), logprobs: true });
  assert.equal(status, 400);
  assert.equal(error.code, 'unsupported_param');
  assert.equal(error.param, 'logprobs');
  assert.equal(groq.requests.length, 0);
});

test("a parameter the provider itself rejects is passed on with the provider's param", async () => {
  const { status, error } = await post({ ...hello(), max_tokens: 10_000_000 });
  assert.equal(status, 400);
  assert.equal(error.code, 'upstream_bad_request');
  assert.equal(error.param, 'max_tokens');
});

test('an unreachable upstream: 502 naming the host and the OS error', async () => {
  const { status, error } = await post(hello('dead'));
  assert.equal(status, 502);
  assert.equal(error.code, 'upstream_unreachable');
  assert.match(error.message, /127\.0\.0\.1:9/);
  assert.equal(error.os_error, 'ECONNREFUSED');
});

test('a stream cut mid-way ends with an error event and no [DONE]; the SDK raises', async () => {
  const stream = await client.chat.completions.create({ ...hello('groq-70b', 'a long answer [[mock:stream_cut]]'), stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
  let received = '';
  await assert.rejects(async () => {
    for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
  }, (err: unknown) => err instanceof OpenAI.APIError && /ended the stream|broke off/.test(err.message));
  assert.ok(received.length > 0, 'the first chunks were delivered before the cut');

  const raw = await request(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ ...hello('groq-70b', 'again [[mock:stream_cut]]'), stream: true }),
  });
  const events = (await raw.body.text()).split('\n\n').filter(Boolean);
  assert.ok(!events.includes('data: [DONE]'));
  const last = JSON.parse(events.at(-1)!.slice('data: '.length));
  assert.equal(last.error.code, 'upstream_stream_interrupted');
});

test('a stream whose upstream never answers times out with upstream_timeout (stream_timeout: 1)', async () => {
  const started = Date.now();
  const { status, error } = await post({ ...hello('groq-70b', 'wait [[mock:hang]]'), stream: true });
  assert.equal(status, 504);
  assert.equal(error.code, 'upstream_timeout');
  assert.ok(Date.now() - started < 5000);
});

test('a client that disconnects aborts its upstream request', async () => {
  const controller = new AbortController();
  const pending = request(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ ...hello('groq-70b', 'slow [[mock:slow_headers:800]]'), stream: true }),
    signal: controller.signal,
  }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(groq.requests.length, 1);
  controller.abort();
  await pending;
  // The gateway hangs up on the upstream too (the mock records how its response ended).
  for (let i = 0; i < 100 && groq.requests[0]!.outcome === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(groq.requests[0]!.outcome, 'aborted');
  // The gateway is still healthy and serves the next request.
  const res = await post(hello());
  assert.equal(res.status, 200 as number, JSON.stringify(res.error));
});

test('unknown routes and wrong methods answer with catalog errors', async () => {
  const notFound = await request(`${gateway.url}/v1/embeddings/nope`, { method: 'POST', body: '{}' });
  assert.equal(notFound.statusCode, 404);
  assert.equal(((await notFound.body.json()) as any).error.code, 'route_not_found');
  const wrongMethod = await request(`${gateway.url}/v1/chat/completions`, { method: 'GET' });
  assert.equal(wrongMethod.statusCode, 405);
  assert.equal(wrongMethod.headers.allow, 'POST');
  assert.equal(((await wrongMethod.body.json()) as any).error.code, 'method_not_allowed');
});

test('a body over the limit: 413 body_too_large, and the gateway keeps serving', async () => {
  const huge = JSON.stringify({ ...hello(), padding: 'x'.repeat(33 * 1024 * 1024) });
  const res = await request(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: huge });
  assert.equal(res.statusCode, 413);
  assert.equal(((await res.body.json()) as any).error.code, 'body_too_large');
  assert.equal((await post(hello())).status, 200);
});

test('a chunked body over the limit (no content-length) also gets 413 body_too_large', async () => {
  const { Readable } = await import('node:stream');
  const piece = Buffer.alloc(1024 * 1024, 'x');
  let sent = 0;
  const body = new Readable({
    read() {
      sent++;
      this.push(sent <= 40 ? piece : null);
    },
  });
  const res = await request(`${gateway.url}/v1/chat/completions`, { method: 'POST', body });
  assert.equal(res.statusCode, 413);
  assert.equal(((await res.body.json()) as any).error.code, 'body_too_large');
  assert.equal((await post(hello())).status, 200);
});

test('a prompt far beyond the 131,072-token window is refused before sending, with the numbers', async () => {
  const { status, error } = await post(hello('groq-70b', 'lorem ipsum '.repeat(60_000)));
  assert.equal(status, 400);
  assert.equal(error.code, 'context_length_exceeded');
  assert.equal(error.param, 'messages');
  assert.equal(error.context_window, 131_072);
  assert.ok(error.estimated_tokens > 131_072);
  assert.equal(groq.requests.length, 0);
});

test("the provider's context_length_exceeded gains the window and the estimate", async () => {
  groq.fail('context_length_exceeded');
  const { error } = await post(hello());
  assert.equal(error.code, 'context_length_exceeded');
  assert.equal(error.context_window, 131_072);
  assert.equal(error.upstream_status, 400);
});

test('TLS to a server that does not speak TLS: 502 upstream_tls_error', async () => {
  const { status, error } = await post(hello('not-tls'));
  assert.equal(status, 502);
  assert.equal(error.code, 'upstream_tls_error');
  assert.match(error.message, /127\.0\.0\.1/);
});

test('a provider Switchyard cannot call: 500 provider_not_supported naming it, not retryable', async () => {
  const { status, error, headers } = await post(hello('bedrock-claude'));
  assert.equal(status, 500);
  assert.equal(error.code, 'provider_not_supported');
  assert.match(error.message, /bedrock/);
  assert.equal(headers['x-should-retry'], 'false');
});

test('a client that leaves mid-stream aborts the upstream stream too', async () => {
  const controller = new AbortController();
  const res = await request(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ ...hello('slow-stream', 'a reply of several words streamed slowly'), stream: true }),
    signal: controller.signal,
  });
  for await (const _chunk of res.body) break; // the first bytes arrived; now hang up
  controller.abort();
  const deadline = Date.now() + 3000;
  while (slowGroq.requests[0]?.outcome === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(slowGroq.requests[0]?.outcome, 'aborted');
});
