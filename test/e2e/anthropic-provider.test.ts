import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { maskSecret } from '../../src/errors/mask.js';
import { groqEntry } from '../helpers/config.js';
import { runCli, startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// The `anthropic/` provider end to end: OpenAI clients (and the Anthropic SDK
// through /v1/messages) talk to the real CLI, which talks to a mock Anthropic
// that validates requests as strictly as the real Messages API. Every request
// the mock receives is also checked here against Anthropic's rules.
const MASTER_KEY = 'sk-switchyard-test-master-key-0042';
const MODEL = 'claude-sonnet-4-5-20250929';
const WRONG_KEY = 'sk-ant-api03-revoked-' + 'k'.repeat(40) + 'zz99';
const env = { ANTHROPIC_API_KEY: MOCK_KEYS.anthropic, ANTHROPIC_WRONG_KEY: WRONG_KEY, GROQ_API_KEY: MOCK_KEYS.groq };

let anth: MockUpstream;
let anthBackup: MockUpstream;
/** Sends its stream events apart in time, as the real API does, so a mid-stream failure comes after output reached the client. */
let anthSlow: MockUpstream;
let groq: MockUpstream;

/** A `model_list` entry for an Anthropic model served by `mock`. */
const claudeEntry = (alias: string, mock: MockUpstream, params: Record<string, string | number> = {}, model = MODEL) =>
  groqEntry(alias, mock, { api_key: 'os.environ/ANTHROPIC_API_KEY', ...params }, `anthropic/${model}`);

before(async () => {
  [anth, anthBackup, anthSlow, groq] = await Promise.all([
    startMockUpstream({ flavor: 'anthropic' }),
    startMockUpstream({ flavor: 'anthropic' }),
    startMockUpstream({ flavor: 'anthropic', chunkDelayMs: 15 }),
    startMockUpstream({ flavor: 'groq' }),
  ]);
});
after(async () => {
  await Promise.all([anth, anthBackup, anthSlow, groq].map((m) => m.close()));
});
beforeEach(() => [anth, anthBackup, anthSlow, groq].forEach((m) => m.reset()));

const lastSent = (mock = anth) => mock.requests.at(-1)!;
const chatRequests = (mock = anth) => mock.requests.filter((r) => r.path === '/v1/messages');

/** What the Messages API demands of every request (spec §3.4); the mock enforces it too, this says which rule broke. */
function assertValidAnthropicRequest(body: Record<string, any>): void {
  assert.equal(body.model, MODEL);
  assert.equal(typeof body.max_tokens, 'number', 'max_tokens is required');
  assert.ok(Array.isArray(body.messages) && body.messages.length > 0);
  assert.equal(body.messages[0].role, 'user', 'the conversation starts with a user turn');
  body.messages.forEach((m: any, i: number) => {
    assert.ok(['user', 'assistant'].includes(m.role), `messages[${i}].role ${m.role}`);
    if (i > 0) assert.notEqual(m.role, body.messages[i - 1].role, `messages[${i}] repeats the role ${m.role}`);
    for (const block of typeof m.content === 'string' ? [] : m.content) {
      assert.ok(['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking'].includes(block.type), `block type ${block.type}`);
      if (block.type === 'text') assert.ok(block.text.length > 0, 'no empty text blocks');
      if (block.type === 'tool_use') assert.equal(typeof block.input, 'object');
      if (block.type === 'tool_result') {
        const previous = body.messages[i - 1];
        assert.ok(previous.content.some((b: any) => b.type === 'tool_use' && b.id === block.tool_use_id), 'a tool_result answers a tool_use of the previous turn');
      }
    }
  });
  for (const tool of body.tools ?? []) assert.ok(tool.name && tool.input_schema && tool.type === undefined, `tool ${JSON.stringify(tool)}`);
  for (const key of ['n', 'stream_options', 'response_format', 'user', 'stop', 'max_completion_tokens', 'tool_choice_type', 'parallel_tool_calls', 'presence_penalty', 'frequency_penalty', 'seed']) {
    assert.equal(body[key], undefined, `${key} is not an Anthropic field`);
  }
}

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const timeTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } }, required: ['zone'] } },
};
/** A 1×1 transparent PNG. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

async function post(gateway: GatewayProcess, body: unknown, path = '/v1/chat/completions') {
  const started = Date.now();
  const res = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text.startsWith('{') ? JSON.parse(text) : undefined, ms: Date.now() - started };
}

const hello = (model: string, content = 'Hello there', extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content }], ...extra });

/** The SSE `data:` payloads of a raw stream, in order. */
const sseData = (text: string) => text.split('\n\n').filter(Boolean).map((event) => event.replace(/^data: /, ''));

describe('one attempt per request (num_retries: 0)', () => {
  let gateway: GatewayProcess;
  let dropping: GatewayProcess;
  let client: OpenAI;

  before(async () => {
    const config = (extra: string) => `
model_list:
${claudeEntry('claude', anth)}${claudeEntry('claude-badkey', anth, { api_key: 'os.environ/ANTHROPIC_WRONG_KEY' })}${claudeEntry('claude-unknown', anth, {}, 'claude-sonnet-9-nope')}${claudeEntry('claude-ctx', anth)}${claudeEntry('claude-slow', anthSlow)}${groqEntry('groq-big', groq)}${claudeEntry('claude-sonnet-4', anth, {}, 'claude-sonnet-4-20250514')}${claudeEntry('claude-128k', anth)}    model_info: { max_output_tokens: 128000 }
general_settings: { master_key: ${MASTER_KEY} }
router_settings: { num_retries: 0, disable_cooldowns: true }
litellm_settings:
  context_window_fallbacks: [{"claude-ctx": ["groq-big"]}]
${extra}`;
    [gateway, dropping] = await Promise.all([
      startGateway({ config: config(''), env, args: ['--detailed_debug'] }),
      startGateway({ config: config('  drop_params: true\n'), env }),
    ]);
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: MASTER_KEY, maxRetries: 0 });
  });
  after(() => Promise.all([gateway.stop(), dropping.stop()]));

  test('text: an OpenAI chat.completion from a Messages API answer; a valid Anthropic request upstream', async () => {
    const completion = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Hello there' }] });
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^msg_01/);
    const choice = completion.choices[0]!;
    assert.equal(choice.message.role, 'assistant');
    assert.equal(choice.message.content, 'Hello from mock anthropic: Hello there');
    assert.equal(choice.finish_reason, 'stop');
    const usage = completion.usage!;
    assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens === 6, JSON.stringify(usage));
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal(usage.prompt_tokens_details?.cached_tokens, 0);

    const sent = lastSent();
    assert.equal(sent.path, '/v1/messages');
    assert.equal(sent.headers['x-api-key'], MOCK_KEYS.anthropic);
    assert.equal(sent.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent.headers.authorization, undefined, 'the key goes in x-api-key only');
    assertValidAnthropicRequest(sent.body);
    assert.deepEqual(sent.body, { model: MODEL, max_tokens: 21_333, messages: [{ role: 'user', content: 'Hello there' }] });
  });

  test('prompt caching: cache_control reaches Anthropic; cache reads become cached_tokens', async () => {
    const system = 'You are a meticulous assistant. '.repeat(40);
    const request = {
      model: 'claude',
      messages: [
        { role: 'system', content: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: 'First question' },
      ],
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const first = await client.chat.completions.create(request);
    assert.deepEqual(lastSent().body.system, [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }]);
    const written = (first.usage as any).cache_creation_input_tokens as number;
    assert.ok(written > 0, JSON.stringify(first.usage));
    assert.equal(first.usage!.prompt_tokens_details?.cached_tokens, 0);

    const second = await client.chat.completions.create(request);
    const usage = second.usage as any;
    assert.equal(usage.prompt_tokens_details.cached_tokens, written, 'the cached prefix is read back');
    assert.equal(usage.cache_read_input_tokens, written);
    assert.equal(usage.cache_creation_input_tokens, 0);
    // OpenAI's prompt_tokens is the whole prompt, cached part included (Anthropic's input_tokens is not).
    assert.ok(usage.prompt_tokens > written);
    assert.equal(usage.prompt_tokens, first.usage!.prompt_tokens);
  });

  test('system and developer messages become the top-level system prompt', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Answer in French.' },
        { role: 'user', content: 'Bonjour' },
      ],
    });
    assert.equal(completion.choices[0]!.message.content, 'Hello from mock anthropic: Bonjour');
    const sent = lastSent().body;
    assertValidAnthropicRequest(sent);
    assert.equal(sent.system, 'Be brief.\n\nAnswer in French.');
    assert.deepEqual(sent.messages, [{ role: 'user', content: 'Bonjour' }]);
  });

  test('multi-part content with an image data URL becomes text and base64 image blocks', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL}` } }] }],
    });
    assert.match(completion.choices[0]!.message.content ?? '', /What is in this picture\?/);
    const sent = lastSent().body;
    assertValidAnthropicRequest(sent);
    assert.deepEqual(sent.messages[0].content, [
      { type: 'text', text: 'What is in this picture?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } },
    ]);
  });

  test('a full tool round trip: tool_calls, the tool result, the final answer', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'Use the tools.' },
      { role: 'user', content: 'Weather in Paris?' },
    ];
    const first = await client.chat.completions.create({ model: 'claude', messages, tools: [weatherTool, timeTool], tool_choice: 'auto' });
    const choice = first.choices[0]!;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls![0]!;
    assert.equal(choice.message.tool_calls!.length, 1);
    assert.equal(call.type, 'function');
    assert.match(call.id, /^toolu_01/);
    assert.equal(call.type === 'function' && call.function.name, 'get_weather');
    assert.deepEqual(call.type === 'function' && JSON.parse(call.function.arguments), { city: 'test' });
    const sentFirst = lastSent().body;
    assertValidAnthropicRequest(sentFirst);
    assert.equal(sentFirst.system, 'Use the tools.');
    assert.deepEqual(sentFirst.tools, [
      { name: 'get_weather', description: 'Current weather in a city', input_schema: weatherTool.function.parameters },
      { name: 'get_time', input_schema: timeTool.function.parameters },
    ]);
    assert.deepEqual(sentFirst.tool_choice, { type: 'auto' });

    messages.push(choice.message as OpenAI.ChatCompletionMessageParam, { role: 'tool', tool_call_id: call.id, content: '18C and sunny' });
    const second = await client.chat.completions.create({ model: 'claude', messages, tools: [weatherTool, timeTool] });
    assert.equal(second.choices[0]!.finish_reason, 'stop');
    assert.equal(second.choices[0]!.message.content, 'Tool said: 18C and sunny');
    const sentSecond = lastSent().body;
    assertValidAnthropicRequest(sentSecond);
    assert.equal(sentSecond.system, 'Use the tools.');
    assert.equal(sentSecond.max_tokens, 21_333, 'the default max_tokens for Sonnet 4.5');
    assert.deepEqual(sentSecond.messages, [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: call.id, name: 'get_weather', input: { city: 'test' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18C and sunny' }] },
    ]);
  });

  test('tool_choice "required", a named function, and parallel_tool_calls: false', async () => {
    const required = await client.chat.completions.create({ ...hello('claude', 'Any tool'), tool_choice: 'required', tools: [weatherTool, timeTool] } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(required.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(lastSent().body.tool_choice, { type: 'any' });

    const named = await client.chat.completions.create({
      ...hello('claude', 'What time is it?'), tools: [weatherTool, timeTool], tool_choice: { type: 'function', function: { name: 'get_time' } },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const call = named.choices[0]!.message.tool_calls![0]!;
    assert.equal(call.type === 'function' && call.function.name, 'get_time');
    assert.deepEqual(call.type === 'function' && JSON.parse(call.function.arguments), { zone: 'UTC' });
    assert.deepEqual(lastSent().body.tool_choice, { type: 'tool', name: 'get_time' });

    await client.chat.completions.create({ ...hello('claude', 'One at a time'), tools: [weatherTool], parallel_tool_calls: false } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.deepEqual(lastSent().body.tool_choice, { type: 'auto', disable_parallel_tool_use: true });
    assertValidAnthropicRequest(lastSent().body);
  });

  test('stop becomes stop_sequences; the answer ends before it with finish_reason stop', async () => {
    const completion = await client.chat.completions.create({ ...hello('claude'), stop: ['anthropic'] } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(completion.choices[0]!.message.content, 'Hello from mock ');
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(lastSent().body.stop_sequences, ['anthropic']);
    assertValidAnthropicRequest(lastSent().body);
    // A single string is a list of one for Anthropic.
    await client.chat.completions.create({ ...hello('claude'), stop: 'there' } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.deepEqual(lastSent().body.stop_sequences, ['there']);
  });

  test('max_tokens cuts the answer: finish_reason length', async () => {
    const completion = await client.chat.completions.create({ ...hello('claude'), max_tokens: 3 } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(completion.choices[0]!.finish_reason, 'length');
    assert.equal(completion.usage!.completion_tokens, 3);
    assert.equal(lastSent().body.max_tokens, 3);
  });

  test('streaming text: OpenAI chunks, the same text as without streaming, and a final usage chunk', async () => {
    const stream = await client.chat.completions.create({ ...hello('claude', 'Stream me a reply please'), stream: true, stream_options: { include_usage: true } } as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = '';
    const finishes: string[] = [];
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    }
    assert.equal(text, 'Hello from mock anthropic: Stream me a reply please');
    assert.deepEqual(finishes, ['stop']);
    assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
    assert.ok(chunks.filter((c) => c.choices[0]?.delta.content).length > 3, 'delivered word by word');
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage!.prompt_tokens > 0);
    assert.equal(last.usage!.completion_tokens, 9);
    assert.ok(chunks.slice(0, -1).every((c) => !c.usage), 'usage only in the last chunk');
    assert.ok(chunks.every((c) => c.id === chunks[0]!.id && /^msg_01/.test(c.id)));

    const sent = lastSent().body;
    assertValidAnthropicRequest(sent);
    assert.equal(sent.stream, true);
    assert.equal(sent.stream_options, undefined);
  });

  test('streaming without include_usage: no usage chunk, [DONE] at the end', async () => {
    const res = await post(gateway, { ...hello('claude'), stream: true });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const data = sseData(res.text);
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    assert.ok(chunks.every((c) => c.usage === undefined || c.usage === null));
    assert.ok(chunks.every((c) => c.choices.length === 1));
  });

  test('streaming tool calls: id and name first, argument fragments that reassemble, finish tool_calls', async () => {
    const stream = await client.chat.completions.create({
      ...hello('claude', 'Weather?'), tools: [weatherTool], tool_choice: 'required', stream: true, stream_options: { include_usage: true },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    const calls = new Map<number, { id?: string; name?: string; args: string; fragments: number }>();
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      usage ??= chunk.usage;
      const choice = chunk.choices[0];
      if (choice?.finish_reason) finish = choice.finish_reason;
      for (const delta of choice?.delta.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { args: '', fragments: 0 };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name = delta.function.name;
        if (delta.function?.arguments) {
          call.args += delta.function.arguments;
          call.fragments++;
        }
        calls.set(delta.index, call);
      }
    }
    assert.equal(finish, 'tool_calls');
    assert.deepEqual([...calls.keys()], [0]);
    const call = calls.get(0)!;
    assert.match(call.id ?? '', /^toolu_01/);
    assert.equal(call.name, 'get_weather');
    assert.ok(call.fragments > 1, `the arguments arrived in ${call.fragments} fragment(s)`);
    assert.deepEqual(JSON.parse(call.args), { city: 'test' });
    assert.ok(usage && usage.completion_tokens > 0);
    assert.deepEqual(lastSent().body.tool_choice, { type: 'any' });
  });

  test('response_format json_schema: a forced tool upstream, JSON content back (also streamed)', async () => {
    const response_format = {
      type: 'json_schema' as const,
      json_schema: { name: 'verdict', schema: { type: 'object', properties: { ok: { type: 'boolean' }, reason: { type: 'string' } }, required: ['ok', 'reason'] } },
    };
    const completion = await client.chat.completions.create({ ...hello('claude', 'Is it fine?'), response_format } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const choice = completion.choices[0]!;
    assert.deepEqual(JSON.parse(choice.message.content ?? ''), { ok: true, reason: 'test' });
    assert.equal(choice.finish_reason, 'stop');
    assert.equal(choice.message.tool_calls, undefined);
    const sent = lastSent().body;
    assertValidAnthropicRequest(sent);
    assert.deepEqual(sent.tools.map((t: any) => [t.name, t.input_schema]), [['json_tool_call', response_format.json_schema.schema]]);
    assert.deepEqual(sent.tool_choice, { type: 'tool', name: 'json_tool_call' });

    const stream = await client.chat.completions.create({ ...hello('claude', 'Is it fine?'), response_format, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      assert.equal(chunk.choices[0]?.delta.tool_calls, undefined);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.deepEqual(JSON.parse(text), { ok: true, reason: 'test' });
    assert.equal(finish, 'stop');
  });

  test('parameters Anthropic cannot express: 400 unsupported_param naming them, nothing sent', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ presence_penalty: 0.5 }, 'presence_penalty'],
      [{ frequency_penalty: 0.2 }, 'frequency_penalty'],
      [{ n: 2 }, 'n'],
      [{ seed: 7 }, 'seed'],
      [{ logprobs: true }, 'logprobs'],
      [{ temperature: 1.5 }, 'temperature'],
    ];
    for (const [extra, param] of cases) {
      const res = await post(gateway, hello('claude', 'x', extra));
      assert.equal(res.status, 400, param);
      assert.equal(res.json.error.code, 'unsupported_param', param);
      assert.equal(res.json.error.param, param);
    }
    assert.equal(anth.requests.length, 0);
    // Neutral values mean "off" and are accepted: many clients always send them.
    const neutral = await post(gateway, hello('claude', 'x', { n: 1, presence_penalty: 0, frequency_penalty: 0, temperature: 0.7, top_p: 1 }));
    assert.equal(neutral.status, 200, neutral.text);
    assert.equal(lastSent().body.temperature, 0.7);
    assertValidAnthropicRequest(lastSent().body);
  });

  test('drop_params: true: the same parameters are dropped (temperature lowered to 1) and the call succeeds', async () => {
    const res = await post(dropping, hello('claude', 'x', { presence_penalty: 0.5, frequency_penalty: 0.2, n: 2, seed: 7, logprobs: true, top_logprobs: 2, temperature: 1.5, user: 'user-42' }));
    assert.equal(res.status, 200, res.text);
    const sent = lastSent().body;
    assertValidAnthropicRequest(sent);
    for (const key of ['presence_penalty', 'frequency_penalty', 'n', 'seed', 'logprobs', 'top_logprobs']) assert.equal(sent[key], undefined, key);
    assert.equal(sent.temperature, 1);
    assert.deepEqual(sent.metadata, { user_id: 'user-42' });
  });

  test('temperature with top_p on a model that refuses both: 400 unsupported_param naming top_p, nothing sent; older models take both', async () => {
    const res = await post(gateway, hello('claude', 'x', { temperature: 0.5, top_p: 0.9 }));
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.code, 'unsupported_param');
    assert.equal(res.json.error.param, 'top_p');
    assert.equal(anth.requests.length, 0);
    // One of them alone is fine, and so is top_p: 1 (it means "off" and is not sent).
    for (const extra of [{ top_p: 0.9 }, { temperature: 0.5, top_p: 1 }]) {
      const ok = await post(gateway, hello('claude', 'x', extra));
      assert.equal(ok.status, 200, ok.text);
    }
    const older = await post(gateway, hello('claude-sonnet-4', 'x', { temperature: 0.5, top_p: 0.9 }));
    assert.equal(older.status, 200, older.text);
    assert.equal(lastSent().body.top_p, 0.9);
  });

  test('temperature with top_p under drop_params: top_p dropped, temperature kept, the call succeeds', async () => {
    const res = await post(dropping, hello('claude', 'x', { temperature: 0.5, top_p: 0.9 }));
    assert.equal(res.status, 200, res.text);
    const sent = lastSent().body;
    assertValidAnthropicRequest(sent);
    assert.equal(sent.temperature, 0.5);
    assert.equal(sent.top_p, undefined);
  });

  test("max_tokens above the model's limit: 400 unsupported_param naming it and the limit, nothing sent", async () => {
    for (const param of ['max_tokens', 'max_completion_tokens']) {
      const res = await post(gateway, hello('claude', 'x', { [param]: 100_000 }));
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.error.code, 'unsupported_param');
      assert.equal(res.json.error.param, param);
      assert.equal(res.json.error.max_output_tokens, 64_000);
      assert.match(res.json.error.message, /64,000/);
    }
    assert.equal(anth.requests.length, 0);
    const atLimit = await post(gateway, { ...hello('claude', 'x', { max_tokens: 64_000 }), stream: true });
    assert.equal(atLimit.status, 200, atLimit.text);
  });

  test('max_tokens above the limit under drop_params: lowered to the limit', async () => {
    const res = await post(dropping, hello('claude', 'x', { max_tokens: 100_000 }));
    assert.equal(res.status, 200, res.text);
    assert.equal(lastSent().body.max_tokens, 64_000);
  });

  test("Anthropic's own refusal of max_tokens (model_info claims more than the model has): upstream_bad_request naming max_tokens", async () => {
    const res = await post(gateway, hello('claude-128k', 'x', { max_tokens: 100_000 }));
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.code, 'upstream_bad_request');
    assert.equal(res.json.error.param, 'max_tokens');
    assert.equal(res.json.error.max_output_tokens, 64_000);
    assert.equal(lastSent().body.max_tokens, 100_000, 'model_info.max_output_tokens is the limit Switchyard checks');
  });

  test('the provider rejects the key: 502 upstream_authentication_error, the key masked', async () => {
    const res = await post(gateway, hello('claude-badkey'));
    assert.equal(res.status, 502);
    assert.equal(res.json.error.code, 'upstream_authentication_error');
    assert.equal(res.json.error.provider, 'anthropic');
    assert.equal(res.json.error.upstream_code, 'authentication_error');
    assert.match(res.json.error.upstream_request_id, /^req_011C/);
    assert.equal(res.headers.get('x-should-retry'), 'false');
    assert.match(res.json.error.message, /ANTHROPIC_WRONG_KEY/);
    assert.ok(res.json.error.message.includes(maskSecret(WRONG_KEY)), res.json.error.message);
    assert.ok(!res.text.includes(WRONG_KEY));
    assert.ok(!gateway.stdout().includes(WRONG_KEY) && !gateway.stderr().includes(WRONG_KEY));
    assert.equal(lastSent().headers['x-api-key'], WRONG_KEY);
  });

  test('each Anthropic failure maps to its catalog code and status', async () => {
    const cases: Array<[Parameters<MockUpstream['fail']>[0], number, string, string]> = [
      ['rate_limit_tpm', 429, 'rate_limit_exceeded', 'rate_limit_error'],
      ['insufficient_quota', 429, 'insufficient_quota', 'invalid_request_error'],
      ['insufficient_quota:402', 429, 'insufficient_quota', 'billing_error'],
      ['model_not_found', 502, 'upstream_model_unavailable', 'not_found_error'],
      ['permission_denied', 502, 'upstream_permission_denied', 'permission_error'],
      ['request_too_large', 413, 'request_too_large', 'request_too_large'],
      ['context_length_exceeded', 400, 'context_length_exceeded', 'invalid_request_error'],
      ['over_capacity', 503, 'upstream_overloaded', 'overloaded_error'],
      ['flex_capacity', 503, 'upstream_overloaded', 'overloaded_error'],
      ['server_error', 502, 'upstream_error', 'api_error'],
      ['tool_use_failed', 502, 'upstream_error', 'api_error'],
      ['malformed_json', 502, 'upstream_invalid_response', ''],
      ['bad_gateway_html', 502, 'upstream_error', ''],
      ['connection_reset', 502, 'upstream_unreachable', ''],
    ];
    for (const [fault, status, code, upstreamCode] of cases) {
      anth.fail(fault);
      const res = await post(gateway, hello('claude'));
      assert.equal(res.status, status, `${fault}: ${res.text}`);
      assert.equal(res.json.error.code, code, fault);
      assert.equal(res.json.error.provider, 'anthropic', fault);
      if (upstreamCode) {
        assert.equal(res.json.error.upstream_code, upstreamCode, fault);
        assert.match(res.json.error.upstream_request_id, /^req_011C/, fault);
      }
    }
  });

  test('a 429 states the exhausted budget and the wait; the OpenAI SDK sees a RateLimitError', async () => {
    anth.fail('rate_limit_tpm');
    await assert.rejects(client.chat.completions.create(hello('claude') as OpenAI.ChatCompletionCreateParamsNonStreaming), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.code, 'rate_limit_exceeded');
      assert.equal(Number(err.headers?.get('retry-after')), 7);
      const error = (err.error ?? {}) as Record<string, unknown>;
      assert.equal(error.limit_type, 'ITPM');
      assert.equal(error.limit, 30_000);
      return true;
    });
  });

  test('"prompt is too long": context_length_exceeded with the numbers; context_window_fallbacks to a Groq alias', async () => {
    anth.fail('context_length_exceeded');
    const res = await post(gateway, hello('claude'));
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'context_length_exceeded');
    assert.equal(res.json.error.param, 'messages');
    assert.equal(res.json.error.context_window, 200_000);
    assert.equal(res.json.error.prompt_tokens, 213_462);

    anth.fail('context_length_exceeded');
    const fallback = await post(gateway, hello('claude-ctx'));
    assert.equal(fallback.status, 200, fallback.text);
    assert.equal(fallback.headers.get('x-litellm-model-group'), 'groq-big');
    assert.equal(fallback.headers.get('x-litellm-attempted-fallbacks'), '1');
    assert.match(fallback.json.choices[0].message.content, /Hello from mock groq/);
    assert.equal(chatRequests().length, 2, 'claude, then claude-ctx once');
    assert.equal(groq.requests.length, 1);
  });

  test('a prompt beyond the 200,000-token window is refused before sending', async () => {
    const res = await post(gateway, hello('claude', 'lorem ipsum '.repeat(90_000)));
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'context_length_exceeded');
    assert.equal(res.json.error.context_window, 200_000);
    assert.ok(res.json.error.estimated_tokens > 200_000);
    assert.equal(chatRequests().length, 0);
  });

  test('an unknown model: 502 upstream_model_unavailable naming it', async () => {
    const res = await post(gateway, hello('claude-unknown'));
    assert.equal(res.status, 502);
    assert.equal(res.json.error.code, 'upstream_model_unavailable');
    assert.equal(res.json.error.model, 'claude-sonnet-9-nope');
    assert.match(res.json.error.message, /claude-sonnet-9-nope/);
  });

  test('event: error after output: the stream ends with the catalog error event and no [DONE]; the SDK throws', async () => {
    const stream = await client.chat.completions.create({ ...hello('claude-slow', 'a long answer [[mock:stream_error]]'), stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
    let received = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
    }, (err: unknown) => err instanceof OpenAI.APIError);
    assert.ok(received.length > 0, 'the first words were delivered before the error');

    const raw = await post(gateway, { ...hello('claude-slow', 'again [[mock:stream_error]]'), stream: true });
    assert.equal(raw.status, 200);
    const data = sseData(raw.text);
    assert.ok(!data.includes('[DONE]'));
    assert.ok(data.length > 2);
    const last = JSON.parse(data.at(-1)!);
    assert.equal(last.error.code, 'upstream_overloaded');
    assert.equal(last.error.provider, 'anthropic');
  });

  test('a stream cut before message_stop: upstream_stream_interrupted, no [DONE]', async () => {
    const stream = await client.chat.completions.create({ ...hello('claude', 'a long answer [[mock:stream_cut]]'), stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
    let received = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
    }, (err: unknown) => err instanceof OpenAI.APIError);
    assert.ok(received.length > 0);

    const raw = await post(gateway, { ...hello('claude', 'again [[mock:stream_cut]]'), stream: true });
    const data = sseData(raw.text);
    assert.ok(!data.includes('[DONE]'));
    assert.equal(JSON.parse(data.at(-1)!).error.code, 'upstream_stream_interrupted');
  });

  test('the request log carries Anthropic\'s rate-limit headroom (--detailed_debug)', async () => {
    const res = await post(gateway, hello('claude', 'log me'));
    assert.equal(res.status, 200);
    const requestId = res.headers.get('x-request-id')!;
    const logs = await gateway.waitForStderr(new RegExp(`${requestId}[^\\n]*upstream_rate_limit`));
    const line = logs.split('\n').find((l) => l.includes(requestId) && l.includes('upstream_rate_limit'));
    assert.ok(line, logs.slice(-2000));
    const entry = JSON.parse(line.slice(line.indexOf('{')));
    const limits = entry.upstream_rate_limit as Record<string, string>;
    assert.ok(limits, line);
    assert.equal(limits['remaining-requests'], '49');
    assert.match(limits['reset-requests'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Number(limits['remaining-tokens']) > 0);
  });

  test('/health probes each Anthropic deployment with GET /v1/models/{id}, never a completion', async () => {
    const res = await fetch(`${gateway.url}/health`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
    const body = (await res.json()) as any;
    const healthy = body.healthy_endpoints.map((e: any) => e.model_name).sort();
    assert.deepEqual(healthy, ['claude', 'claude-128k', 'claude-ctx', 'claude-slow', 'claude-sonnet-4', 'groq-big']);
    const unhealthy = Object.fromEntries(body.unhealthy_endpoints.map((e: any) => [e.model_name, e.error_code]));
    assert.deepEqual(unhealthy, { 'claude-badkey': 'upstream_authentication_error', 'claude-unknown': 'upstream_model_unavailable' });
    assert.ok(!JSON.stringify(body).includes(WRONG_KEY) && !JSON.stringify(body).includes(MOCK_KEYS.anthropic));
    assert.equal(chatRequests().length, 0);
    assert.ok(anth.requests.some((r) => r.method === 'GET' && r.path === `/v1/models/${MODEL}`));
  });
});

describe('retries, cooldowns and deployments (the router rules)', () => {
  let gateway: GatewayProcess;

  before(async () => {
    gateway = await startGateway({
      env,
      config: `
model_list:
${claudeEntry('claude-pair', anth, { order: 1 })}${claudeEntry('claude-pair', anthBackup, { order: 2 })}${claudeEntry('claude-solo', anth)}${claudeEntry('claude-limited', anth)}general_settings: { master_key: ${MASTER_KEY} }
router_settings: { num_retries: 2, allowed_fails: 10, cooldown_time: 1 }
`,
    });
  });
  after(() => gateway.stop());

  test('a 429 on one deployment moves to the second at once; the first rests until its reset', async () => {
    anth.fail('rate_limit_rpm');
    const res = await post(gateway, hello('claude-pair'));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-litellm-attempted-retries'), '1');
    assert.equal(res.headers.get('x-litellm-model-id'), 'claude-pair#1');
    assert.ok(res.ms < 900, `no waiting while another deployment was healthy (${res.ms} ms)`);
    assert.equal(chatRequests(anth).length, 1);
    assert.equal(chatRequests(anthBackup).length, 1);
    // Cooling down until its reset: the preferred deployment is skipped, without an attempt.
    const next = await post(gateway, hello('claude-pair'));
    assert.equal(next.headers.get('x-litellm-attempted-retries'), '0');
    assert.equal(next.headers.get('x-litellm-model-id'), 'claude-pair#1');
    assert.equal(chatRequests(anth).length, 1);
  });

  test('a 429 on a lone deployment with a long wait: 429 rate_limit_exceeded with retry-after, at once', async () => {
    anth.fail('rate_limit_tpm');
    const res = await post(gateway, hello('claude-limited'));
    assert.equal(res.status, 429);
    assert.equal(res.json.error.code, 'rate_limit_exceeded');
    assert.equal(res.headers.get('retry-after'), '7');
    assert.ok(res.ms < 900, `not waited for (${res.ms} ms)`);
    assert.equal(chatRequests().length, 1);
  });

  test('529 overloaded: upstream_overloaded is retried after a backoff, and the retry succeeds', async () => {
    anth.fail('over_capacity');
    const res = await post(gateway, hello('claude-solo'));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-litellm-attempted-retries'), '1');
    assert.equal(chatRequests().length, 2);
    assert.ok(res.ms >= 300, `backed off (${res.ms} ms)`);
  });

  test('529 announcing retry-after: the wait it asks for is honoured', async () => {
    anth.fail('over_capacity:1');
    const res = await post(gateway, hello('claude-solo'));
    assert.equal(res.status, 200, res.text);
    assert.equal(chatRequests().length, 2);
    assert.ok(res.ms >= 900, `waited the announced second (${res.ms} ms)`);
  });

  test('event: error before any output is retried transparently', async () => {
    anth.fail('stream_error:0');
    const res = await post(gateway, { ...hello('claude-solo', 'Retry me'), stream: true, stream_options: { include_usage: true } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-litellm-attempted-retries'), '1');
    const data = sseData(res.text);
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    assert.ok(chunks.every((c) => c.error === undefined));
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hello from mock anthropic: Retry me');
    assert.equal(chunks.filter((c) => c.choices[0]?.delta.role === 'assistant').length, 1, 'one role chunk: nothing of the failed attempt leaked');
    assert.equal(chatRequests().length, 2);
  });

  test('a stream cut before its first event is retried transparently too', async () => {
    anth.fail('stream_cut:0');
    const res = await post(gateway, { ...hello('claude-solo'), stream: true });
    assert.equal(res.status, 200);
    assert.equal(sseData(res.text).at(-1), '[DONE]');
    assert.equal(chatRequests().length, 2);
  });
});

describe('Anthropic both ways: @anthropic-ai/sdk → /v1/messages → anthropic/ → mock Anthropic', () => {
  let gateway: GatewayProcess;
  let viaGateway: Anthropic;
  let direct: Anthropic;

  before(async () => {
    gateway = await startGateway({
      env,
      config: `
model_list:
${claudeEntry('claude', anth)}${groqEntry('groq-70b', groq)}general_settings: { master_key: ${MASTER_KEY} }
router_settings: { num_retries: 0, disable_cooldowns: true }
`,
    });
    viaGateway = new Anthropic({ baseURL: gateway.url, apiKey: MASTER_KEY, maxRetries: 0 });
    direct = new Anthropic({ baseURL: anth.baseUrl, apiKey: MOCK_KEYS.anthropic, maxRetries: 0 });
  });
  after(() => gateway.stop());

  /**
   * The same request straight to the mock and through the gateway (the mock's
   * counter reset in between, so its ids match): the answers must agree, and
   * so must what the mock received.
   */
  async function both(params: Anthropic.MessageCreateParamsNonStreaming) {
    anth.reset();
    const expected = await direct.messages.create({ ...params, model: MODEL });
    const directRequest = lastSent().body;
    anth.reset();
    const actual = await viaGateway.messages.create({ ...params, model: 'claude' });
    return { expected, actual, directRequest, gatewayRequest: lastSent().body };
  }

  function assertEquivalent(actual: Anthropic.Message, expected: Anthropic.Message): void {
    assert.equal(actual.type, 'message');
    assert.equal(actual.role, 'assistant');
    assert.deepEqual(actual.content, expected.content);
    assert.equal(actual.stop_reason, expected.stop_reason);
    assert.equal(actual.stop_sequence, expected.stop_sequence);
    assert.equal(actual.usage.input_tokens, expected.usage.input_tokens);
    assert.equal(actual.usage.output_tokens, expected.usage.output_tokens);
  }

  test('text, with a system prompt and stop sequences', async () => {
    const { expected, actual, directRequest, gatewayRequest } = await both({
      model: '', max_tokens: 512, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello there, gateway' }], stop_sequences: ['gateway'],
    });
    assertEquivalent(actual, expected);
    assert.equal(actual.stop_reason, 'stop_sequence');
    assert.equal(actual.stop_sequence, 'gateway');
    assertValidAnthropicRequest(gatewayRequest);
    assert.deepEqual(gatewayRequest, directRequest);
  });

  test('thinking and effort reach Claude as the client wrote them', async () => {
    const { gatewayRequest, directRequest } = await both({
      model: '', max_tokens: 2048, messages: [{ role: 'user', content: 'Think first' }],
      thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { effort: 'high' },
    } as Anthropic.MessageCreateParamsNonStreaming);
    assert.deepEqual(gatewayRequest.thinking, { type: 'enabled', budget_tokens: 1024 });
    assert.deepEqual(gatewayRequest.output_config, { effort: 'high' });
    assert.deepEqual(gatewayRequest, directRequest);
  });

  test('a tool round trip', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'Current weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await both({ model: '', max_tokens: 512, tools, tool_choice: { type: 'any' }, messages: [question] });
    assertEquivalent(first.actual, first.expected);
    assert.equal(first.actual.stop_reason, 'tool_use');
    assert.deepEqual(first.gatewayRequest, first.directRequest);

    const toolUse = first.actual.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    const second = await both({
      model: '', max_tokens: 512, tools,
      messages: [question, { role: 'assistant', content: first.actual.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18C and sunny' }] }],
    });
    assertEquivalent(second.actual, second.expected);
    assert.equal((second.actual.content[0] as Anthropic.TextBlock).text, 'Tool said: 18C and sunny');
    assertValidAnthropicRequest(second.gatewayRequest);
    assert.deepEqual(second.gatewayRequest.messages, second.directRequest.messages);
  });

  test('streaming (with a stop sequence): the same text and final message as streaming straight from the mock', async () => {
    const params = { max_tokens: 512, messages: [{ role: 'user' as const, content: 'Stream this reply to me' }], stop_sequences: ['to me'] };
    anth.reset();
    const expected = await direct.messages.stream({ ...params, model: MODEL }).finalMessage();
    anth.reset();
    const stream = viaGateway.messages.stream({ ...params, model: 'claude' });
    const events: string[] = [];
    let text = '';
    stream.on('streamEvent', (event) => events.push(event.type));
    stream.on('text', (delta) => (text += delta));
    const actual = await stream.finalMessage();
    assertEquivalent(actual, expected);
    assert.equal(actual.stop_reason, 'stop_sequence');
    assert.equal(text, (expected.content[0] as Anthropic.TextBlock).text);
    assert.equal(events[0], 'message_start');
    assert.deepEqual(events.slice(-2), ['message_delta', 'message_stop']);
    assert.ok(events.filter((e) => e === 'content_block_delta').length > 3);
    assert.equal(lastSent().body.stream, true);
    assertValidAnthropicRequest(lastSent().body);
  });

  test('prompt caching (as Claude Code asks for it): the markers reach Anthropic in the same places; later calls read the cache', async () => {
    const ephemeral = { type: 'ephemeral' as const };
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      model: '', max_tokens: 512,
      system: [{ type: 'text', text: 'You are a careful coding agent. '.repeat(30) }, { type: 'text', text: 'Project rules: be brief.', cache_control: ephemeral }],
      tools: [
        { name: 'read_file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
        { name: 'grep', description: 'Search the project', input_schema: { type: 'object', properties: { pattern: { type: 'string' } } }, cache_control: ephemeral },
      ],
      tool_choice: { type: 'none' },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What does the project do?', cache_control: ephemeral }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'toolu_01A', name: 'read_file', input: { path: 'README.md' }, cache_control: ephemeral }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: 'Switchyard: an LLM gateway.', cache_control: ephemeral }, { type: 'text', text: 'Summarise it.' }] },
      ],
    };
    const { expected, actual, directRequest, gatewayRequest } = await both(params);
    assertEquivalent(actual, expected);
    assert.deepEqual(gatewayRequest, directRequest, 'every cache_control where the client put it');
    const written = actual.usage.cache_creation_input_tokens!;
    assert.ok(written > 0, JSON.stringify(actual.usage));
    assert.equal(written, expected.usage.cache_creation_input_tokens);

    const again = await viaGateway.messages.create({ ...params, model: 'claude' });
    assert.equal(again.usage.cache_read_input_tokens, written, JSON.stringify(again.usage));
    assert.equal(again.usage.cache_creation_input_tokens, 0);
    const streamed = await viaGateway.messages.stream({ ...params, model: 'claude' }).finalMessage();
    assert.equal(streamed.usage.cache_read_input_tokens, written, JSON.stringify(streamed.usage));

    // The same request to a Groq alias: Groq gets no cache_control, and plain strings where the markers were.
    const viaGroq = await viaGateway.messages.create({ ...params, model: 'groq-70b' });
    assert.equal(viaGroq.type, 'message');
    const sent = groq.requests.at(-1)!.body;
    assert.equal(JSON.stringify(sent).includes('cache_control'), false, JSON.stringify(sent));
    assert.equal(sent.messages[0].content, `${'You are a careful coding agent. '.repeat(30)}\n\nProject rules: be brief.`);
    assert.equal(sent.messages[1].content, 'What does the project do?');
    assert.equal(sent.tools[1].function.name, 'grep');
  });

  test("max_tokens above the model's limit through /v1/messages: unsupported_param naming max_tokens, in Anthropic's envelope", async () => {
    anth.reset();
    // Streaming: the SDK itself refuses a non-streaming call this long.
    const stream = viaGateway.messages.stream({ model: 'claude', max_tokens: 100_000, messages: [{ role: 'user', content: 'Hi' }] });
    await assert.rejects(stream.finalMessage(), (err: unknown) => {
      assert.ok(err instanceof Anthropic.BadRequestError, String(err));
      const body = err.error as { error: { type: string; code: string; param: string; max_output_tokens: number } };
      assert.equal(body.error.type, 'invalid_request_error');
      assert.equal(body.error.code, 'unsupported_param');
      assert.equal(body.error.param, 'max_tokens');
      assert.equal(body.error.max_output_tokens, 64_000);
      return true;
    });
    assert.equal(chatRequests().length, 0);
  });

  test('streaming tool use: the input arrives whole and equal', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'get_time', input_schema: { type: 'object', properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } }, required: ['zone'] } }];
    const params = { max_tokens: 512, tools, tool_choice: { type: 'tool' as const, name: 'get_time' }, messages: [{ role: 'user' as const, content: 'Time?' }] };
    anth.reset();
    const expected = await direct.messages.stream({ ...params, model: MODEL }).finalMessage();
    anth.reset();
    const actual = await viaGateway.messages.stream({ ...params, model: 'claude' }).finalMessage();
    assertEquivalent(actual, expected);
    assert.equal(actual.stop_reason, 'tool_use');
  });
});

describe('switchyard doctor against an anthropic/ alias', () => {
  function configFile(model = MODEL): string {
    const file = join(mkdtempSync(join(tmpdir(), 'switchyard-doctor-')), 'proxy_server_config.yaml');
    writeFileSync(file, `model_list:\n${claudeEntry('claude', anth, {}, model)}`);
    return file;
  }
  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    await new Promise((done) => server.close(done));
    return port;
  }
  async function doctor(file: string, key = MOCK_KEYS.anthropic) {
    const run = await runCli(['doctor', '--config', file, '--port', String(await freePort()), '--json'], { env: { ANTHROPIC_API_KEY: key }, timeoutMs: 20_000 });
    return { code: run.code, raw: run.stdout + run.stderr, ...(JSON.parse(run.stdout) as { ok: boolean; checks: Array<{ id: string; status: string; message: string; code?: string; fix?: string }> }) };
  }
  const find = (checks: Array<{ id: string }>, prefix: string) => checks.find((c) => c.id.startsWith(`${prefix}:`)) as { id: string; status: string; message: string; code?: string; fix?: string };

  test('a healthy alias: every check passes, with GET /v1/models/{id} only', async () => {
    const report = await doctor(configFile());
    assert.equal(report.code, 0, report.raw);
    assert.equal(find(report.checks, 'provider').status, 'pass');
    assert.equal(find(report.checks, 'model').status, 'pass');
    assert.equal(chatRequests().length, 0, 'no paid completion');
    assert.ok(!report.raw.includes(MOCK_KEYS.anthropic));
  });

  test('a wrong key: upstream_authentication_error naming the variable, masked', async () => {
    const report = await doctor(configFile(), WRONG_KEY);
    assert.equal(report.code, 1);
    const provider = find(report.checks, 'provider');
    assert.equal(provider.status, 'fail');
    assert.equal(provider.code, 'upstream_authentication_error');
    assert.match(provider.message, /ANTHROPIC_API_KEY/);
    assert.ok(provider.message.includes(maskSecret(WRONG_KEY)));
    assert.ok(!report.raw.includes(WRONG_KEY));
  });

  test('a model typo: upstream_model_unavailable with the closest model the key can use', async () => {
    const report = await doctor(configFile('claude-sonnet-4-5-20250928'));
    assert.equal(report.code, 1);
    assert.equal(find(report.checks, 'provider').status, 'pass');
    const model = find(report.checks, 'model');
    assert.equal(model.status, 'fail');
    assert.equal(model.code, 'upstream_model_unavailable');
    assert.match(model.message, /claude-sonnet-4-5-20250929/);
    assert.match(model.fix ?? '', /anthropic\/claude-sonnet-4-5-20250929/);
  });
});
