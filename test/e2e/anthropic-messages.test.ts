import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { groqEntry } from '../helpers/config.js';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// The Anthropic SDK (as Claude Code uses it) talking to a Groq-served alias
// through POST /v1/messages: everything it receives is Anthropic's format,
// everything Groq receives is Groq's.
const MASTER_KEY = 'sk-switchyard-test-master-key-0001';
let groq: MockUpstream;
let groqFragments: MockUpstream;
let gateway: GatewayProcess;
let dropping: GatewayProcess;
let client: Anthropic;

const config = (extra: string) => `
model_list:
${groqEntry('groq-70b', groq)}${groqEntry('groq-fragments', groqFragments)}general_settings: { master_key: ${MASTER_KEY} }
router_settings: { num_retries: 0, disable_cooldowns: true }
${extra}`;

before(async () => {
  groq = await startMockUpstream({ flavor: 'groq' });
  // OpenAI-style streaming of tool calls (id and name first, then argument fragments).
  groqFragments = await startMockUpstream({ flavor: 'groq', toolCallStreaming: 'fragments' });
  const env = { GROQ_API_KEY: MOCK_KEYS.groq };
  [gateway, dropping] = await Promise.all([
    startGateway({ config: config(''), env }),
    startGateway({ config: config('litellm_settings: { drop_params: true }'), env }),
  ]);
  client = new Anthropic({ baseURL: gateway.url, apiKey: MASTER_KEY, maxRetries: 0 });
});
after(async () => {
  await Promise.all([gateway.stop(), dropping.stop()]);
  await Promise.all([groq.close(), groqFragments.close()]);
});
beforeEach(() => {
  groq.reset();
  groqFragments.reset();
});

const lastRequest = (mock = groq) => mock.requests.at(-1)!;
const weatherTool = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

/** What an OpenAI chat request to Groq must look like, whatever the Anthropic request was. */
function assertValidOpenAIChat(body: Record<string, any>): void {
  assert.equal(typeof body.model, 'string');
  assert.ok(Array.isArray(body.messages) && body.messages.length > 0);
  for (const m of body.messages) {
    assert.ok(['system', 'user', 'assistant', 'tool'].includes(m.role), `role ${m.role}`);
    if (m.role === 'tool') assert.equal(typeof m.tool_call_id, 'string');
    for (const call of m.tool_calls ?? []) {
      assert.equal(call.type, 'function');
      assert.equal(typeof call.function.arguments, 'string');
      JSON.parse(call.function.arguments);
    }
  }
  for (const key of ['max_tokens_to_sample', 'stop_sequences', 'metadata', 'top_k', 'system', 'cache_control', 'thinking']) assert.equal(body[key], undefined, key);
}

test('text: the SDK gets an Anthropic message from a Groq model; Groq gets an OpenAI request', async () => {
  const message = await client.messages.create({
    model: 'groq-70b',
    max_tokens: 256,
    system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: 'Hello there' }],
    stop_sequences: ['END'],
    metadata: { user_id: 'user-42' },
  });
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  assert.equal(message.model, 'groq-70b');
  assert.match(message.id, /^msg_/);
  assert.equal(message.content[0]!.type, 'text');
  assert.match((message.content[0] as Anthropic.TextBlock).text, /Hello from mock groq: Hello there/);
  assert.equal(message.stop_reason, 'end_turn');
  assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);

  const sent = lastRequest().body;
  assertValidOpenAIChat(sent);
  assert.equal(sent.model, 'llama-3.3-70b-versatile');
  assert.deepEqual(sent.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }]);
  assert.equal(sent.max_tokens, 256);
  assert.deepEqual(sent.stop, ['END']);
  assert.equal(sent.user, 'user-42');
  assert.equal(lastRequest().headers.authorization, `Bearer ${MOCK_KEYS.groq}`);
});

test('a full tool round trip: tool_use, then tool_result, then the final answer', async () => {
  const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
  const first = await client.messages.create({
    model: 'groq-70b', max_tokens: 256, messages: [question],
    tools: [weatherTool], tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
  });
  assert.equal(first.stop_reason, 'tool_use');
  const toolUse = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
  assert.equal(toolUse.name, 'get_weather');
  assert.deepEqual(toolUse.input, { city: 'test' });
  const sentFirst = lastRequest().body;
  assertValidOpenAIChat(sentFirst);
  assert.deepEqual(sentFirst.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Current weather in a city', parameters: weatherTool.input_schema } }]);
  assert.deepEqual(sentFirst.tool_choice, { type: 'function', function: { name: 'get_weather' } });
  assert.equal(sentFirst.parallel_tool_calls, false);

  const second = await client.messages.create({
    model: 'groq-70b', max_tokens: 256, tools: [weatherTool],
    messages: [
      question,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18C and sunny' }] },
    ],
  });
  assert.equal(second.stop_reason, 'end_turn');
  assert.match((second.content[0] as Anthropic.TextBlock).text, /Tool said: 18C and sunny/);
  const sentSecond = lastRequest().body;
  assertValidOpenAIChat(sentSecond);
  assert.deepEqual(sentSecond.messages.slice(1), [
    { role: 'assistant', content: null, tool_calls: [{ id: toolUse.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"test"}' } }] },
    { role: 'tool', tool_call_id: toolUse.id, content: '18C and sunny' },
  ]);
});

test('streaming text: Anthropic events in order, finalMessage with usage, a request-id header', async () => {
  const stream = client.messages.stream({ model: 'groq-70b', max_tokens: 256, messages: [{ role: 'user', content: 'Stream me a reply please' }] });
  const events: string[] = [];
  let text = '';
  stream.on('streamEvent', (event) => events.push(event.type));
  stream.on('text', (delta) => (text += delta));
  const message = await stream.finalMessage();
  assert.match(text, /Stream me a reply please/);
  assert.equal(events[0], 'message_start');
  assert.equal(events.at(-1), 'message_stop');
  assert.equal(events.at(-2), 'message_delta');
  assert.ok(events.filter((e) => e === 'content_block_delta').length > 3, 'delivered as several deltas');
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.model, 'groq-70b');
  assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0, 'usage from Groq\'s x_groq.usage');
  const { response } = await stream.withResponse();
  assert.ok(response.headers.get('request-id'));
  assert.equal(response.headers.get('x-litellm-model-group'), 'groq-70b');
  // Groq was asked for the usage it needs to send.
  assert.equal(lastRequest().body.stream, true);
  assert.deepEqual(lastRequest().body.stream_options, { include_usage: true });
});

test('streaming tool use: a Groq call arriving whole and OpenAI-style fragments both give the full input', async () => {
  for (const [alias, mock] of [['groq-70b', groq], ['groq-fragments', groqFragments]] as const) {
    const stream = client.messages.stream({ model: alias, max_tokens: 256, messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] });
    const jsonDeltas: string[] = [];
    stream.on('inputJson', (partial) => jsonDeltas.push(partial));
    const message = await stream.finalMessage();
    assert.equal(message.stop_reason, 'tool_use', alias);
    const toolUse = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    assert.equal(toolUse.name, 'get_weather');
    assert.deepEqual(toolUse.input, { city: 'test' }, alias);
    assert.ok(alias === 'groq-70b' ? jsonDeltas.length === 1 : jsonDeltas.length > 1, `${alias}: ${jsonDeltas.length} deltas`);
    assertValidOpenAIChat(lastRequest(mock).body);
  }
});

test('count_tokens: an estimate that grows with the tools; an unknown alias is not_found', async () => {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hello there, how are you?' }];
  const plain = await client.messages.countTokens({ model: 'groq-70b', messages });
  const withTools = await client.messages.countTokens({ model: 'groq-70b', messages, tools: [weatherTool], system: 'Be brief.' });
  assert.ok(plain.input_tokens > 0);
  assert.ok(withTools.input_tokens > plain.input_tokens);
  assert.equal(groq.requests.length, 0, 'counted without calling the provider');
  await assert.rejects(client.messages.countTokens({ model: 'nope', messages }), (err: InstanceType<typeof Anthropic.APIError>) => {
    assert.equal(err.status, 404);
    return (err.error as any).error.code === 'model_not_found';
  });
});

test('errors: unknown model → 404 not_found_error with the catalog code, in Anthropic\'s envelope', async () => {
  await assert.rejects(client.messages.create({ model: 'no-such-alias', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
    assert.ok(err instanceof Anthropic.NotFoundError);
    const body = err.error as any;
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'not_found_error');
    assert.equal(body.error.code, 'model_not_found');
    assert.ok(body.request_id);
    assert.equal(err.requestID, body.request_id);
    return true;
  });
});

test('errors: a wrong gateway key → 401 authentication_error', async () => {
  const stranger = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-not-the-master-key', maxRetries: 0 });
  await assert.rejects(stranger.messages.create({ model: 'groq-70b', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
    assert.ok(err instanceof Anthropic.AuthenticationError);
    assert.equal((err.error as any).error.type, 'authentication_error');
    assert.equal((err.error as any).error.code, 'invalid_api_key');
    return true;
  });
  assert.equal(groq.requests.length, 0);
});

test('errors: invalid requests are 400 invalid_request_error naming the field', async () => {
  const res = await fetch(`${gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': MASTER_KEY },
    body: JSON.stringify({ model: 'groq-70b', messages: [{ role: 'user', content: 'x' }] }),
  });
  assert.equal(res.status, 400);
  const body = (await res.json()) as any;
  assert.equal(body.error.type, 'invalid_request_error');
  assert.equal(body.error.code, 'invalid_request');
  assert.equal(body.error.param, 'max_tokens');
  assert.ok(res.headers.get('request-id'));
});

test('errors: an upstream 429 → 429 rate_limit_error with retry-after', async () => {
  groq.fail('rate_limit_rpm');
  await assert.rejects(client.messages.create({ model: 'groq-70b', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal((err.error as any).error.type, 'rate_limit_error');
    assert.equal((err.error as any).error.code, 'rate_limit_exceeded');
    assert.ok(Number(err.headers?.get('retry-after')) >= 1);
    assert.equal(err.headers?.get('x-should-retry'), 'true');
    return true;
  });
});

test('errors: a stream cut after it began → an error event, and the SDK throws', async () => {
  const stream = client.messages.stream({ model: 'groq-70b', max_tokens: 256, messages: [{ role: 'user', content: 'a long answer that will be cut [[mock:stream_cut]]' }] });
  let received = '';
  stream.on('text', (delta) => (received += delta));
  await assert.rejects(stream.finalMessage(), (err: unknown) => {
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.type, 'api_error');
    assert.equal((err.error as any).error.code, 'upstream_stream_interrupted');
    return true;
  });
  assert.ok(received.length > 0, 'part of the answer arrived before the cut');
});

test('unsupported parameters: refused naming them, or dropped with drop_params', async () => {
  const body = {
    model: 'groq-70b', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hello' }],
    top_k: 40, thinking: { type: 'enabled' as const, budget_tokens: 1024 },
    tools: [weatherTool, { type: 'web_search_20250305' as const, name: 'web_search' as const }],
  } as unknown as Anthropic.MessageCreateParamsNonStreaming;
  await assert.rejects(client.messages.create(body), (err: unknown) => {
    assert.ok(err instanceof Anthropic.BadRequestError);
    assert.equal((err.error as any).error.code, 'unsupported_param');
    assert.equal((err.error as any).error.param, 'top_k');
    return true;
  });
  assert.equal(groq.requests.length, 0, 'refused before any upstream call');

  const lenient = new Anthropic({ baseURL: dropping.url, apiKey: MASTER_KEY, maxRetries: 0 });
  const message = await lenient.messages.create({ ...body, tool_choice: { type: 'none' } });
  assert.equal(message.type, 'message');
  const sent = lastRequest().body;
  assertValidOpenAIChat(sent);
  assert.deepEqual(sent.tools.map((t: any) => t.function.name), ['get_weather'], 'the server tool was dropped');
});

test('a base URL ending in /v1 gets route_not_found with the Anthropic hint', async () => {
  const misconfigured = new Anthropic({ baseURL: `${gateway.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
  await assert.rejects(misconfigured.messages.create({ model: 'groq-70b', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
    assert.ok(err instanceof Anthropic.NotFoundError);
    assert.equal((err.error as any).error.code, 'route_not_found');
    assert.match((err.error as any).error.message, /without \/v1/);
    return true;
  });
});

test('/v1/messages is chat traffic in the request metrics; count_tokens is not', async () => {
  const scrape = async () => {
    const text = await (await fetch(`${gateway.url}/metrics`, { headers: { 'x-api-key': MASTER_KEY } })).text();
    const line = text.split('\n').find((l) => l.startsWith('switchyard_requests_total{') && l.includes('alias="groq-70b"') && l.includes('status="200"'));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  const before = await scrape();
  await client.messages.create({ model: 'groq-70b', max_tokens: 16, messages: [{ role: 'user', content: 'count me' }] });
  await client.messages.countTokens({ model: 'groq-70b', messages: [{ role: 'user', content: 'not me' }] });
  assert.equal(await scrape(), before + 1);
});

test('what Claude Code sends on every request is served with the default config (no drop_params needed)', async () => {
  // Shape captured from Claude Code 2.1 (`claude -p`): beta query string and header,
  // billing line and cache breakpoints in `system`, adaptive thinking, effort,
  // context management, a JSON user id, and many custom tools.
  const res = await fetch(`${gateway.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: `Bearer ${MASTER_KEY}`,
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27',
    },
    body: JSON.stringify({
      model: 'groq-70b', max_tokens: 32000, stream: true,
      system: [
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=sdk-cli;' },
        { type: 'text', text: 'You are a Claude agent.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hi', cache_control: { type: 'ephemeral' } }] }],
      tools: [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }],
      metadata: { user_id: JSON.stringify({ device_id: 'abc', session_id: 'def' }) },
      thinking: { type: 'adaptive' },
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      output_config: { effort: 'high' },
    }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const events = (await res.text()).split('\n').filter((line) => line.startsWith('event: ')).map((line) => line.slice(7));
  assert.equal(events[0], 'message_start');
  assert.equal(events.at(-1), 'message_stop');
  const sent = lastRequest().body;
  assertValidOpenAIChat(sent);
  for (const key of ['thinking', 'context_management', 'output_config', 'cache_control']) assert.equal(JSON.stringify(sent).includes(key), false, `${key} reached Groq`);
  assert.equal(sent.tools[0].function.name, 'Bash');
});
