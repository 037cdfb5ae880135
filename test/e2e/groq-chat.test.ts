import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { groqEntry } from '../helpers/config.js';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// The LiteLLM reference's `groq-70b` entry, pointed at a local Groq mock through api_base.
let groq: MockUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

before(async () => {
  groq = await startMockUpstream({ flavor: 'groq' });
  gateway = await startGateway({
    config: `
model_list:
${groqEntry('groq-70b', groq)}${groqEntry('groq/*', groq, {}, 'groq/*')}`,
    env: { GROQ_API_KEY: MOCK_KEYS.groq },
  });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'no-master-key-set', maxRetries: 0 });
});
after(async () => {
  await gateway.stop();
  await groq.close();
});
beforeEach(() => groq.reset());

const lastRequest = () => groq.requests.at(-1)!;

test("the reference's curl request works unchanged", async () => {
  const res = await fetch('http://127.0.0.1:' + gateway.port + '/v1/chat/completions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"model": "groq-70b", "messages": [{"role": "user", "content": "Hello"}]}',
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as Record<string, any>;
  assert.equal(body.object, 'chat.completion');
  assert.match(body.choices[0].message.content, /Hello/);
  // Normalised to OpenAI's schema: Groq sends neither `refusal` nor OpenAI's service tiers.
  assert.equal(body.choices[0].message.refusal, null);
  assert.equal(body.choices[0].logprobs, null);
  assert.equal(body.service_tier, 'default');
  assert.equal(res.headers.get('x-litellm-model-group'), 'groq-70b');
  assert.ok(res.headers.get('x-request-id'));
  // What reached Groq: its own model id and the configured key.
  assert.equal(lastRequest().body.model, 'llama-3.3-70b-versatile');
  assert.equal(lastRequest().headers.authorization, `Bearer ${MOCK_KEYS.groq}`);
  assert.equal(lastRequest().path, '/openai/v1/chat/completions');
});

test('the OpenAI SDK: non-streaming with tools, tool_choice and a full tool round trip', async () => {
  const tools: OpenAI.ChatCompletionTool[] = [{
    type: 'function',
    function: { name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  }];
  const first = await client.chat.completions.create({
    model: 'groq-70b',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools,
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    parallel_tool_calls: false,
  });
  const call = first.choices[0]!.message.tool_calls![0]!;
  assert.equal(first.choices[0]!.finish_reason, 'tool_calls');
  assert.equal(call.type === 'function' && call.function.name, 'get_weather');
  assert.deepEqual(lastRequest().body.tools, tools);
  assert.deepEqual(lastRequest().body.tool_choice, { type: 'function', function: { name: 'get_weather' } });
  assert.equal(lastRequest().body.parallel_tool_calls, false);

  const second = await client.chat.completions.create({
    model: 'groq-70b',
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      first.choices[0]!.message,
      { role: 'tool', tool_call_id: call.id, content: '18C and sunny' },
    ],
    tools,
  });
  assert.match(second.choices[0]!.message.content ?? '', /18C and sunny/);
});

test('the OpenAI SDK: response_format is passed through', async () => {
  const completion = await client.chat.completions.create({
    model: 'groq-70b',
    messages: [{ role: 'user', content: 'JSON please' }],
    response_format: { type: 'json_object' },
  });
  assert.deepEqual(JSON.parse(completion.choices[0]!.message.content!), { ok: true });
  assert.deepEqual(lastRequest().body.response_format, { type: 'json_object' });
});

test('the OpenAI SDK: streaming with include_usage turns x_groq.usage into the usage chunk', async () => {
  const stream = await client.chat.completions.create({
    model: 'groq-70b',
    messages: [{ role: 'user', content: 'Stream me a reply' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish: string | null | undefined;
  let usage: OpenAI.CompletionUsage | undefined;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) {
      assert.deepEqual(chunk.choices, []);
      usage = chunk.usage;
    }
  }
  assert.ok(chunks > 3, 'delivered as several chunks');
  assert.match(text, /Stream me a reply/);
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 0);
  assert.deepEqual(lastRequest().body.stream_options, { include_usage: true });
});

test('streamed tool calls arrive intact', async () => {
  const stream = await client.chat.completions.create({
    model: 'groq-70b',
    messages: [{ role: 'user', content: 'call it' }],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } } }],
    stream: true,
  });
  let name = '';
  let args = '';
  for await (const chunk of stream) {
    const call = chunk.choices[0]?.delta.tool_calls?.[0];
    name += call?.function?.name ?? '';
    args += call?.function?.arguments ?? '';
  }
  assert.equal(name, 'lookup');
  assert.deepEqual(JSON.parse(args), { q: 'test' });
});

test('a wildcard alias reaches any Groq model by its own name', async () => {
  const completion = await client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(lastRequest().body.model, 'llama-3.1-8b-instant');
});

test('/v1/chat/completions and /chat/completions are the same endpoint', async () => {
  const res = await fetch(`${gateway.url}/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'groq-70b', messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(res.status, 200);
});
