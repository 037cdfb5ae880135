import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ChatBody } from '../types.js';
import { RESPONSE_FORMAT_TOOL, toAnthropicRequest } from './request.js';

const OPTIONS = { model: 'claude-sonnet-4-5-20250929', stream: false, defaultMaxTokens: 21_333 };
const chat = (messages: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): ChatBody => ({ model: 'claude', messages, ...extra });
const isInvalid = (param: string) => (err: unknown) => err instanceof GatewayError && err.code === 'invalid_request' && err.param === param;

test('an agent turn with tools, tool calls and results becomes the Anthropic request it should', () => {
  const { body, jsonTool } = toAnthropicRequest(chat([
    { role: 'system', content: 'You are a coding agent.' },
    { role: 'user', content: 'What is the weather in Paris and Rome?' },
    { role: 'assistant', content: 'Let me check.', tool_calls: [
      { id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_01B', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
    ] },
    { role: 'tool', tool_call_id: 'toolu_01A', content: '18C' },
    { role: 'tool', tool_call_id: 'toolu_01B', content: '24C' },
    { role: 'user', content: 'Which is warmer?' },
  ], {
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    tool_choice: 'auto',
    parallel_tool_calls: false,
    stop: '\n\nHuman:',
    temperature: 0.7,
    top_p: 0.9,
    top_k: 40,
    user: 'u1',
    max_completion_tokens: 1024,
    stream_options: { include_usage: true },
    metadata: { trace: 'x' },
  }), OPTIONS);
  assert.equal(jsonTool, undefined);
  assert.deepEqual(body, {
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 1024,
    system: 'You are a coding agent.',
    messages: [
      { role: 'user', content: 'What is the weather in Paris and Rome?' },
      { role: 'assistant', content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_01B', name: 'get_weather', input: { city: 'Rome' } },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'toolu_01A', content: '18C' },
        { type: 'tool_result', tool_use_id: 'toolu_01B', content: '24C' },
        { type: 'text', text: 'Which is warmer?' },
      ] },
    ],
    stop_sequences: ['\n\nHuman:'],
    temperature: 0.7,
    top_p: 0.9,
    top_k: 40,
    metadata: { user_id: 'u1' },
    tools: [{ name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
  });
});

test('system and developer messages anywhere go to `system`; cache_control turns it into blocks', () => {
  const plain = toAnthropicRequest(chat([
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
    { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
  ]), OPTIONS).body;
  assert.equal(plain.system, 'Be brief.\n\nAnswer in French.');
  assert.deepEqual(plain.messages, [{ role: 'user', content: 'Hi' }]);

  const cached = toAnthropicRequest(chat([
    { role: 'system', content: [{ type: 'text', text: 'A long policy…', cache_control: { type: 'ephemeral' } }] },
    { role: 'system', content: 'Today is Monday.' },
    { role: 'user', content: 'Hi', cache_control: { type: 'ephemeral' } },
  ]), OPTIONS).body;
  assert.deepEqual(cached.system, [
    { type: 'text', text: 'A long policy…', cache_control: { type: 'ephemeral' } },
    { type: 'text', text: 'Today is Monday.' },
  ]);
  // A message-level cache_control (LiteLLM's convention) lands on the message's last block.
  assert.deepEqual(cached.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] }]);
});

test('images: data: URLs become base64 sources, http(s) URLs stay URLs; PDFs become documents', () => {
  const { body } = toAnthropicRequest(chat([{ role: 'user', content: [
    { type: 'text', text: 'Compare these.' },
    { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
    { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } },
  ] }]), OPTIONS);
  assert.deepEqual((body.messages as Array<{ content: unknown }>)[0]!.content, [
    { type: 'text', text: 'Compare these.' },
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } },
  ]);
  assert.throws(() => toAnthropicRequest(chat([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }] }]), OPTIONS),
    isInvalid('messages[0].content[0].image_url.url'));
  assert.throws(() => toAnthropicRequest(chat([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }]), OPTIONS),
    isInvalid('messages[0].content[0]'));
});

test('unparsable tool-call arguments are refused naming the message and the call', () => {
  const messages = [
    { role: 'user', content: 'go' },
    { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a": 1' } }] },
    { role: 'tool', tool_call_id: 't1', content: 'ok' },
  ];
  assert.throws(() => toAnthropicRequest(chat(messages), OPTIONS), isInvalid('messages[1].tool_calls[0].function.arguments'));
  // An empty string is a call without arguments.
  const empty = toAnthropicRequest(chat([messages[0]!, { ...messages[1]!, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '' } }] }, messages[2]!]), OPTIONS).body;
  assert.deepEqual((empty.messages as Array<{ content: unknown }>)[1]!.content, [{ type: 'tool_use', id: 't1', name: 'f', input: {} }]);
});

test('consecutive messages of one role merge so roles alternate', () => {
  const { body } = toAnthropicRequest(chat([
    { role: 'user', content: 'First.' },
    { role: 'user', content: 'Second.' },
    { role: 'assistant', content: 'A' },
    { role: 'assistant', content: '' },
    { role: 'assistant', content: 'B' },
  ]), OPTIONS);
  assert.deepEqual(body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'First.' }, { type: 'text', text: 'Second.' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] },
  ]);
});

test('tool results come first in their user turn, whatever the client order', () => {
  const { body } = toAnthropicRequest(chat([
    { role: 'user', content: 'go' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } }, { id: 'b', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'a', content: [{ type: 'text', text: 'one' }] },
    { role: 'user', content: 'note' },
    { role: 'tool', tool_call_id: 'b', content: 'two' },
  ]), OPTIONS);
  const turn = (body.messages as Array<{ content: Array<{ type: string }> }>)[2]!;
  assert.deepEqual(turn.content.map((block) => block.type), ['tool_result', 'tool_result', 'text']);
  assert.deepEqual(turn.content[0], { type: 'tool_result', tool_use_id: 'a', content: [{ type: 'text', text: 'one' }] });
});

test('tool_choice: auto / required / none / a named function', () => {
  const tools = [{ type: 'function', function: { name: 'f' } }];
  const choice = (tool_choice: unknown, extra: Record<string, unknown> = {}) => toAnthropicRequest(chat([{ role: 'user', content: 'x' }], { tools, tool_choice, ...extra }), OPTIONS).body.tool_choice;
  assert.deepEqual(choice('auto'), { type: 'auto' });
  assert.deepEqual(choice('required'), { type: 'any' });
  assert.deepEqual(choice('none'), { type: 'none' });
  assert.deepEqual(choice({ type: 'function', function: { name: 'f' } }), { type: 'tool', name: 'f' });
  assert.deepEqual(choice({ type: 'function', function: { name: 'f' } }, { parallel_tool_calls: false }), { type: 'tool', name: 'f', disable_parallel_tool_use: true });
  assert.equal(choice(undefined), undefined);
  assert.deepEqual(toAnthropicRequest(chat([{ role: 'user', content: 'x' }], { tools }), OPTIONS).body.tools, [{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
  assert.throws(() => choice('sometimes'), isInvalid('tool_choice'));
});

test('response_format becomes the forced json tool (LiteLLM style)', () => {
  const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
  const { body, jsonTool } = toAnthropicRequest(chat([{ role: 'user', content: 'x' }], { response_format: { type: 'json_schema', json_schema: { name: 'reply', schema } } }), OPTIONS);
  assert.equal(jsonTool, RESPONSE_FORMAT_TOOL);
  assert.deepEqual(body.tools, [{ name: RESPONSE_FORMAT_TOOL, description: 'Respond with JSON matching this schema.', input_schema: schema }]);
  assert.deepEqual(body.tool_choice, { type: 'tool', name: RESPONSE_FORMAT_TOOL });
  const object = toAnthropicRequest(chat([{ role: 'user', content: 'x' }], { response_format: { type: 'json_object' } }), OPTIONS);
  assert.equal(object.jsonTool, RESPONSE_FORMAT_TOOL);
  assert.equal(toAnthropicRequest(chat([{ role: 'user', content: 'x' }], { response_format: { type: 'text' } }), OPTIONS).jsonTool, undefined);
});

test('max_tokens: the client value wins, else the default; streaming is flagged; reasoning_effort becomes thinking', () => {
  const base = [{ role: 'user', content: 'x' }];
  assert.equal(toAnthropicRequest(chat(base), OPTIONS).body.max_tokens, 21_333);
  assert.equal(toAnthropicRequest(chat(base, { max_tokens: 300 }), OPTIONS).body.max_tokens, 300);
  assert.equal(toAnthropicRequest(chat(base, { max_tokens: 300, max_completion_tokens: 500 }), OPTIONS).body.max_tokens, 500);
  assert.equal(toAnthropicRequest(chat(base), { ...OPTIONS, stream: true }).body.stream, true);
  assert.equal(toAnthropicRequest(chat(base), OPTIONS).body.stream, undefined);
  assert.deepEqual(toAnthropicRequest(chat(base, { reasoning_effort: 'high' }), OPTIONS).body.thinking, { type: 'enabled', budget_tokens: 4096 });
  assert.deepEqual(toAnthropicRequest(chat(base, { thinking: { type: 'enabled', budget_tokens: 2000 } }), OPTIONS).body.thinking, { type: 'enabled', budget_tokens: 2000 });
});

test('a client default of top_p: 1 is not sent (recent models refuse it next to temperature)', () => {
  const sent = toAnthropicRequest(chat([{ role: 'user', content: 'x' }], { temperature: 0.2, top_p: 1 }), OPTIONS).body;
  assert.equal(sent.temperature, 0.2);
  assert.equal('top_p' in sent, false);
  assert.equal(toAnthropicRequest(chat([{ role: 'user', content: 'x' }], { top_p: 0.8 }), OPTIONS).body.top_p, 0.8);
});

test('assistant thinking_blocks are handed back ahead of the tool call they led to', () => {
  const thinking = { type: 'thinking', thinking: 'Need the weather.', signature: 'EqQBCgIYAhIM' };
  const { body } = toAnthropicRequest(chat([
    { role: 'user', content: 'weather?' },
    { role: 'assistant', content: null, thinking_blocks: [thinking], tool_calls: [{ id: 't', type: 'function', function: { name: 'w', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 't', content: 'sunny' },
  ]), OPTIONS);
  assert.deepEqual((body.messages as Array<{ content: unknown[] }>)[1]!.content[0], thinking);
});

test('a conversation of only system messages, or an unknown role, is refused', () => {
  assert.throws(() => toAnthropicRequest(chat([{ role: 'system', content: 'x' }]), OPTIONS), isInvalid('messages'));
  assert.throws(() => toAnthropicRequest(chat([{ role: 'function', name: 'f', content: 'x' }]), OPTIONS), isInvalid('messages[0].role'));
});
