// The anthropic flavor speaks the Messages API wire format: bodies, headers,
// errors, named SSE events and the 400s the real API gives a malformed
// request, checked here with plain fetch (no SDK, no gateway).

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FAULT_NAMES, MOCK_KEYS, MOCK_MODELS, startMockUpstream, type MockUpstream } from './openai-compatible.js';

const MODEL = 'claude-sonnet-4-20250514';
const KEY = MOCK_KEYS.anthropic;

interface Call {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

interface PostOptions {
  /** null: no key at all. */
  key?: string | null;
  /** Send the key as `Authorization: Bearer` instead of `x-api-key`. */
  bearer?: boolean;
  /** null: no anthropic-version header. */
  version?: string | null;
  raw?: string;
  path?: string;
}

async function post(mock: MockUpstream, body: unknown, opts: PostOptions = {}): Promise<Call> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = opts.key === undefined ? KEY : opts.key;
  if (key !== null) {
    if (opts.bearer) headers.authorization = `Bearer ${key}`;
    else headers['x-api-key'] = key;
  }
  const version = opts.version === undefined ? '2023-06-01' : opts.version;
  if (version !== null) headers['anthropic-version'] = version;
  const res = await fetch(`${mock.baseUrl}${opts.path ?? '/v1/messages'}`, { method: 'POST', headers, body: opts.raw ?? JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

interface Event {
  event: string;
  data: any;
  raw: string;
}

/** Splits an Anthropic SSE body into named events; every one is `event: <name>\ndata: <json>`. */
function events(text: string): Event[] {
  assert.ok(text.endsWith('\n\n'), 'every SSE event ends with a blank line');
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((raw) => {
      const match = /^event: ([a-z_]+)\ndata: (.*)$/s.exec(raw);
      assert.ok(match, `named event: ${raw}`);
      const data = JSON.parse(match[2]!);
      assert.equal(data.type, match[1], 'the event name repeats data.type');
      return { event: match[1]!, data, raw };
    });
}

const ask = (content: unknown, extra: Record<string, unknown> = {}) => ({ model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content }], ...extra });

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer' }, metric: { type: 'boolean' }, note: { type: 'string' } },
    required: ['city', 'days', 'metric'],
  },
};
const TIME_TOOL = { name: 'get_time', input_schema: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } };

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const RATE_HEADERS = ['requests', 'tokens', 'input-tokens', 'output-tokens'].flatMap((k) =>
  ['limit', 'remaining', 'reset'].map((p) => `anthropic-ratelimit-${k}-${p}`),
);

function assertProviderHeaders(headers: Headers): void {
  assert.match(headers.get('request-id')!, /^req_011C[A-Za-z0-9]{20}$/);
  for (const name of RATE_HEADERS) assert.ok(headers.get(name), `header ${name}`);
  for (const name of RATE_HEADERS.filter((h) => h.endsWith('-reset'))) assert.match(headers.get(name)!, RFC3339, name);
}

/** An error answer in Anthropic's envelope, its request_id the request-id header. */
function assertEnvelope(r: Call, status: number, type: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.type, 'error');
  assert.equal(r.json.error.type, type);
  assert.equal(typeof r.json.error.message, 'string');
  assert.equal(r.json.request_id, r.headers.get('request-id'));
}

describe('anthropic flavor', () => {
  let mock: MockUpstream;
  before(async () => {
    mock = await startMockUpstream({ flavor: 'anthropic' });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test('baseUrl is the bare root; the key has the real prefix but not the real shape', () => {
    assert.match(mock.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(KEY.startsWith('sk-ant-'));
    assert.doesNotMatch(KEY, /^sk-ant-(api|admin)\d\d-/, 'secret scanners must not flag the mock key');
    assert.ok(MOCK_MODELS.anthropic.every((m) => m.context_window === 200000 && (m.max_completion_tokens ?? 0) >= 4096));
  });

  test('a message: text block, end_turn, usage with cache fields, provider headers', async () => {
    const r = await post(mock, { ...ask('What is the capital of France?'), system: 'Be brief.' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assertProviderHeaders(r.headers);
    assert.equal(r.headers.get('retry-after'), null);
    const b = r.json;
    assert.match(b.id, /^msg_01[A-Za-z0-9]{22}$/);
    assert.equal(b.type, 'message');
    assert.equal(b.role, 'assistant');
    assert.equal(b.model, MODEL);
    assert.deepEqual(b.content, [{ type: 'text', text: 'Hello from mock anthropic: What is the capital of France?' }]);
    assert.equal(b.stop_reason, 'end_turn');
    assert.equal(b.stop_sequence, null);
    // The system prompt counts: ceil(chars / 4).
    assert.equal(b.usage.input_tokens, Math.ceil(('Be brief.'.length + 'What is the capital of France?'.length) / 4));
    assert.equal(b.usage.output_tokens, 10);
    assert.equal(b.usage.cache_creation_input_tokens, 0);
    assert.equal(b.usage.cache_read_input_tokens, 0);
    assert.equal(b.usage.service_tier, 'standard');
    assert.equal('choices' in b, false);
  });

  test('ids are deterministic per server request number', async () => {
    const first = await post(mock, ask('hi'));
    mock.reset();
    const again = await post(mock, ask('hi'));
    assert.equal(first.json.id, again.json.id);
    assert.equal(first.headers.get('request-id'), again.headers.get('request-id'));
    const next = await post(mock, ask('hi'));
    assert.notEqual(next.json.id, again.json.id);
  });

  test('auth: x-api-key, or Authorization: Bearer; missing or wrong key is a 401 authentication_error', async () => {
    assert.equal((await post(mock, ask('hi'), { bearer: true })).status, 200);
    const wrong = await post(mock, ask('hi'), { key: 'sk-ant-api03-wrong' });
    assertEnvelope(wrong, 401, 'authentication_error');
    assert.equal(wrong.json.error.message, 'invalid x-api-key');
    assert.equal(wrong.headers.get('x-should-retry'), 'false');
    const wrongBearer = await post(mock, ask('hi'), { key: 'nope', bearer: true });
    assertEnvelope(wrongBearer, 401, 'authentication_error');
    const none = await post(mock, ask('hi'), { key: null });
    assertEnvelope(none, 401, 'authentication_error');
  });

  test('anthropic-version is required and must be a real version', async () => {
    const missing = await post(mock, ask('hi'), { version: null });
    assertEnvelope(missing, 400, 'invalid_request_error');
    assert.equal(missing.json.error.message, 'anthropic-version: header is required');
    const invented = await post(mock, ask('hi'), { version: '2024-10-22' });
    assertEnvelope(invented, 400, 'invalid_request_error');
    assert.match(invented.json.error.message, /is not a valid version/);
    assert.equal((await post(mock, ask('hi'), { version: '2026-10-21' })).status, 200, 'the version SDK 1.14 sends');
  });

  test('the echo keeps the first 40 characters of the last user text, markers stripped, from string or blocks', async () => {
    const r = await post(mock, {
      model: MODEL,
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'old' },
        { role: 'assistant', content: 'x' },
        { role: 'user', content: [{ type: 'text', text: 'a'.repeat(30) }, { type: 'text', text: 'b'.repeat(30) }] },
      ],
    });
    assert.equal(r.json.content[0].text, `Hello from mock anthropic: ${'a'.repeat(30)}${'b'.repeat(10)}`);
  });

  test('max_tokens cuts the answer: stop_reason max_tokens', async () => {
    const r = await post(mock, ask('hello world', { max_tokens: 3 }));
    assert.equal(r.json.content[0].text, 'Hello from mock');
    assert.equal(r.json.stop_reason, 'max_tokens');
    assert.equal(r.json.usage.output_tokens, 3);
  });

  test('stop_sequences: the text stops before the first one met, stop_reason stop_sequence names it', async () => {
    const r = await post(mock, ask('alpha beta gamma', { stop_sequences: ['gamma', 'beta'] }));
    assert.equal(r.json.content[0].text, 'Hello from mock anthropic: alpha ');
    assert.equal(r.json.stop_reason, 'stop_sequence');
    assert.equal(r.json.stop_sequence, 'beta');
    const none = await post(mock, ask('alpha', { stop_sequences: ['zeta'] }));
    assert.equal(none.json.stop_reason, 'end_turn');
    assert.equal(none.json.stop_sequence, null);
  });

  test('tools: the first tool by default, the forced one by name, none answers in text', async () => {
    const auto = await post(mock, ask('weather?', { tools: [WEATHER_TOOL, TIME_TOOL] }));
    assert.equal(auto.json.stop_reason, 'tool_use');
    assert.equal(auto.json.content.length, 1);
    const [use] = auto.json.content;
    assert.equal(use.type, 'tool_use');
    assert.match(use.id, /^toolu_01[A-Za-z0-9]{22}$/);
    assert.equal(use.name, 'get_weather');
    assert.deepEqual(use.input, { city: 'test', days: 1, metric: true }, 'input is an object, not a JSON string');
    const again = await post(mock, ask('weather?', { tools: [WEATHER_TOOL, TIME_TOOL] }));
    assert.equal(again.json.content[0].id, use.id, 'same conversation, same tool_use id');

    const forced = await post(mock, ask('time?', { tools: [WEATHER_TOOL, TIME_TOOL], tool_choice: { type: 'tool', name: 'get_time' } }));
    assert.equal(forced.json.content[0].name, 'get_time');
    assert.deepEqual(forced.json.content[0].input, { zone: 'test' });
    const any = await post(mock, ask('x', { tools: [TIME_TOOL, WEATHER_TOOL], tool_choice: { type: 'any' } }));
    assert.equal(any.json.content[0].name, 'get_time');
    const none = await post(mock, ask('hi', { tools: [WEATHER_TOOL], tool_choice: { type: 'none' } }));
    assert.deepEqual(none.json.content, [{ type: 'text', text: 'Hello from mock anthropic: hi' }]);
  });

  test('a tool_result after the matching tool_use is echoed', async () => {
    const r = await post(mock, {
      model: MODEL,
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: [{ type: 'text', text: '18C and sunny' }] }] },
      ],
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.content, [{ type: 'text', text: 'Tool said: 18C and sunny' }]);
    assert.equal(r.json.stop_reason, 'end_turn');
  });

  test('the Messages API 400s that catch a bad OpenAI → Anthropic translation', async () => {
    const toolTurn = [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: {} }] },
    ];
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['no max_tokens', { model: MODEL, messages: [{ role: 'user', content: 'hi' }] }, /^max_tokens: Field required$/],
      ['OpenAI-only field', ask('hi', { n: 1 }), /^n: Extra inputs are not permitted$/],
      ['stream_options', ask('hi', { stream_options: { include_usage: true } }), /^stream_options: Extra inputs are not permitted$/],
      ['temperature 2', ask('hi', { temperature: 2 }), /^temperature: range: 0\.\.1$/],
      ['system role', { model: MODEL, max_tokens: 10, messages: [{ role: 'system', content: 'x' }, { role: 'user', content: 'hi' }] }, /^messages: Unexpected role "system"/],
      ['tool role', { model: MODEL, max_tokens: 10, messages: [{ role: 'tool', content: 'x' }] }, /^messages\.0\.role: Input should be 'user' or 'assistant'$/],
      ['two user turns', { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }, /^messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row$/],
      [
        'tool_result without tool_use',
        { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01X', content: 'x' }] }] },
        /^messages\.0\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_01X\./,
      ],
      ['tool_use unanswered', { model: MODEL, max_tokens: 10, messages: [...toolTurn, { role: 'user', content: 'and?' }] }, /^messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01A\./],
      [
        'arguments left a JSON string',
        { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'w' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: '{}' }] }] },
        /^messages\.1\.content\.0\.tool_use\.input: Input should be a valid dictionary$/,
      ],
      ['image_url part', ask([{ type: 'image_url', image_url: { url: 'https://x/y.png' } }]), /^messages\.0\.content\.0: Input tag 'image_url' found using 'type' does not match/],
      ['empty text block', { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'text', text: '' }] }, { role: 'user', content: 'b' }] }, /^messages: text content blocks must be non-empty$/],
      ['empty user content', ask(''), /^messages\.0: all messages must have non-empty content/],
      ['OpenAI tool shape', ask('hi', { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }), /^tools\.0: Input tag 'function' found using 'type'/],
      ['tool without input_schema', ask('hi', { tools: [{ name: 'f' }] }), /^tools\.0\.custom\.input_schema: Field required$/],
      ['tool_choice string', ask('hi', { tools: [WEATHER_TOOL], tool_choice: 'auto' }), /^tool_choice: Input should be a valid dictionary/],
      ['stop as a string', ask('hi', { stop_sequences: 'x' }), /^stop_sequences: Input should be a valid list$/],
      ['metadata beyond user_id', ask('hi', { metadata: { user_id: 'u', session: 's' } }), /^metadata\.session: Extra inputs are not permitted$/],
      ['max_tokens above the model', ask('hi', { model: 'claude-3-haiku-20240307', max_tokens: 8192 }), /^max_tokens: 8192 > 4096, which is the maximum allowed number of output tokens for claude-3-haiku-20240307$/],
      ['temperature and top_p on Sonnet 4.5', ask('hi', { model: 'claude-sonnet-4-5-20250929', temperature: 0.5, top_p: 0.9 }), /cannot both be specified for this model/],
      ['no messages', { model: MODEL, max_tokens: 10 }, /^messages: Field required$/],
      ['empty messages', { model: MODEL, max_tokens: 10, messages: [] }, /^messages: at least one message is required$/],
    ];
    for (const [name, body, message] of cases) {
      const r = await post(mock, body);
      assertEnvelope(r, 400, 'invalid_request_error');
      assert.match(r.json.error.message, message, name);
      assert.equal(r.headers.get('x-should-retry'), 'false', name);
    }
    // The same knobs are fine one at a time, and on older models together.
    assert.equal((await post(mock, ask('hi', { model: 'claude-sonnet-4-5-20250929', temperature: 0.5 }))).status, 200);
    assert.equal((await post(mock, ask('hi', { temperature: 0.5, top_p: 0.9, top_k: 40, metadata: { user_id: 'u1' } }))).status, 200);
  });

  test('unknown and retired models are a 404 not_found_error "model: <id>"; aliases name the newest snapshot', async () => {
    for (const model of ['claude-9-opus', 'claude-3-5-sonnet-20241022']) {
      const r = await post(mock, ask('hi', { model }));
      assertEnvelope(r, 404, 'not_found_error');
      assert.equal(r.json.error.message, `model: ${model}`);
    }
    const alias = await post(mock, ask('hi', { model: 'claude-sonnet-4-5' }));
    assert.equal(alias.status, 200);
    assert.equal((await post(mock, ask('hi', { model: 'claude-3-5-haiku-latest' }))).status, 200);
  });

  test('invalid JSON is a 400, recorded raw; an unknown path is a 404 not_found_error', async () => {
    const bad = await post(mock, undefined, { raw: '{"model": "claude' });
    assertEnvelope(bad, 400, 'invalid_request_error');
    assert.equal(mock.requests.at(-1)!.body, '{"model": "claude');
    const lost = await post(mock, ask('hi'), { path: '/v1/chat/completions' });
    assertEnvelope(lost, 404, 'not_found_error');
  });

  test('a prompt over the model window is "prompt is too long: N tokens > M maximum"', async () => {
    const small = await startMockUpstream({ flavor: 'anthropic', models: [{ id: 'tiny', context_window: 10, max_completion_tokens: 100 }] });
    try {
      const r = await post(small, ask('x'.repeat(100), { model: 'tiny', max_tokens: 10 }));
      assertEnvelope(r, 400, 'invalid_request_error');
      assert.equal(r.json.error.message, 'prompt is too long: 25 tokens > 10 maximum');
    } finally {
      await small.close();
    }
  });

  test('prompt caching: the first request with a breakpoint writes the prefix, the next one reads it', async () => {
    const system = [{ type: 'text', text: 'You are a meticulous assistant. '.repeat(8), cache_control: { type: 'ephemeral' } }];
    const first = await post(mock, { ...ask('question one'), system });
    const u1 = first.json.usage;
    assert.ok(u1.cache_creation_input_tokens > 0);
    assert.equal(u1.cache_read_input_tokens, 0);
    assert.equal(u1.cache_creation.ephemeral_5m_input_tokens, u1.cache_creation_input_tokens);
    const second = await post(mock, { ...ask('question two'), system });
    const u2 = second.json.usage;
    assert.equal(u2.cache_creation_input_tokens, 0);
    assert.equal(u2.cache_read_input_tokens, u1.cache_creation_input_tokens);
    assert.equal(u2.input_tokens + u2.cache_read_input_tokens, Math.ceil((system[0]!.text.length + 'question two'.length) / 4));
    // Without cache_control nothing is cached; reset() forgets the cache.
    const plain = await post(mock, { ...ask('question two'), system: system[0]!.text });
    assert.equal(plain.json.usage.cache_read_input_tokens, 0);
    mock.reset();
    const fresh = await post(mock, { ...ask('question three'), system });
    assert.ok(fresh.json.usage.cache_creation_input_tokens > 0);
    // A top-level cache_control caches the whole prompt.
    const whole = await post(mock, ask('cache all of me', { cache_control: { type: 'ephemeral' } }));
    assert.ok(whole.json.usage.cache_creation_input_tokens > 0);
  });

  test('count_tokens: the same estimate as usage, no max_tokens needed, same checks', async () => {
    const body = { model: MODEL, system: 'Be brief.', messages: [{ role: 'user', content: 'What is the capital of France?' }] };
    const r = await post(mock, body, { path: '/v1/messages/count_tokens' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { input_tokens: Math.ceil(('Be brief.'.length + 'What is the capital of France?'.length) / 4) });
    assertProviderHeaders(r.headers);
    const unknown = await post(mock, { ...body, model: 'claude-nope' }, { path: '/v1/messages/count_tokens' });
    assertEnvelope(unknown, 404, 'not_found_error');
    const noAuth = await post(mock, body, { path: '/v1/messages/count_tokens', key: null });
    assertEnvelope(noAuth, 401, 'authentication_error');
    const stray = await post(mock, { ...body, max_tokens: 10 }, { path: '/v1/messages/count_tokens' });
    assertEnvelope(stray, 400, 'invalid_request_error');
    mock.fail('server_error');
    assert.equal((await post(mock, body, { path: '/v1/messages/count_tokens' })).status, 200, 'faults are for completions');
    assert.equal((await post(mock, ask('hi'))).status, 500, 'the queued fault is still there');
  });

  test('stream: message_start, content_block_start, ping, text deltas, block stop, message_delta, message_stop', async () => {
    const r = await post(mock, ask('hi there', { stream: true }));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/event-stream');
    assertProviderHeaders(r.headers);
    const evs = events(r.text);
    assert.equal(r.text.includes('[DONE]'), false);
    assert.deepEqual(
      evs.map((e) => e.event).filter((name, i, all) => name !== all[i - 1]),
      ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    const start = evs[0]!.data.message;
    assert.match(start.id, /^msg_01/);
    assert.deepEqual(start.content, []);
    assert.equal(start.stop_reason, null);
    assert.equal(start.usage.output_tokens, 1);
    assert.equal(start.usage.input_tokens, 2);
    assert.deepEqual(evs[1]!.data, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const deltas = evs.filter((e) => e.event === 'content_block_delta');
    assert.ok(deltas.length >= 6, 'one delta per word');
    assert.equal(deltas.map((e) => e.data.delta.text).join(''), 'Hello from mock anthropic: hi there');
    for (const d of deltas) assert.equal(d.data.delta.type, 'text_delta');
    const delta = evs.at(-2)!.data;
    assert.deepEqual(delta.delta, { stop_reason: 'end_turn', stop_sequence: null });
    assert.equal(delta.usage.output_tokens, 6);
  });

  test('stream: a tool_use block starts with input {} and its input arrives as input_json_delta fragments', async () => {
    const r = await post(mock, ask('weather?', { stream: true, tools: [WEATHER_TOOL] }));
    const evs = events(r.text);
    const start = evs.find((e) => e.event === 'content_block_start')!.data;
    assert.equal(start.content_block.type, 'tool_use');
    assert.match(start.content_block.id, /^toolu_01/);
    assert.equal(start.content_block.name, 'get_weather');
    assert.deepEqual(start.content_block.input, {});
    const fragments = evs.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta);
    assert.ok(fragments.length > 2);
    assert.ok(fragments.every((d) => d.type === 'input_json_delta'));
    assert.equal(fragments[0].partial_json, '');
    assert.deepEqual(JSON.parse(fragments.map((d) => d.partial_json).join('')), { city: 'test', days: 1, metric: true });
    assert.equal(evs.at(-2)!.data.delta.stop_reason, 'tool_use');
  });

  test('stream: cache usage appears in message_start and is repeated in message_delta', async () => {
    const body = ask('hi', { stream: true, system: [{ type: 'text', text: 'cached system prompt', cache_control: { type: 'ephemeral' } }] });
    await post(mock, body);
    const evs = events((await post(mock, body)).text);
    assert.equal(evs[0]!.data.message.usage.cache_read_input_tokens, 5);
    assert.equal(evs.at(-2)!.data.usage.cache_read_input_tokens, 5);
  });

  test('stream_error: a few deltas, then event: error (overloaded_error), and no message_stop', async () => {
    const r = await post(mock, ask('one two three four five [[mock:stream_error]]', { stream: true }));
    assert.equal(r.status, 200);
    const evs = events(r.text);
    assert.equal(evs.filter((e) => e.event === 'content_block_delta').length, 2);
    assert.deepEqual(evs.at(-1)!.data, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    assert.equal(evs.some((e) => e.event === 'message_stop' || e.event === 'message_delta'), false);
  });

  test('stream_cut: deltas, then the stream ends with no message_delta or message_stop', async () => {
    mock.fail('stream_cut:3');
    const evs = events((await post(mock, ask('one two three four five', { stream: true }))).text);
    assert.equal(evs.filter((e) => e.event === 'content_block_delta').length, 3);
    assert.equal(evs.some((e) => e.event === 'message_stop' || e.event === 'message_delta'), false);
  });

  test('malformed_json: a 200 cut in half; in a stream one event whose data is broken JSON', async () => {
    mock.fail('malformed_json', 2);
    const whole = await post(mock, ask('hi'));
    assert.equal(whole.status, 200);
    assert.ok(whole.text.startsWith('{"id":"msg_01'));
    assert.equal(whole.json, undefined);
    const s = await post(mock, ask('hi there', { stream: true }));
    const broken = s.text
      .split('\n\n')
      .filter(Boolean)
      .filter((raw) => {
        try {
          JSON.parse(raw.split('\ndata: ')[1]!);
          return false;
        } catch {
          return true;
        }
      });
    assert.equal(broken.length, 1);
    assert.ok(broken[0]!.startsWith('event: content_block_delta\ndata: {'));
    assert.ok(s.text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n'), 'the rest of the stream is intact');
  });

  test('429s: rate_limit_error with retry-after and the exhausted bucket at 0 with an RFC 3339 reset', async () => {
    mock.fail('rate_limit_rpm');
    mock.fail('rate_limit_tpm');
    mock.fail('rate_limit_tpd');
    mock.fail('rate_limit_tpm:2.5');
    const rpm = await post(mock, ask('hi'));
    assertEnvelope(rpm, 429, 'rate_limit_error');
    assert.match(rpm.json.error.message, /^This request would exceed the rate limit for your organization \([0-9a-f-]{36}\) of 50 requests per minute\. /);
    assert.equal(rpm.headers.get('retry-after'), '1');
    assert.equal(rpm.headers.get('anthropic-ratelimit-requests-remaining'), '0');
    assert.match(rpm.headers.get('anthropic-ratelimit-requests-reset')!, RFC3339);
    assert.equal(rpm.headers.get('x-should-retry'), 'true');

    const tpm = await post(mock, ask('hi'));
    assertEnvelope(tpm, 429, 'rate_limit_error');
    assert.match(tpm.json.error.message, /of 30,000 input tokens per minute\./);
    assert.equal(tpm.headers.get('retry-after'), '7');
    assert.equal(tpm.headers.get('anthropic-ratelimit-input-tokens-remaining'), '0');
    const reset = Date.parse(tpm.headers.get('anthropic-ratelimit-input-tokens-reset')!);
    assert.ok(reset - Date.now() > 5000 && reset - Date.now() <= 9000, 'the reset is the announced wait away');

    const tpd = await post(mock, ask('hi'));
    assert.match(tpd.json.error.message, /daily rate limit/);
    assert.equal(tpd.headers.get('retry-after'), '864');
    const tuned = await post(mock, ask('hi'));
    assert.equal(tuned.headers.get('retry-after'), '3');
  });

  test('overloaded is 529 overloaded_error "Overloaded"; retry-after only when the fault names a wait', async () => {
    mock.fail('over_capacity');
    mock.fail('flex_capacity');
    mock.fail('over_capacity:2');
    for (const expected of [null, null, '2']) {
      const r = await post(mock, ask('hi'));
      assertEnvelope(r, 529, 'overloaded_error');
      assert.equal(r.json.error.message, 'Overloaded');
      assert.equal(r.headers.get('retry-after'), expected);
      assert.equal(r.headers.get('x-should-retry'), 'true');
    }
  });

  test('provider-error faults map onto Anthropic statuses and error types', async () => {
    const expected: Record<string, [number, string]> = {
      invalid_api_key: [401, 'authentication_error'],
      model_not_found: [404, 'not_found_error'],
      model_decommissioned: [404, 'not_found_error'],
      permission_denied: [403, 'permission_error'],
      rate_limit_rpm: [429, 'rate_limit_error'],
      rate_limit_tpm: [429, 'rate_limit_error'],
      rate_limit_tpd: [429, 'rate_limit_error'],
      request_too_large: [413, 'request_too_large'],
      insufficient_quota: [400, 'invalid_request_error'],
      context_length_exceeded: [400, 'invalid_request_error'],
      tool_use_failed: [500, 'api_error'],
      json_validate_failed: [500, 'api_error'],
      over_capacity: [529, 'overloaded_error'],
      flex_capacity: [529, 'overloaded_error'],
      server_error: [500, 'api_error'],
    };
    const errorFaults = FAULT_NAMES.filter((f) => f in expected);
    assert.equal(errorFaults.length, Object.keys(expected).length, 'every provider-error fault is covered');
    for (const fault of errorFaults) {
      // Faults answer before auth and validation, like an outage.
      mock.fail(fault);
      const r = await post(mock, { model: MODEL, messages: [{ role: 'user', content: 'hi' }] }, { key: null });
      const [status, type] = expected[fault]!;
      assertEnvelope(r, status, type);
      assertProviderHeaders(r.headers);
      if (status !== 429) assert.equal(r.headers.get('retry-after'), null, fault);
    }
    mock.fail('context_length_exceeded');
    assert.equal((await post(mock, ask('hi'))).json.error.message, 'prompt is too long: 213462 tokens > 200000 maximum');
    mock.fail('insufficient_quota');
    assert.match((await post(mock, ask('hi'))).json.error.message, /^Your credit balance is too low to access the Anthropic API\./);
    mock.fail('insufficient_quota:402');
    assertEnvelope(await post(mock, ask('hi')), 402, 'billing_error');
    // Streaming requests get the same JSON error, before any SSE.
    mock.fail('server_error');
    const s = await post(mock, ask('hi', { stream: true }));
    assert.equal(s.status, 500);
    assert.equal(s.headers.get('content-type'), 'application/json');
  });

  test('infrastructure faults behave as on the other flavors', async () => {
    mock.fail('bad_gateway_html');
    const html = await post(mock, ask('hi'));
    assert.equal(html.status, 502);
    assert.equal(html.headers.get('content-type'), 'text/html');
    assert.equal(html.headers.get('request-id'), null);
    mock.fail('connection_reset');
    await assert.rejects(post(mock, ask('hi')));
    const started = Date.now();
    const slow = await post(mock, ask('hi [[mock:slow_headers:200]]'));
    assert.ok(Date.now() - started >= 190);
    assert.equal(slow.json.content[0].text, 'Hello from mock anthropic: hi');
  });

  test('requests are recorded with the headers the client sent', async () => {
    await post(mock, ask('recorded'), { bearer: true });
    const [rec] = mock.requests;
    assert.equal(rec!.method, 'POST');
    assert.equal(rec!.path, '/v1/messages');
    assert.equal(rec!.headers.authorization, `Bearer ${KEY}`);
    assert.equal(rec!.headers['anthropic-version'], '2023-06-01');
    assert.equal(rec!.body.messages[0].content, 'recorded');
  });

  test('GET /v1/models: Anthropic list shape with paging; GET /v1/models/{id}; auth and version required', async () => {
    const headers = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' };
    const res = await fetch(`${mock.baseUrl}/v1/models`, { headers });
    assert.equal(res.status, 200);
    assertProviderHeaders(res.headers);
    const list: any = await res.json();
    assert.deepEqual(Object.keys(list).sort(), ['data', 'first_id', 'has_more', 'last_id']);
    assert.equal(list.has_more, false);
    assert.equal(list.first_id, list.data[0].id);
    assert.equal(list.last_id, list.data.at(-1).id);
    const sonnet = list.data.find((m: any) => m.id === 'claude-sonnet-4-5-20250929');
    assert.deepEqual(sonnet, {
      type: 'model',
      id: 'claude-sonnet-4-5-20250929',
      display_name: 'Claude Sonnet 4.5',
      created_at: '2025-09-29T00:00:00Z',
      max_input_tokens: 200000,
      max_tokens: 64000,
    });
    for (const id of ['claude-opus-4-1-20250805', 'claude-opus-4-20250514', 'claude-sonnet-4-20250514', 'claude-3-7-sonnet-20250219', 'claude-haiku-4-5-20251001', 'claude-3-5-haiku-20241022', 'claude-3-haiku-20240307']) {
      assert.ok(list.data.some((m: any) => m.id === id), id);
    }

    const page: any = await (await fetch(`${mock.baseUrl}/v1/models?limit=2`, { headers })).json();
    assert.equal(page.data.length, 2);
    assert.equal(page.has_more, true);
    const next: any = await (await fetch(`${mock.baseUrl}/v1/models?limit=2&after_id=${page.last_id}`, { headers })).json();
    assert.equal(next.data[0].id, list.data[2].id);

    const one = await fetch(`${mock.baseUrl}/v1/models/claude-3-haiku-20240307`, { headers });
    assert.equal(((await one.json()) as any).display_name, 'Claude Haiku 3');
    const missing = await fetch(`${mock.baseUrl}/v1/models/claude-nope`, { headers });
    assert.equal(missing.status, 404);

    const anon = await fetch(`${mock.baseUrl}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } });
    assert.equal(anon.status, 401);
    const unversioned = await fetch(`${mock.baseUrl}/v1/models`, { headers: { 'x-api-key': KEY } });
    assert.equal(unversioned.status, 400);
  });
});
