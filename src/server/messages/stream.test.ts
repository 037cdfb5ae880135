import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicStreamWriter, type EventSink } from './stream.js';

/** Records events; `slow` makes every write report backpressure. */
function recorder(slow = false) {
  const events: Array<{ name: string; data: any }> = [];
  const drained = Promise.resolve();
  const sink: EventSink = {
    event(name, data) {
      const parsed = JSON.parse(data);
      assert.equal(parsed.type, name, 'the event name is the payload type');
      events.push({ name, data: parsed });
      return slow ? drained : undefined;
    },
  };
  return { sink, events, names: () => events.map((e) => e.name) };
}

const base = { id: 'chatcmpl-xyz', object: 'chat.completion.chunk', created: 1, model: 'llama-3.3-70b-versatile' };
const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
const usageChunk = (usage: Record<string, unknown>) => JSON.stringify({ ...base, choices: [], usage });

test('text: message_start, one text block, message_delta with stop reason and usage, message_stop; never [DONE]', () => {
  const { sink, events, names } = recorder();
  const writer = new AnthropicStreamWriter(sink, 'groq-70b');
  for (const data of [
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: 'Hel' }),
    chunk({ content: 'lo' }),
    chunk({}, 'stop'),
    usageChunk({ prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 }),
    '[DONE]',
  ]) writer.send(data);
  assert.deepEqual(names(), ['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  const start = events[0]!.data.message;
  assert.equal(start.id, 'msg_xyz');
  assert.equal(start.model, 'groq-70b');
  assert.deepEqual(start.content, []);
  assert.deepEqual(events[1]!.data, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  assert.deepEqual(events[2]!.data.delta, { type: 'text_delta', text: 'Hel' });
  assert.deepEqual(events[5]!.data.delta, { stop_reason: 'end_turn', stop_sequence: null });
  assert.equal(events[5]!.data.usage.output_tokens, 2);
  assert.equal(events[5]!.data.usage.input_tokens, 12);
  // Nothing after message_stop, even if the source sent more.
  assert.equal(writer.send('[DONE]'), undefined);
  assert.equal(events.length, 7);
});

test('a Groq-style tool call arriving whole: the text block closes, a tool_use block carries the input', () => {
  const { sink, events, names } = recorder();
  const writer = new AnthropicStreamWriter(sink, 'a');
  writer.send(chunk({ role: 'assistant', content: 'Checking' }));
  writer.send(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }));
  writer.send(chunk({}, 'tool_calls', { x_groq: { usage: {} } }));
  writer.send('[DONE]');
  assert.deepEqual(names(), ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  assert.deepEqual(events[4]!.data, { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} } });
  assert.deepEqual(events[5]!.data, { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' } });
  assert.equal(events[7]!.data.delta.stop_reason, 'tool_use');
});

test('OpenAI-style fragments and two parallel calls: one block per tool index, fragments in order', () => {
  const { sink, events } = recorder();
  const writer = new AnthropicStreamWriter(sink, 'a');
  writer.send(chunk({ role: 'assistant', content: null }));
  writer.send(chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] }));
  writer.send(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }));
  writer.send(chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }));
  writer.send(chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] }));
  writer.send(chunk({}, 'tool_calls'));
  writer.send('[DONE]');
  const blocks = events.filter((e) => e.name === 'content_block_start').map((e) => [e.data.index, e.data.content_block.id]);
  assert.deepEqual(blocks, [[0, 'call_a'], [1, 'call_b']]);
  const json = (index: number) => events.filter((e) => e.name === 'content_block_delta' && e.data.index === index).map((e) => e.data.delta.partial_json).join('');
  assert.deepEqual(JSON.parse(json(0)), { q: 'x' });
  assert.deepEqual(JSON.parse(json(1)), {});
  // Each block is stopped before the next starts.
  const order = events.filter((e) => e.name.startsWith('content_block_s')).map((e) => `${e.name}:${e.data.index}`);
  assert.deepEqual(order, ['content_block_start:0', 'content_block_stop:0', 'content_block_start:1', 'content_block_stop:1']);
});

test('length → max_tokens; cached tokens are reported apart', () => {
  const { sink, events } = recorder();
  const writer = new AnthropicStreamWriter(sink, 'a');
  writer.send(chunk({ content: 'cut' }, 'length', { usage: { prompt_tokens: 50, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 30 } } }));
  writer.send('[DONE]');
  const delta = events.find((e) => e.name === 'message_delta')!.data;
  assert.equal(delta.delta.stop_reason, 'max_tokens');
  assert.equal(delta.usage.input_tokens, 20);
  assert.equal(delta.usage.cache_read_input_tokens, 30);
});

test('an empty stream still yields a whole message', () => {
  const { sink, names } = recorder();
  new AnthropicStreamWriter(sink, 'a').send('[DONE]');
  assert.deepEqual(names(), ['message_start', 'message_delta', 'message_stop']);
});

test('backpressure: the writer returns the sink\'s promise', () => {
  const { sink } = recorder(true);
  const writer = new AnthropicStreamWriter(sink, 'a');
  assert.ok(writer.send(chunk({ content: 'x' })) instanceof Promise);
  const { sink: fast } = recorder(false);
  assert.equal(new AnthropicStreamWriter(fast, 'a').send(chunk({ content: 'x' })), undefined);
});

test('odd upstream chunks (null entries, no choices) are skipped, not a crash', () => {
  const { sink, names } = recorder();
  const writer = new AnthropicStreamWriter(sink, 'a');
  for (const data of ['null', JSON.stringify({ ...base, choices: [null] }), JSON.stringify({ ...base, choices: [{ delta: { tool_calls: [null, { index: 0, function: { name: 7 } }] } }] }), '[DONE]']) writer.send(data);
  assert.deepEqual(names(), ['message_start', 'content_block_start', 'content_block_stop', 'message_delta', 'message_stop']);
});

test('a finish chunk naming its stop sequence: message_delta says stop_sequence and which', () => {
  const { sink, events } = recorder();
  const writer = new AnthropicStreamWriter(sink, 'claude');
  writer.send(chunk({ content: 'Hello ' }));
  writer.send(JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop', stop_sequence: 'END' }] }));
  writer.send(usageChunk({ prompt_tokens: 100, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 30 }, cache_creation_input_tokens: 50 }));
  writer.send('[DONE]');
  const delta = events.find((e) => e.name === 'message_delta')!.data;
  assert.deepEqual(delta.delta, { stop_reason: 'stop_sequence', stop_sequence: 'END' });
  assert.deepEqual(delta.usage, { output_tokens: 2, input_tokens: 20, cache_creation_input_tokens: 50, cache_read_input_tokens: 30 });
});
