import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayError } from '../../errors/gateway-error.js';
import { anthropicErrorBody, anthropicErrorType } from './errors.js';
import { GatewayError as Err } from '../../errors/gateway-error.js';
import { toAnthropicMessage } from './from-completion.js';

const completion = (message: Record<string, unknown>, finish: string, usage?: Record<string, unknown>) => ({
  id: 'chatcmpl-abc123', object: 'chat.completion', model: 'llama-3.3-70b-versatile',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
  usage: usage ?? { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
});

test('a text answer: the alias as model, msg_ id from the upstream id, end_turn, usage', () => {
  assert.deepEqual(toAnthropicMessage(completion({ content: 'Hello' }, 'stop'), 'groq-70b'), {
    id: 'msg_abc123', type: 'message', role: 'assistant', model: 'groq-70b',
    content: [{ type: 'text', text: 'Hello' }],
    stop_reason: 'end_turn', stop_sequence: null,
    usage: { input_tokens: 20, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  });
});

test('tool calls become tool_use blocks with parsed input; cached prompt tokens are split out', () => {
  const message = toAnthropicMessage(completion({
    content: 'Let me check.',
    tool_calls: [
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_2', type: 'function', function: { name: 'now', arguments: '' } },
    ],
  }, 'tool_calls', { prompt_tokens: 100, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 60 } }), 'a');
  assert.deepEqual(message.content, [
    { type: 'text', text: 'Let me check.' },
    { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
    { type: 'tool_use', id: 'call_2', name: 'now', input: {} },
  ]);
  assert.equal(message.stop_reason, 'tool_use');
  assert.deepEqual(message.usage, { input_tokens: 40, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 60 });
});

test('finish reasons map to stop reasons; tool calls beside "stop" are still tool_use', () => {
  const reason = (finish: string, extra: Record<string, unknown> = {}) => toAnthropicMessage(completion({ content: 'x', ...extra }, finish), 'a').stop_reason;
  assert.equal(reason('length'), 'max_tokens');
  assert.equal(reason('content_filter'), 'refusal');
  assert.equal(reason('stop', { tool_calls: [{ id: 'c', function: { name: 't', arguments: '{}' } }] }), 'tool_use');
});

test('arguments that are not a JSON object are a model-output failure, not an empty input', () => {
  const broken = completion({ tool_calls: [{ id: 'c', function: { name: 't', arguments: '{"city": "Par' } }] }, 'tool_calls');
  assert.throws(() => toAnthropicMessage(broken, 'a'), (err: GatewayError) => err.code === 'upstream_generation_failed');
});

test('errors: Anthropic envelope and type from the status, with the catalog code and fix inside', () => {
  assert.equal(anthropicErrorType(404), 'not_found_error');
  assert.equal(anthropicErrorType(502), 'api_error');
  assert.equal(anthropicErrorType(503), 'overloaded_error');
  assert.equal(anthropicErrorType(504), 'timeout_error');
  assert.equal(anthropicErrorType(413), 'request_too_large');
  const body = anthropicErrorBody(new Err('model_not_found', 'Model "x" is not configured.', { param: 'model' }), 'req-1') as Record<string, any>;
  assert.equal(body.type, 'error');
  assert.equal(body.request_id, 'req-1');
  assert.equal(body.error.type, 'not_found_error');
  assert.equal(body.error.code, 'model_not_found');
  assert.equal(body.error.param, 'model');
  assert.ok(body.error.fix);
});

test('a choice naming its stop sequence (the anthropic/ provider) is stop_sequence; cache writes are reported apart', () => {
  const answer = completion({ content: 'Hello ' }, 'stop', { prompt_tokens: 100, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 30 }, cache_creation_input_tokens: 50 });
  (answer.choices[0] as Record<string, unknown>).stop_sequence = 'END';
  const message = toAnthropicMessage(answer, 'claude');
  assert.equal(message.stop_reason, 'stop_sequence');
  assert.equal(message.stop_sequence, 'END');
  assert.deepEqual(message.usage, { input_tokens: 20, output_tokens: 2, cache_creation_input_tokens: 50, cache_read_input_tokens: 30 });
});
