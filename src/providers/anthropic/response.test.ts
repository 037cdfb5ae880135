import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESPONSE_FORMAT_TOOL } from './request.js';
import { finishReason, toChatCompletion, toOpenAIUsage, type AnthropicMessage } from './response.js';

// Shapes as the Messages API returns them (provider-wire-formats.md §3.1).
const TOOL_ANSWER: AnthropicMessage = JSON.parse(`{
  "id": "msg_01Aq9w938a90dw8q", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
  "content": [
    {"type": "text", "text": "I'll check the weather "},
    {"type": "text", "text": "for you."},
    {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"city": "Paris", "unit": "celsius"}}
  ],
  "stop_reason": "tool_use", "stop_sequence": null,
  "usage": {"input_tokens": 25, "output_tokens": 15, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 2000, "service_tier": "standard"}
}`);

test('a message with text and a tool call becomes a chat.completion', () => {
  const completion = toChatCompletion(TOOL_ANSWER, undefined, 1_760_000_000);
  assert.deepEqual(completion, {
    id: 'msg_01Aq9w938a90dw8q',
    object: 'chat.completion',
    created: 1_760_000_000,
    model: 'claude-sonnet-4-5-20250929',
    choices: [{
      index: 0,
      message: {
        role: 'assistant',
        content: "I'll check the weather for you.",
        refusal: null,
        tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    }],
    usage: {
      prompt_tokens: 2125,
      completion_tokens: 15,
      total_tokens: 2140,
      prompt_tokens_details: { cached_tokens: 2000 },
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 2000,
    },
  });
});

test('only tool calls: content is null, as OpenAI sends it', () => {
  const completion = toChatCompletion({ ...TOOL_ANSWER, content: [TOOL_ANSWER.content[2]!] }, undefined, 1);
  const message = (completion.choices as Array<{ message: Record<string, unknown> }>)[0]!.message;
  assert.equal(message.content, null);
  assert.equal((message.tool_calls as unknown[]).length, 1);
});

test('thinking becomes reasoning_content, with the blocks kept for the next turn', () => {
  const completion = toChatCompletion({
    id: 'msg_1', type: 'message', model: 'claude-sonnet-4-5', stop_reason: 'end_turn',
    content: [
      { type: 'thinking', thinking: 'Let me think. ', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h' },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
      { type: 'text', text: '42' },
    ],
    usage: { input_tokens: 10, output_tokens: 5 },
  }, undefined, 1);
  const choice = (completion.choices as Array<{ message: Record<string, unknown>; finish_reason: string }>)[0]!;
  assert.equal(choice.message.content, '42');
  assert.equal(choice.message.reasoning_content, 'Let me think. ');
  assert.deepEqual(choice.message.thinking_blocks, [
    { type: 'thinking', thinking: 'Let me think. ', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h' },
    { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
  ]);
  assert.equal(choice.finish_reason, 'stop');
});

test('the forced response_format tool: its input is the content and the finish is stop', () => {
  const completion = toChatCompletion({
    id: 'msg_2', type: 'message', model: 'claude-haiku-4-5', stop_reason: 'tool_use',
    content: [{ type: 'tool_use', id: 'toolu_9', name: RESPONSE_FORMAT_TOOL, input: { answer: 'yes' } }],
    usage: { input_tokens: 10, output_tokens: 5 },
  }, RESPONSE_FORMAT_TOOL, 1);
  const choice = (completion.choices as Array<{ message: Record<string, unknown>; finish_reason: string }>)[0]!;
  assert.equal(choice.message.content, '{"answer":"yes"}');
  assert.equal(choice.message.tool_calls, undefined);
  assert.equal(choice.finish_reason, 'stop');
});

test('every stop reason maps to an OpenAI finish reason', () => {
  assert.deepEqual(
    ['end_turn', 'stop_sequence', 'pause_turn', 'max_tokens', 'model_context_window_exceeded', 'tool_use', 'refusal', null].map((r) => finishReason(r, false)),
    ['stop', 'stop', 'stop', 'length', 'length', 'tool_calls', 'content_filter', 'stop'],
  );
});

test('usage without cache fields (older models, null counts)', () => {
  assert.deepEqual(toOpenAIUsage({ input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: null }), {
    prompt_tokens: 7, completion_tokens: 3, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0 }, cache_creation_input_tokens: 0, cache_read_input_tokens: 0,
  });
});

test('a stop sequence: finish_reason stop, and the choice names the sequence (for /v1/messages clients)', () => {
  const message: AnthropicMessage = { ...TOOL_ANSWER, content: [{ type: 'text', text: 'Hello ' }], stop_reason: 'stop_sequence', stop_sequence: 'END' };
  const choice = (toChatCompletion(message, undefined, 1).choices as Array<Record<string, unknown>>)[0]!;
  assert.equal(choice.finish_reason, 'stop');
  assert.equal(choice.stop_sequence, 'END');
  const plain = (toChatCompletion({ ...message, stop_reason: 'end_turn', stop_sequence: null }, undefined, 1).choices as Array<Record<string, unknown>>)[0]!;
  assert.equal('stop_sequence' in plain, false);
});
