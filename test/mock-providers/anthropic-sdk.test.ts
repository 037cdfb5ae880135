// Every anthropic mock answer must be accepted by the official
// `@anthropic-ai/sdk` pointed straight at the mock: if the SDK chokes, the mock
// is not the real wire. Errors must land in the SDK class the real API's
// answer lands in.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from './openai-compatible.js';

const model = 'claude-sonnet-4-20250514';

const TOOL = {
  name: 'lookup',
  description: 'Look something up',
  input_schema: { type: 'object' as const, properties: { q: { type: 'string' }, limit: { type: 'integer' } }, required: ['q', 'limit'] },
};

describe('@anthropic-ai/sdk against the anthropic mock', () => {
  let mock: MockUpstream;
  let client: Anthropic;
  before(async () => {
    mock = await startMockUpstream({ flavor: 'anthropic' });
    client = new Anthropic({ baseURL: mock.baseUrl, apiKey: MOCK_KEYS.anthropic, maxRetries: 0 });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test('messages.create: text, usage, request id', async () => {
    const res = await client.messages.create({ model, max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'hello sdk' }] });
    assert.equal(res.type, 'message');
    assert.deepEqual(res.content, [{ type: 'text', text: 'Hello from mock anthropic: hello sdk' }]);
    assert.equal(res.stop_reason, 'end_turn');
    assert.equal(res.usage.output_tokens, 6);
    assert.match(res._request_id ?? '', /^req_011C/);
    // What the SDK put on the wire: the mock records it.
    const sent = mock.requests[0]!;
    assert.equal(sent.path, '/v1/messages');
    assert.ok(sent.headers['anthropic-version'], 'the SDK sends anthropic-version');
  });

  test('messages.create with tools: a tool_use block, then the tool_result round trip', async () => {
    const first = await client.messages.create({ model, max_tokens: 256, tools: [TOOL], messages: [{ role: 'user', content: 'find x' }] });
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content[0]!;
    assert.equal(use.type, 'tool_use');
    if (use.type !== 'tool_use') return;
    assert.equal(use.name, 'lookup');
    assert.deepEqual(use.input, { q: 'test', limit: 1 });

    const second = await client.messages.create({
      model,
      max_tokens: 256,
      tools: [TOOL],
      messages: [
        { role: 'user', content: 'find x' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'found 3' }] },
      ],
    });
    assert.deepEqual(second.content, [{ type: 'text', text: 'Tool said: found 3' }]);
  });

  test('messages.stream: text events and finalMessage', async () => {
    const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'stream me' }] });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    assert.equal(text, 'Hello from mock anthropic: stream me');
    assert.deepEqual(final.content, [{ type: 'text', text: 'Hello from mock anthropic: stream me' }]);
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.usage.output_tokens, 6);
    assert.equal(final.usage.input_tokens, 3);
  });

  test('messages.stream: a streamed tool call is reassembled into an input object', async () => {
    const final = await client.messages.stream({ model, max_tokens: 256, tools: [TOOL], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'find x' }] }).finalMessage();
    assert.equal(final.stop_reason, 'tool_use');
    const use = final.content[0]!;
    assert.equal(use.type, 'tool_use');
    if (use.type === 'tool_use') assert.deepEqual(use.input, { q: 'test', limit: 1 });
  });

  test('create({stream: true}): raw events in order, ping skipped by the SDK', async () => {
    const stream = await client.messages.create({ model, max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'raw events' }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.equal(types.includes('ping' as never), false);
    assert.ok(types.filter((t) => t === 'content_block_delta').length >= 6);
  });

  test('stop_sequences and max_tokens give their stop reasons', async () => {
    const stopped = await client.messages.create({ model, max_tokens: 256, stop_sequences: ['mock'], messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(stopped.stop_reason, 'stop_sequence');
    assert.equal(stopped.stop_sequence, 'mock');
    const cut = await client.messages.create({ model, max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(cut.stop_reason, 'max_tokens');
  });

  test('countTokens and models.list', async () => {
    const counted = await client.messages.countTokens({ model, messages: [{ role: 'user', content: 'count these words' }] });
    assert.equal(counted.input_tokens, Math.ceil('count these words'.length / 4));
    const ids: string[] = [];
    for await (const info of client.models.list({ limit: 3 })) ids.push(info.id);
    assert.ok(ids.length >= 9, 'auto-pagination walks every page');
    assert.ok(ids.includes('claude-haiku-4-5-20251001'));
    const one = await client.models.retrieve('claude-opus-4-1-20250805');
    assert.equal(one.display_name, 'Claude Opus 4.1');
  });

  test('prompt cache usage reaches the SDK', async () => {
    const system = [{ type: 'text' as const, text: 'A long, stable system prompt.', cache_control: { type: 'ephemeral' as const } }];
    const first = await client.messages.create({ model, max_tokens: 64, system, messages: [{ role: 'user', content: 'one' }] });
    const second = await client.messages.create({ model, max_tokens: 64, system, messages: [{ role: 'user', content: 'two' }] });
    assert.ok((first.usage.cache_creation_input_tokens ?? 0) > 0);
    assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
  });
});

describe('@anthropic-ai/sdk error classes against the anthropic mock', () => {
  let mock: MockUpstream;
  let client: Anthropic;
  before(async () => {
    mock = await startMockUpstream({ flavor: 'anthropic' });
    client = new Anthropic({ baseURL: mock.baseUrl, apiKey: MOCK_KEYS.anthropic, maxRetries: 0 });
  });
  after(() => mock.close());

  const create = (c: Anthropic = client, content = 'hi') => c.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content }] });

  async function caught(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof Anthropic.APIError, String(error));
      return error;
    }
    assert.fail('expected an error');
  }

  test('a wrong key is an AuthenticationError with the request id', async () => {
    const wrong = new Anthropic({ baseURL: mock.baseUrl, apiKey: 'sk-ant-api03-wrong', maxRetries: 0 });
    const error = await caught(create(wrong));
    assert.ok(error instanceof Anthropic.AuthenticationError);
    assert.equal(error.status, 401);
    assert.equal(error.type, 'authentication_error');
    assert.match(error.requestID ?? '', /^req_011C/);
  });

  test('status → SDK class for every Anthropic error status', async () => {
    const cases: Array<[string, new (...args: never[]) => Error, number]> = [
      ['rate_limit_tpm', Anthropic.RateLimitError, 429],
      ['over_capacity', Anthropic.InternalServerError, 529],
      ['server_error', Anthropic.InternalServerError, 500],
      ['permission_denied', Anthropic.PermissionDeniedError, 403],
      ['model_not_found', Anthropic.NotFoundError, 404],
      ['context_length_exceeded', Anthropic.BadRequestError, 400],
      ['insufficient_quota', Anthropic.BadRequestError, 400],
      ['insufficient_quota:402', Anthropic.APIError, 402],
      ['request_too_large', Anthropic.APIError, 413],
    ];
    for (const [fault, cls, status] of cases) {
      mock.fail(fault as never);
      const error = await caught(create());
      assert.ok(error instanceof cls, `${fault}: ${error.constructor.name}`);
      assert.equal(error.status, status, fault);
    }
    mock.fail('over_capacity');
    const overloaded = await caught(create());
    assert.equal(overloaded.constructor.name, 'OverloadedError', '529 has a class of its own in SDK 1.x');
    assert.equal(overloaded.type, 'overloaded_error');
  });

  test('a 429 carries retry-after and the RFC 3339 reset the SDK can read', async () => {
    mock.fail('rate_limit_rpm:4');
    const error = await caught(create());
    assert.equal(error.headers?.get('retry-after'), '4');
    assert.match(error.headers?.get('anthropic-ratelimit-requests-reset') ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test('a validation 400 is a BadRequestError naming the field', async () => {
    const error = await caught(client.messages.create({ model: 'claude-3-haiku-20240307', max_tokens: 8192, messages: [{ role: 'user', content: 'hi' }] }));
    assert.ok(error instanceof Anthropic.BadRequestError);
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.apiMessage ?? '', /^max_tokens: 8192 > 4096, /);
  });

  test('event: error mid-stream makes the SDK throw with the overloaded type', async () => {
    const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'one two three four [[mock:stream_error]]' }] });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const error = await caught(stream.finalMessage());
    assert.equal(error.type, 'overloaded_error');
    assert.equal(text, 'Hello from', 'the deltas before the error arrived');
  });

  test('a cut stream (no message_stop) does not yield a final message', async () => {
    const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'one two three [[mock:stream_cut]]' }] });
    await assert.rejects(stream.finalMessage());
  });

  test('connection reset is an APIConnectionError', async () => {
    mock.fail('connection_reset');
    const error = await caught(create());
    assert.ok(error instanceof Anthropic.APIConnectionError);
  });
});
