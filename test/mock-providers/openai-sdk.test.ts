// Every mock answer must be accepted by the official `openai` SDK pointed
// straight at the mock: if the SDK chokes, the mock is not the real wire.
// Errors must land in the SDK class the real provider's answer lands in.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { MOCK_KEYS, startMockUpstream, type Flavor, type MockUpstream } from './openai-compatible.js';

const MODELS: Record<Exclude<Flavor, 'anthropic'>, string> = {
  groq: 'llama-3.1-8b-instant',
  openai: 'gpt-4o-mini',
  openrouter: 'openai/gpt-oss-20b:free',
  ollama: 'llama3.2',
};

const TOOL = {
  type: 'function' as const,
  function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' }, limit: { type: 'integer' } }, required: ['q', 'limit'] } },
};

for (const flavor of ['groq', 'openai', 'openrouter', 'ollama'] as const) {
  describe(`openai SDK against the ${flavor} mock`, () => {
    let mock: MockUpstream;
    let client: OpenAI;
    const model = MODELS[flavor];
    before(async () => {
      mock = await startMockUpstream({ flavor });
      client = new OpenAI({ baseURL: mock.baseUrl, apiKey: MOCK_KEYS[flavor], maxRetries: 0 });
    });
    after(() => mock.close());

    test('non-streaming create', async () => {
      const res = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello sdk' }] });
      assert.equal(res.choices[0]!.message.content, `Hello from mock ${flavor}: hello sdk`);
      assert.equal(res.choices[0]!.finish_reason, 'stop');
      assert.equal(res.usage!.total_tokens, res.usage!.prompt_tokens + res.usage!.completion_tokens);
    });

    test('streaming create, with include_usage', async () => {
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'stream me' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let finish: string | null = null;
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(text, `Hello from mock ${flavor}: stream me`);
      assert.equal(finish, 'stop');
      assert.ok(chunks >= 6);
    });

    test('streaming tool call reassembles to valid arguments', async () => {
      const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'find x' }], tools: [TOOL], stream: true });
      let name = '';
      let args = '';
      let id = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        const call = chunk.choices[0]?.delta.tool_calls?.[0];
        if (call?.id) id = call.id;
        name += call?.function?.name ?? '';
        args += call?.function?.arguments ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.match(id, /^call_/);
      assert.equal(name, 'lookup');
      assert.deepEqual(JSON.parse(args), { q: 'test', limit: 1 });
      assert.equal(finish, 'tool_calls');
    });

    test('non-streaming tool call', async () => {
      const res = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'find x' }], tools: [TOOL] });
      const call = res.choices[0]!.message.tool_calls![0]!;
      assert.equal(call.type, 'function');
      if (call.type === 'function') assert.deepEqual(JSON.parse(call.function.arguments), { q: 'test', limit: 1 });
      assert.equal(res.choices[0]!.finish_reason, 'tool_calls');
    });

    test('models.list', async () => {
      const page = await client.models.list();
      assert.ok(page.data.some((m) => m.id.startsWith(model)));
    });
  });
}

describe('openai SDK error classes', () => {
  let groq: MockUpstream;
  let openai: MockUpstream;
  let openrouter: MockUpstream;
  before(async () => {
    [groq, openai, openrouter] = await Promise.all([
      startMockUpstream({ flavor: 'groq' }),
      startMockUpstream({ flavor: 'openai' }),
      startMockUpstream({ flavor: 'openrouter' }),
    ]);
  });
  after(() => Promise.all([groq.close(), openai.close(), openrouter.close()]));

  const ask = (client: OpenAI, model: string, content = 'hi') => client.chat.completions.create({ model, messages: [{ role: 'user', content }] });

  for (const flavor of ['groq', 'openai'] as const) {
    test(`${flavor}: 401 → AuthenticationError invalid_api_key`, async () => {
      const mock = flavor === 'groq' ? groq : openai;
      const client = new OpenAI({ baseURL: mock.baseUrl, apiKey: 'sk-wrong-key-for-tests', maxRetries: 0 });
      await assert.rejects(ask(client, MODELS[flavor]), (e: unknown) => {
        assert.ok(e instanceof OpenAI.AuthenticationError);
        assert.equal(e.status, 401);
        assert.equal(e.code, 'invalid_api_key');
        return true;
      });
    });

    test(`${flavor}: 404 → NotFoundError model_not_found`, async () => {
      const mock = flavor === 'groq' ? groq : openai;
      const client = new OpenAI({ baseURL: mock.baseUrl, apiKey: MOCK_KEYS[flavor], maxRetries: 0 });
      await assert.rejects(ask(client, 'no-such-model'), (e: unknown) => {
        assert.ok(e instanceof OpenAI.NotFoundError);
        assert.equal(e.code, 'model_not_found');
        return true;
      });
    });

    test(`${flavor}: 429 → RateLimitError rate_limit_exceeded with retry-after and request id`, async () => {
      const mock = flavor === 'groq' ? groq : openai;
      const client = new OpenAI({ baseURL: mock.baseUrl, apiKey: MOCK_KEYS[flavor], maxRetries: 0 });
      mock.fail('rate_limit_tpm');
      await assert.rejects(ask(client, MODELS[flavor]), (e: unknown) => {
        assert.ok(e instanceof OpenAI.RateLimitError);
        assert.equal(e.code, 'rate_limit_exceeded');
        assert.equal(e.type, 'tokens');
        assert.ok(Number(e.headers?.get('retry-after')) >= 1);
        assert.ok(e.requestID, 'x-request-id surfaces as requestID');
        return true;
      });
    });
  }

  test('groq: 400 decommissioned → BadRequestError; 503 → InternalServerError; 498 → plain APIError', async () => {
    const client = new OpenAI({ baseURL: groq.baseUrl, apiKey: MOCK_KEYS.groq, maxRetries: 0 });
    await assert.rejects(ask(client, 'gemma2-9b-it'), (e: unknown) => e instanceof OpenAI.BadRequestError && e.code === 'model_decommissioned');
    groq.fail('over_capacity');
    await assert.rejects(ask(client, MODELS.groq), (e: unknown) => e instanceof OpenAI.InternalServerError && e.status === 503 && e.code === undefined);
    groq.fail('flex_capacity');
    await assert.rejects(ask(client, MODELS.groq), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError && !(e instanceof OpenAI.InternalServerError));
      assert.equal(e.status, 498);
      assert.equal(e.code, 'capacity_exceeded');
      return true;
    });
  });

  test('openai: insufficient_quota is a RateLimitError the gateway must not retry', async () => {
    const client = new OpenAI({ baseURL: openai.baseUrl, apiKey: MOCK_KEYS.openai, maxRetries: 0 });
    openai.fail('insufficient_quota');
    await assert.rejects(ask(client, MODELS.openai), (e: unknown) => e instanceof OpenAI.RateLimitError && e.code === 'insufficient_quota');
  });

  test('openrouter: numeric error codes reach the SDK as numbers (the gateway must normalise them)', async () => {
    const client = new OpenAI({ baseURL: openrouter.baseUrl, apiKey: 'sk-or-v1-wrong', maxRetries: 0 });
    await assert.rejects(ask(client, MODELS.openrouter), (e: unknown) => {
      assert.ok(e instanceof OpenAI.AuthenticationError);
      assert.equal(e.code, 401 as unknown as string);
      return true;
    });
  });

  test('mid-stream errors: OpenAI and OpenRouter throw in the SDK, Groq x_groq.error does not', async () => {
    const oa = new OpenAI({ baseURL: openai.baseUrl, apiKey: MOCK_KEYS.openai, maxRetries: 0 });
    openai.fail('stream_error');
    const s1 = await oa.chat.completions.create({ model: MODELS.openai, messages: [{ role: 'user', content: 'a b c d' }], stream: true });
    await assert.rejects(async () => {
      for await (const _ of s1);
    }, OpenAI.APIError);

    const or = new OpenAI({ baseURL: openrouter.baseUrl, apiKey: MOCK_KEYS.openrouter, maxRetries: 0 });
    openrouter.fail('stream_error');
    const s2 = await or.chat.completions.create({ model: MODELS.openrouter, messages: [{ role: 'user', content: 'a b c d' }], stream: true });
    await assert.rejects(async () => {
      for await (const _ of s2);
    }, /Provider disconnected unexpectedly/);

    const gq = new OpenAI({ baseURL: groq.baseUrl, apiKey: MOCK_KEYS.groq, maxRetries: 0 });
    groq.fail('stream_error');
    const s3 = await gq.chat.completions.create({ model: MODELS.groq, messages: [{ role: 'user', content: 'a b c d' }], stream: true });
    let groqError: unknown;
    for await (const chunk of s3) groqError ??= (chunk as unknown as { x_groq?: { error?: string } }).x_groq?.error;
    assert.equal(groqError, 'over_capacity', 'the SDK passes it through silently: only the gateway can catch it');
  });

  test('stream_cut ends silently in the SDK (why the gateway must check for [DONE])', async () => {
    const client = new OpenAI({ baseURL: groq.baseUrl, apiKey: MOCK_KEYS.groq, maxRetries: 0 });
    groq.fail('stream_cut');
    const stream = await client.chat.completions.create({ model: MODELS.groq, messages: [{ role: 'user', content: 'a b c d' }], stream: true });
    let finish: string | null = null;
    for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
    assert.equal(finish, null);
  });

  test('malformed JSON and connection reset surface as SDK errors', async () => {
    // logLevel off: the SDK would print the broken line it is about to reject.
    const client = new OpenAI({ baseURL: groq.baseUrl, apiKey: MOCK_KEYS.groq, maxRetries: 0, logLevel: 'off' });
    groq.fail('malformed_json');
    const stream = await client.chat.completions.create({ model: MODELS.groq, messages: [{ role: 'user', content: 'a b' }], stream: true });
    await assert.rejects(async () => {
      for await (const _ of stream);
    }, SyntaxError);
    groq.fail('connection_reset');
    await assert.rejects(ask(client, MODELS.groq), OpenAI.APIConnectionError);
  });
});
