// The mock upstream speaks each provider's real wire format: bodies, headers,
// errors and SSE framing, checked here with plain fetch (no SDK, no gateway).

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FAULT_NAMES, MOCK_KEYS, startMockUpstream, type Flavor, type MockUpstream } from './openai-compatible.js';

const GROQ_MODEL = 'llama-3.1-8b-instant';
const OPENAI_MODEL = 'gpt-4o-mini';

interface Call {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function post(mock: MockUpstream, flavor: Flavor, body: unknown, opts: { key?: string | null; raw?: string } = {}): Promise<Call> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = opts.key === undefined ? MOCK_KEYS[flavor] : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${mock.baseUrl}/chat/completions`, { method: 'POST', headers, body: opts.raw ?? JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Splits an SSE body into its events; comments are kept as `: …` strings, data events parsed. */
function events(text: string): Array<{ comment?: string; done?: true; data?: any; raw: string }> {
  assert.ok(text.endsWith('\n\n') || text === '', 'every SSE event ends with a blank line');
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((raw) => {
      if (raw.startsWith(':')) return { comment: raw, raw };
      assert.ok(raw.startsWith('data: '), `data line: ${raw}`);
      const payload = raw.slice('data: '.length);
      return payload === '[DONE]' ? { done: true as const, raw } : { data: JSON.parse(payload), raw };
    });
}

const user = (content: string) => [{ role: 'user', content }];

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' }, metric: { type: 'boolean' }, note: { type: 'string' } },
      required: ['city', 'days', 'metric'],
    },
  },
};
const TIME_TOOL = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } } };

const RATE_HEADERS = [
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
  'x-request-id',
];
const GO_DURATION = /^(\d+h)?(\d+m)?(\d+(\.\d+)?(ms|s))?$/;

function assertRateHeaders(headers: Headers): void {
  for (const name of RATE_HEADERS) assert.ok(headers.get(name), `header ${name}`);
  assert.match(headers.get('x-ratelimit-reset-requests')!, GO_DURATION);
  assert.match(headers.get('x-ratelimit-reset-tokens')!, GO_DURATION);
}

describe('groq flavor', () => {
  let mock: MockUpstream;
  before(async () => {
    mock = await startMockUpstream({ flavor: 'groq' });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test('base URL ends in /openai/v1 and the default key does not look like a real Groq key', () => {
    assert.match(mock.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/openai\/v1$/);
    assert.doesNotMatch(MOCK_KEYS.groq, /^gsk_[A-Za-z0-9]{40,}$/);
    assert.ok(MOCK_KEYS.groq.startsWith('gsk_mock_'));
  });

  test('non-streaming body has Groq fields and no refusal', async () => {
    const r = await post(mock, 'groq', { model: GROQ_MODEL, messages: [{ role: 'system', content: 'Be brief.' }, ...user('What is the capital of France?')] });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assertRateHeaders(r.headers);
    assert.equal(r.headers.get('retry-after'), null, 'retry-after only on 429');
    const b = r.json;
    assert.match(b.id, /^chatcmpl-[0-9a-f-]{36}$/);
    assert.equal(b.object, 'chat.completion');
    assert.equal(b.model, GROQ_MODEL);
    assert.equal(typeof b.created, 'number');
    assert.deepEqual(b.choices[0].message, { role: 'assistant', content: 'Hello from mock groq: What is the capital of France?' });
    assert.equal(b.choices[0].logprobs, null);
    assert.equal(b.choices[0].finish_reason, 'stop');
    assert.equal(b.usage_breakdown, null);
    assert.match(b.system_fingerprint, /^fp_[0-9a-f]{10}$/);
    assert.equal(b.service_tier, 'on_demand');
    assert.match(b.x_groq.id, /^req_01[0-9a-z]{24}$/);
    assert.equal(b.x_groq.id, r.headers.get('x-request-id'), 'x_groq.id is the request id');
    // prompt ≈ ceil(chars / 4); completion = words.
    assert.equal(b.usage.prompt_tokens, Math.ceil(('Be brief.'.length + 'What is the capital of France?'.length) / 4));
    assert.equal(b.usage.completion_tokens, 10);
    assert.equal(b.usage.total_tokens, b.usage.prompt_tokens + b.usage.completion_tokens);
    for (const k of ['queue_time', 'prompt_time', 'completion_time', 'total_time']) assert.equal(typeof b.usage[k], 'number', k);
  });

  test('echo keeps only the first 40 characters of the last user message', async () => {
    const r = await post(mock, 'groq', { model: GROQ_MODEL, messages: [...user('old'), { role: 'assistant', content: 'x' }, ...user('a'.repeat(50))] });
    assert.equal(r.json.choices[0].message.content, `Hello from mock groq: ${'a'.repeat(40)}`);
  });

  test('stream: role chunk with x_groq.id, word chunks, usage in x_groq of the finish chunk, [DONE]', async () => {
    const r = await post(mock, 'groq', { model: GROQ_MODEL, stream: true, stream_options: { include_usage: true }, messages: user('hi there') });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/event-stream');
    assertRateHeaders(r.headers);
    const evs = events(r.text);
    assert.ok(evs.at(-1)!.done, 'ends with [DONE]');
    const chunks = evs.filter((e) => e.data).map((e) => e.data);
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    assert.equal(chunks[0].x_groq.id, r.headers.get('x-request-id'));
    for (const c of chunks) {
      assert.equal(c.object, 'chat.completion.chunk');
      assert.equal('usage' in c, false, 'Groq never sends top-level usage');
    }
    const text = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
    assert.equal(text, 'Hello from mock groq: hi there');
    assert.ok(chunks.length >= 7, 'one chunk per word');
    const last = chunks.at(-1);
    assert.deepEqual(last.choices[0], { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    assert.equal(last.x_groq.id, chunks[0].x_groq.id);
    assert.equal(last.x_groq.usage.completion_tokens, 6);
    assert.equal(typeof last.x_groq.usage.queue_time, 'number');
  });

  test('chunkDelayMs spaces the chunks out: the first arrives long before the last', async () => {
    const slow = await startMockUpstream({ flavor: 'groq', chunkDelayMs: 40 });
    try {
      const started = Date.now();
      const res = await fetch(`${slow.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${MOCK_KEYS.groq}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: GROQ_MODEL, stream: true, messages: user('one two three') }),
      });
      const reader = res.body!.getReader();
      let firstAt = 0;
      let reads = 0;
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
        if (reads++ === 0) firstAt = Date.now() - started;
      }
      const total = Date.now() - started;
      assert.ok(reads >= 5, `incremental delivery (${reads} reads)`);
      assert.ok(total >= 300, `total ${total} ms`);
      assert.ok(firstAt < total - 200, `first chunk at ${firstAt} ms of ${total}`);
    } finally {
      await slow.close();
    }
  });

  test('tool call: first tool by default, arguments fill required properties', async () => {
    const r = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('weather?'), tools: [WEATHER_TOOL, TIME_TOOL] });
    const choice = r.json.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal('content' in choice.message, false);
    assert.equal('refusal' in choice.message, false);
    const [call] = choice.message.tool_calls;
    assert.match(call.id, /^call_[a-z0-9]{4}$/);
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'test', days: 1, metric: true });
    // Deterministic: the same conversation gets the same call id.
    const again = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('weather?'), tools: [WEATHER_TOOL, TIME_TOOL] });
    assert.equal(again.json.choices[0].message.tool_calls[0].id, call.id);
  });

  test('tool_choice forces a function, "none" answers in text, a tool result is echoed', async () => {
    const forced = await post(mock, 'groq', {
      model: GROQ_MODEL,
      messages: user('time?'),
      tools: [WEATHER_TOOL, TIME_TOOL],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    assert.equal(forced.json.choices[0].message.tool_calls[0].function.name, 'get_time');
    assert.deepEqual(JSON.parse(forced.json.choices[0].message.tool_calls[0].function.arguments), { zone: 'test' });

    const none = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi'), tools: [WEATHER_TOOL], tool_choice: 'none' });
    assert.equal(none.json.choices[0].message.content, 'Hello from mock groq: hi');

    const result = await post(mock, 'groq', {
      model: GROQ_MODEL,
      tools: [WEATHER_TOOL],
      messages: [
        ...user('weather?'),
        { role: 'assistant', tool_calls: [{ id: 'call_abcd', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_abcd', content: '18C and sunny' },
      ],
    });
    assert.equal(result.json.choices[0].message.content, 'Tool said: 18C and sunny');
    assert.equal(result.json.choices[0].finish_reason, 'stop');
  });

  test('stream: a Groq tool call arrives whole in one delta', async () => {
    const r = await post(mock, 'groq', { model: GROQ_MODEL, stream: true, messages: user('weather?'), tools: [WEATHER_TOOL] });
    const chunks = events(r.text).filter((e) => e.data).map((e) => e.data);
    const toolChunks = chunks.filter((c) => c.choices[0]?.delta.tool_calls);
    assert.equal(toolChunks.length, 1);
    const [call] = toolChunks[0].choices[0].delta.tool_calls;
    assert.equal(call.index, 0);
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'test', days: 1, metric: true });
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  test('toolCallStreaming: "fragments" cuts a Groq tool call OpenAI-style', async () => {
    const frag = await startMockUpstream({ flavor: 'groq', toolCallStreaming: 'fragments' });
    try {
      const r = await post(frag, 'groq', { model: GROQ_MODEL, stream: true, messages: user('weather?'), tools: [WEATHER_TOOL] });
      const calls = events(r.text)
        .filter((e) => e.data?.choices[0]?.delta.tool_calls)
        .map((e) => e.data.choices[0].delta.tool_calls[0]);
      assert.ok(calls.length > 2);
      assert.deepEqual(calls[0].function, { name: 'get_weather', arguments: '' });
      assert.equal(calls.slice(1).every((c: any) => c.id === undefined && c.index === 0), true);
      assert.deepEqual(JSON.parse(calls.map((c: any) => c.function.arguments).join('')), { city: 'test', days: 1, metric: true });
    } finally {
      await frag.close();
    }
  });

  test('response_format json_object answers {"ok":true}; max_tokens truncates with finish_reason length', async () => {
    const json = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('json please'), response_format: { type: 'json_object' } });
    assert.equal(json.json.choices[0].message.content, '{"ok":true}');
    const cut = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hello world'), max_tokens: 3 });
    assert.equal(cut.json.choices[0].message.content, 'Hello from mock');
    assert.equal(cut.json.choices[0].finish_reason, 'length');
    assert.equal(cut.json.usage.completion_tokens, 3);
    const streamed = await post(mock, 'groq', { model: GROQ_MODEL, stream: true, messages: user('hello world'), max_completion_tokens: 2 });
    const chunks = events(streamed.text).filter((e) => e.data).map((e) => e.data);
    assert.equal(chunks.map((c) => c.choices[0].delta.content ?? '').join(''), 'Hello from');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'length');
  });

  test('401 with the exact body for a wrong or missing key', async () => {
    for (const key of ['gsk_wrong', null]) {
      const r = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') }, { key });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
  });

  test('404 model_not_found and 400 model_decommissioned with the exact texts', async () => {
    const unknown = await post(mock, 'groq', { model: 'llama-9-404b', messages: user('hi') });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json, {
      error: { message: 'The model `llama-9-404b` does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' },
    });
    const retired = await post(mock, 'groq', { model: 'mixtral-8x7b-32768', messages: user('hi') });
    assert.equal(retired.status, 400);
    assert.deepEqual(retired.json, {
      error: {
        message:
          'The model `mixtral-8x7b-32768` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.',
        type: 'invalid_request_error',
        code: 'model_decommissioned',
      },
    });
  });

  test('unsupported OpenAI parameters are a 400 naming the param', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ logprobs: true }, 'logprobs'],
      [{ logit_bias: { '1': 5 } }, 'logit_bias'],
      [{ top_logprobs: 2 }, 'top_logprobs'],
      [{ n: 2 }, 'n'],
      [{ messages: [{ role: 'user', content: 'hi', name: 'bob' }] }, 'messages[0].name'],
      [{ max_tokens: 40000, model: 'llama-3.3-70b-versatile' }, 'max_tokens'],
    ];
    for (const [extra, param] of cases) {
      const r = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi'), ...extra });
      assert.equal(r.status, 400, param);
      assert.equal(r.json.error.type, 'invalid_request_error');
      assert.equal(r.json.error.param, param);
    }
    const ok = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi'), n: 1, logprobs: false });
    assert.equal(ok.status, 200);
  });

  test('invalid JSON and missing messages are 400s', async () => {
    const bad = await post(mock, 'groq', undefined, { raw: '{"model": "llama-3.1-8b-instant", "messages": [' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.type, 'invalid_request_error');
    const missing = await post(mock, 'groq', { model: GROQ_MODEL });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error.param, 'messages');
    assert.equal(mock.requests.at(0)!.body, '{"model": "llama-3.1-8b-instant", "messages": [', 'unparsable bodies are recorded raw');
  });

  test('a prompt over the context window is context_length_exceeded', async () => {
    const small = await startMockUpstream({ flavor: 'groq', models: [{ id: 'tiny', context_window: 10 }] });
    try {
      const r = await post(small, 'groq', { model: 'tiny', messages: user('x'.repeat(100)) });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json.error, {
        message: 'Please reduce the length of the messages or completion.',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      });
    } finally {
      await small.close();
    }
  });

  test('GET /models: Groq list shape, auth required', async () => {
    const res = await fetch(`${mock.baseUrl}/models`, { headers: { authorization: `Bearer ${MOCK_KEYS.groq}` } });
    assert.equal(res.status, 200);
    const body: any = await res.json();
    assert.equal(body.object, 'list');
    const m = body.data.find((x: any) => x.id === 'llama-3.3-70b-versatile');
    assert.deepEqual(Object.keys(m).sort(), ['active', 'context_window', 'created', 'id', 'max_completion_tokens', 'object', 'owned_by', 'public_apps']);
    assert.equal(m.context_window, 131072);
    assert.equal(m.max_completion_tokens, 32768);
    assert.equal(m.public_apps, null);
    const anon = await fetch(`${mock.baseUrl}/models`);
    assert.equal(anon.status, 401);
  });

  test('unknown URL is Groq unknown_url 404', async () => {
    const res = await fetch(`${mock.baseUrl.replace('/openai/v1', '/v1')}/chat/completions`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 404);
    const body: any = await res.json();
    assert.equal(body.error.code, 'unknown_url');
  });

  test('429 TPM: Groq text, type tokens, retry-after, exhausted token headers', async () => {
    mock.fail('rate_limit_tpm');
    const r = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '26');
    assertRateHeaders(r.headers);
    assert.equal(r.headers.get('x-ratelimit-reset-tokens'), '25.01s');
    assert.equal(r.json.error.type, 'tokens');
    assert.equal(r.json.error.code, 'rate_limit_exceeded');
    assert.match(r.json.error.message, /^Rate limit reached for model `llama-3\.1-8b-instant` in organization `org_\w+` service tier `on_demand` on tokens per minute \(TPM\): Limit 6000, Used 5435, Requested 3066\. Please try again in 25\.01s\. /);
  });

  test('429 RPM / TPD variants, and a tunable wait', async () => {
    mock.fail('rate_limit_rpm');
    mock.fail('rate_limit_tpd');
    mock.fail('rate_limit_tpm:1.5');
    const rpm = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') });
    assert.equal(rpm.json.error.type, 'requests');
    assert.equal(rpm.headers.get('retry-after'), '2');
    const tpd = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') });
    assert.match(tpd.json.error.message, /tokens per day \(TPD\): .* Please try again in 14m24s\./);
    assert.equal(tpd.headers.get('retry-after'), '864');
    const tuned = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') });
    assert.match(tuned.json.error.message, /Please try again in 1\.5s\./);
    assert.equal(tuned.headers.get('retry-after'), '2');
  });

  test('413 request too large, 503 over capacity (no code), 498 flex: no retry-after', async () => {
    mock.fail('request_too_large');
    mock.fail('over_capacity');
    mock.fail('flex_capacity');
    const big = await post(mock, 'groq', { model: 'openai/gpt-oss-120b', messages: user('hi') });
    assert.equal(big.status, 413);
    assert.equal(big.json.error.type, 'tokens');
    assert.equal(big.json.error.code, 'rate_limit_exceeded');
    assert.match(big.json.error.message, /^Request too large for model `openai\/gpt-oss-120b`/);
    const busy = await post(mock, 'groq', { model: 'qwen/qwen3.6-27b', messages: user('hi') });
    assert.equal(busy.status, 503);
    assert.deepEqual(busy.json, {
      error: {
        message: 'qwen/qwen3.6-27b is currently over capacity. Please try again and back off exponentially. Visit https://groqstatus.com to see if there is an active incident.',
        type: 'internal_server_error',
      },
    });
    const flex = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') });
    assert.equal(flex.status, 498);
    assert.equal(flex.json.error.code, 'capacity_exceeded');
    for (const r of [big, busy, flex]) {
      assert.equal(r.headers.get('retry-after'), null);
      assertRateHeaders(r.headers);
    }
  });

  test('tool_use_failed and json_validate_failed carry failed_generation', async () => {
    mock.fail('tool_use_failed');
    mock.fail('json_validate_failed');
    const tool = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi'), tools: [WEATHER_TOOL] });
    assert.equal(tool.status, 400);
    assert.equal(tool.json.error.code, 'tool_use_failed');
    assert.match(tool.json.error.failed_generation, /^<function=get_weather>/);
    const json = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') });
    assert.equal(json.json.error.code, 'json_validate_failed');
    assert.equal(json.json.error.failed_generation, 'max completion tokens reached before generating a valid document');
  });

  test('faults are FIFO, one per chat request, and recorded requests include faulted ones', async () => {
    mock.fail('server_error', 2);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(mock, 'groq', { model: GROQ_MODEL, messages: user(`try ${i}`) })).status);
    assert.deepEqual(statuses, [500, 500, 200]);
    assert.equal(mock.requests.length, 3);
    assert.equal(mock.requests[0]!.method, 'POST');
    assert.equal(mock.requests[0]!.path, '/openai/v1/chat/completions');
    assert.equal(mock.requests[2]!.body.messages[0].content, 'try 2');
    assert.equal(mock.requests[0]!.headers.authorization, `Bearer ${MOCK_KEYS.groq}`);
  });

  test('an unknown fault name is refused loudly', () => {
    assert.throws(() => mock.fail('rate_limit_tmp' as never), /unknown fault/);
  });

  test('the [[mock:…]] marker applies a fault to that request only and leaves the queue alone', async () => {
    mock.fail('server_error');
    const marked = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi [[mock:rate_limit_rpm]]') });
    assert.equal(marked.status, 429);
    assert.equal(marked.json.error.type, 'requests');
    const queued = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') });
    assert.equal(queued.status, 500, 'the queued fault is still there');
    const typo = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi [[mock:nope]]') });
    assert.equal(typo.status, 400);
    assert.equal(typo.json.error.code, 'mock_unknown_fault');
  });

  test('slow_headers:N waits N ms, then answers normally (marker stripped from the echo)', async () => {
    const started = Date.now();
    const r = await post(mock, 'groq', { model: GROQ_MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi [[mock:slow_headers:300]]' }] }] });
    assert.ok(Date.now() - started >= 290);
    assert.equal(r.status, 200);
    assert.equal(r.json.choices[0].message.content, 'Hello from mock groq: hi');
  });

  test('stream_error: the final chunk carries x_groq.error', async () => {
    const r = await post(mock, 'groq', { model: GROQ_MODEL, stream: true, messages: user('one two three four five [[mock:stream_error]]') });
    assert.equal(r.status, 200);
    const chunks = events(r.text).filter((e) => e.data).map((e) => e.data);
    assert.equal(chunks.filter((c) => c.choices[0].delta.content).length, 2, 'two content chunks, then the error');
    assert.equal(chunks.at(-1).x_groq.error, 'over_capacity');
  });

  test('stream_cut: a few chunks, then the response ends without finish_reason or [DONE]', async () => {
    mock.fail('stream_cut');
    const r = await post(mock, 'groq', { model: GROQ_MODEL, stream: true, messages: user('one two three four five') });
    const evs = events(r.text);
    assert.equal(evs.some((e) => e.done), false);
    assert.equal(evs.some((e) => e.data?.choices[0]?.finish_reason), false);
    assert.equal(evs.filter((e) => e.data?.choices[0]?.delta.content).length, 2);
  });

  test('stream_cut on a non-streaming request: the body stops short of its content-length', async () => {
    mock.fail('stream_cut');
    await assert.rejects(post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') }));
  });

  test('malformed_json: a 200 with truncated JSON, and a broken data line in a stream', async () => {
    mock.fail('malformed_json', 2);
    const r = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') });
    assert.equal(r.status, 200);
    assert.ok(r.text.startsWith('{"id":"chatcmpl-'));
    assert.throws(() => JSON.parse(r.text));
    const s = await post(mock, 'groq', { model: GROQ_MODEL, stream: true, messages: user('hi there') });
    const lines = s.text.split('\n\n').filter(Boolean);
    const broken = lines.filter((l) => l !== 'data: [DONE]' && !(() => { try { JSON.parse(l.slice(6)); return true; } catch { return false; } })());
    assert.equal(broken.length, 1);
    assert.ok(broken[0]!.startsWith('data: {'));
  });

  test('bad_gateway_html: 502 text/html from the proxy, no provider headers', async () => {
    mock.fail('bad_gateway_html');
    const r = await post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') });
    assert.equal(r.status, 502);
    assert.equal(r.headers.get('content-type'), 'text/html');
    assert.match(r.text, /<title>502 Bad Gateway<\/title>/);
    assert.equal(r.headers.get('x-request-id'), null);
  });

  test('connection_reset: the socket dies before any answer', async () => {
    mock.fail('connection_reset');
    await assert.rejects(post(mock, 'groq', { model: GROQ_MODEL, messages: user('hi') }), (e: any) => {
      assert.ok(e instanceof TypeError);
      return true;
    });
  });

  test('hang: never answers, and close() ends it', { timeout: 5000 }, async () => {
    const hung = await startMockUpstream({ flavor: 'groq' });
    hung.fail('hang');
    const outcome = post(hung, 'groq', { model: GROQ_MODEL, messages: user('hi') }).then(
      () => 'answered',
      () => 'closed',
    );
    while (hung.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const raced = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('pending'), 150))]);
    assert.equal(raced, 'pending');
    await hung.close();
    assert.equal(await outcome, 'closed');
  });

  test('close() also ends a slow stream in flight', { timeout: 5000 }, async () => {
    const slow = await startMockUpstream({ flavor: 'groq', chunkDelayMs: 1000 });
    const res = await fetch(`${slow.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MOCK_KEYS.groq}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: GROQ_MODEL, stream: true, messages: user('hi') }),
    });
    const reading = res.text().then(
      () => 'ended',
      () => 'closed',
    );
    await slow.close();
    assert.ok(['ended', 'closed'].includes(await reading));
  });
});

describe('openai flavor', () => {
  let mock: MockUpstream;
  before(async () => {
    mock = await startMockUpstream({ flavor: 'openai' });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test('non-streaming body: refusal, logprobs, service_tier default, dated model snapshot', async () => {
    const r = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') });
    assert.equal(r.status, 200);
    assertRateHeaders(r.headers);
    assert.match(r.headers.get('openai-processing-ms')!, /^\d+$/);
    assert.match(r.headers.get('x-request-id')!, /^req_[0-9a-f]{32}$/);
    const b = r.json;
    assert.match(b.id, /^chatcmpl-[A-Za-z0-9]{29}$/);
    assert.equal(b.model, 'gpt-4o-mini-2024-07-18');
    assert.deepEqual(b.choices[0], {
      index: 0,
      message: { role: 'assistant', content: 'Hello from mock openai: hi', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    });
    assert.equal(b.service_tier, 'default');
    assert.equal(b.usage.completion_tokens, 5);
    assert.equal(b.usage.prompt_tokens_details.cached_tokens, 0);
    assert.equal('x_groq' in b, false);
  });

  test('stream with include_usage: usage:null on every chunk, then choices:[] + usage, then [DONE]', async () => {
    const r = await post(mock, 'openai', { model: OPENAI_MODEL, stream: true, stream_options: { include_usage: true }, messages: user('hi there') });
    const evs = events(r.text);
    assert.ok(evs.at(-1)!.done);
    const chunks = evs.filter((e) => e.data).map((e) => e.data);
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk.choices, []);
    assert.deepEqual(
      { p: usageChunk.usage.prompt_tokens, c: usageChunk.usage.completion_tokens, t: usageChunk.usage.total_tokens },
      { p: 2, c: 6, t: 8 },
    );
    for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null);
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null });
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hello from mock openai: hi there');
  });

  test('stream without include_usage has no usage key at all', async () => {
    const r = await post(mock, 'openai', { model: OPENAI_MODEL, stream: true, stream_options: { include_obfuscation: false }, messages: user('hi') });
    const chunks = events(r.text).filter((e) => e.data).map((e) => e.data);
    for (const c of chunks) {
      assert.equal('usage' in c, false);
      assert.equal('obfuscation' in c, false);
    }
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
  });

  test('stream: tool call id/name first with empty arguments, then fragments', async () => {
    const r = await post(mock, 'openai', { model: OPENAI_MODEL, stream: true, messages: user('weather?'), tools: [WEATHER_TOOL] });
    const chunks = events(r.text).filter((e) => e.data).map((e) => e.data);
    const first = chunks[0].choices[0].delta;
    assert.equal(first.role, 'assistant');
    assert.equal(first.content, null);
    assert.match(first.tool_calls[0].id, /^call_[A-Za-z0-9]{24}$/);
    assert.deepEqual(first.tool_calls[0].function, { name: 'get_weather', arguments: '' });
    const args = chunks.slice(1).map((c) => c.choices[0].delta.tool_calls?.[0].function.arguments ?? '').join('');
    assert.deepEqual(JSON.parse(args), { city: 'test', days: 1, metric: true });
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  test('401: masked wrong key, and the no-key variant', async () => {
    const wrong = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') }, { key: 'sk-abcdefghijklmnop1234' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json, {
      error: {
        message: 'Incorrect API key provided: sk-abc*************1234. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    const short = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') }, { key: 'sk-abc' });
    assert.match(short.json.error.message, /^Incorrect API key provided: sk-abc\*\*\*\. /);
    const none = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') }, { key: null });
    assert.equal(none.status, 401);
    assert.match(none.json.error.message, /^You didn't provide an API key\./);
  });

  test('404 model_not_found with all four envelope keys', async () => {
    const r = await post(mock, 'openai', { model: 'gpt-9', messages: user('hi') });
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, {
      error: { message: 'The model `gpt-9` does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' },
    });
  });

  test('429s: rate limit with retry-after; insufficient_quota and request-too-large without', async () => {
    mock.fail('rate_limit_tpm');
    mock.fail('insufficient_quota');
    mock.fail('request_too_large');
    const limited = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(limited.json.error.code, 'rate_limit_exceeded');
    assert.match(limited.json.error.message, /on tokens per min \(TPM\): Limit 200000, Used 195869, Requested 4412\. Please try again in 84ms\./);
    const quota = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') });
    assert.equal(quota.status, 429);
    assert.equal(quota.json.error.code, 'insufficient_quota');
    assert.equal(quota.json.error.type, 'insufficient_quota');
    assert.equal(quota.headers.get('retry-after'), null);
    const big = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') });
    assert.match(big.json.error.message, /^Request too large for gpt-4o-mini/);
    assert.equal(big.headers.get('retry-after'), null);
  });

  test('context_length_exceeded, server_error, over_capacity', async () => {
    mock.fail('context_length_exceeded');
    mock.fail('server_error');
    mock.fail('over_capacity');
    const ctx = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') });
    assert.equal(ctx.status, 400);
    assert.equal(ctx.json.error.param, 'messages');
    assert.match(ctx.json.error.message, /^This model's maximum context length is 128000 tokens\./);
    const s = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') });
    assert.equal(s.status, 500);
    assert.equal(s.json.error.type, 'server_error');
    const o = await post(mock, 'openai', { model: OPENAI_MODEL, messages: user('hi') });
    assert.equal(o.status, 503);
    assert.equal(o.json.error.code, 'server_is_overloaded');
  });

  test('reasoning models refuse max_tokens; missing messages and bad JSON use OpenAI texts', async () => {
    const r = await post(mock, 'openai', { model: 'gpt-5-mini', max_tokens: 10, messages: user('hi') });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'unsupported_parameter');
    assert.equal(r.json.error.param, 'max_tokens');
    const missing = await post(mock, 'openai', { model: OPENAI_MODEL });
    assert.deepEqual(missing.json.error, { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' });
    const bad = await post(mock, 'openai', undefined, { raw: 'nope' });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /^We could not parse the JSON body of your request\./);
  });

  test('stream_error: a data event with error, and no [DONE]', async () => {
    mock.fail('stream_error');
    const r = await post(mock, 'openai', { model: OPENAI_MODEL, stream: true, messages: user('one two three four') });
    const evs = events(r.text);
    assert.equal(evs.some((e) => e.done), false);
    assert.deepEqual(evs.at(-1)!.data, {
      error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null },
    });
  });

  test('GET /models: OpenAI list shape', async () => {
    const res = await fetch(`${mock.baseUrl}/models`, { headers: { authorization: `Bearer ${MOCK_KEYS.openai}` } });
    const body: any = await res.json();
    assert.equal(body.object, 'list');
    assert.deepEqual(Object.keys(body.data[0]).sort(), ['created', 'id', 'object', 'owned_by']);
    assert.ok(res.headers.get('x-request-id'));
  });
});

describe('openrouter and ollama flavors', () => {
  test('openrouter: /api/v1 base, processing comments, numeric error codes, 400 for an unknown model id', async () => {
    const mock = await startMockUpstream({ flavor: 'openrouter' });
    try {
      assert.match(mock.baseUrl, /\/api\/v1$/);
      const model = 'openai/gpt-oss-20b:free';
      const s = await post(mock, 'openrouter', { model, stream: true, messages: user('hi') });
      assert.ok(s.headers.get('x-generation-id')?.startsWith('gen-'));
      const evs = events(s.text);
      assert.equal(evs[0]!.comment, ': OPENROUTER PROCESSING');
      const chunks = evs.filter((e) => e.data).map((e) => e.data);
      assert.ok(chunks.at(-1).usage, 'usage in the final chunk');
      assert.ok(evs.at(-1)!.done);

      const missingKey = await post(mock, 'openrouter', { model, messages: user('hi') }, { key: null });
      assert.deepEqual(missingKey.json, { error: { message: 'No auth credentials found', code: 401 } });
      const wrongKey = await post(mock, 'openrouter', { model, messages: user('hi') }, { key: 'sk-or-v1-nope' });
      assert.deepEqual(wrongKey.json, { error: { message: 'User not found.', code: 401 } });
      const unknown = await post(mock, 'openrouter', { model: 'nobody/nothing', messages: user('hi') });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.json.error.message, 'nobody/nothing is not a valid model ID');

      mock.fail('insufficient_quota');
      const broke = await post(mock, 'openrouter', { model, messages: user('hi') });
      assert.equal(broke.status, 402);
      assert.equal(broke.json.error.code, 402);

      mock.fail('rate_limit_tpm');
      const limited = await post(mock, 'openrouter', { model, messages: user('hi') });
      assert.equal(limited.status, 429);
      assert.equal(limited.json.error.metadata.provider_name, 'Venice');
      assert.ok(limited.headers.get('retry-after'));

      mock.fail('tool_use_failed');
      const nested = await post(mock, 'openrouter', { model, messages: user('hi') });
      assert.equal(JSON.parse(nested.json.error.metadata.raw).error.code, 'tool_use_failed', 'provider JSON nested as a string');

      mock.fail('stream_error');
      const cut = await post(mock, 'openrouter', { model, stream: true, messages: user('one two three four') });
      assert.equal(cut.status, 200);
      const last = events(cut.text).at(-1)!.data;
      assert.equal(last.choices[0].finish_reason, 'error');
      assert.equal(last.error.message, 'Provider disconnected unexpectedly');

      const models = await fetch(`${mock.baseUrl}/models`);
      assert.equal(models.status, 200, 'the model list is public');
      const list: any = await models.json();
      assert.equal(list.object, undefined);
      assert.equal(typeof list.data[0].context_length, 'number');
    } finally {
      await mock.close();
    }
  });

  test('ollama: no auth, no logprobs/refusal, fp_ollama, :latest resolution, status-typed errors', async () => {
    const mock = await startMockUpstream({ flavor: 'ollama' });
    try {
      const r = await post(mock, 'ollama', { model: 'llama3.2', messages: user('hi') }, { key: null });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-ratelimit-limit-requests'), null);
      assert.equal(r.json.system_fingerprint, 'fp_ollama');
      assert.deepEqual(Object.keys(r.json.choices[0]).sort(), ['finish_reason', 'index', 'message']);
      assert.deepEqual(r.json.choices[0].message, { role: 'assistant', content: 'Hello from mock ollama: hi' });
      assert.deepEqual(Object.keys(r.json.usage).sort(), ['completion_tokens', 'prompt_tokens', 'total_tokens']);

      const missing = await post(mock, 'ollama', { model: 'mistral', messages: user('hi') });
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, { error: { message: 'model "mistral" not found, try pulling it first', type: 'not_found_error', param: null, code: null } });

      mock.fail('over_capacity');
      const busy = await post(mock, 'ollama', { model: 'llama3.2', messages: user('hi') });
      assert.equal(busy.status, 503);
      assert.equal(busy.json.error.type, 'api_error');

      const s = await post(mock, 'ollama', { model: 'llama3.2', stream: true, stream_options: { include_usage: true }, messages: user('hi') });
      const chunks = events(s.text).filter((e) => e.data).map((e) => e.data);
      assert.deepEqual(chunks.at(-1).choices, []);
      assert.equal(chunks.at(-1).usage.total_tokens, chunks.at(-1).usage.prompt_tokens + chunks.at(-1).usage.completion_tokens);
      for (const c of chunks.slice(0, -1)) assert.equal('usage' in c, false, 'no usage:null padding');
    } finally {
      await mock.close();
    }
  });
});

describe('every provider-error fault on every flavor', () => {
  const ERROR_FAULTS = FAULT_NAMES.filter(
    (f) => !['bad_gateway_html', 'connection_reset', 'slow_headers', 'hang', 'malformed_json', 'stream_cut', 'stream_error'].includes(f),
  );
  const MODEL: Record<Exclude<Flavor, 'anthropic'>, string> = { groq: GROQ_MODEL, openai: OPENAI_MODEL, openrouter: 'openai/gpt-oss-20b:free', ollama: 'llama3.2' };

  for (const flavor of ['groq', 'openai', 'openrouter', 'ollama'] as const) {
    test(`${flavor}: an error status, a JSON error envelope, retry-after only on 429`, async () => {
      const mock = await startMockUpstream({ flavor });
      try {
        for (const fault of ERROR_FAULTS) {
          mock.fail(fault);
          const r = await post(mock, flavor, { model: MODEL[flavor], messages: user('hi') });
          assert.ok(r.status >= 400, `${flavor}/${fault}: status ${r.status}`);
          assert.equal(typeof r.json?.error?.message, 'string', `${flavor}/${fault}: ${r.text}`);
          if (r.status !== 429) assert.equal(r.headers.get('retry-after'), null, `${flavor}/${fault}: retry-after on ${r.status}`);
          if (flavor === 'openai') assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'message', 'param', 'type'], fault);
          if (flavor === 'openrouter') assert.equal(r.json.error.code, r.status, `${fault}: numeric code = status`);
          if (flavor === 'groq' || flavor === 'openai') assertRateHeaders(r.headers);
        }
        // The same faults are refused for streaming requests with the same JSON answer, before any SSE.
        mock.fail('server_error');
        const s = await post(mock, flavor, { model: MODEL[flavor], stream: true, messages: user('hi') });
        assert.equal(s.status >= 500, true);
        assert.notEqual(s.headers.get('content-type'), 'text/event-stream');
      } finally {
        await mock.close();
      }
    });
  }
});
