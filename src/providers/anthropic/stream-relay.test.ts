import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../errors/gateway-error.js';
import type { UpstreamContext } from '../upstream-error.js';
import { RESPONSE_FORMAT_TOOL } from './request.js';
import { AnthropicStreamRelay } from './stream-relay.js';

const ctx: UpstreamContext = { alias: 'claude', deploymentId: 'claude#0', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5', host: 'api.anthropic.com', apiKey: undefined };

/** A stream as Anthropic writes it: `event: <name>\ndata: <json>\n\n` (provider-wire-formats.md §3.2), as [name, data] pairs. */
function sse(text: string): Array<[string, string]> {
  return text.trim().split(/\n\n+/).map((record) => {
    const [eventLine, dataLine] = record.split('\n');
    return [eventLine!.slice('event: '.length), dataLine!.slice('data: '.length)];
  });
}

const TEXT_STREAM = sse(`
event: message_start
data: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

event: message_stop
data: {"type":"message_stop"}
`);

const TOOL_STREAM = sse(`
event: message_start
data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"The user wants the weather."}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3h"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Checking."}}

event: content_block_stop
data: {"type":"content_block_stop","index":1}

event: content_block_start
data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": \\"Par"}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"is\\"}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":2}

event: content_block_start
data: {"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":3}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

event: message_stop
data: {"type":"message_stop"}
`);

function run(events: Array<[string, string]>, includeUsage: boolean, jsonTool?: string) {
  const sent: string[] = [];
  const relay = new AnthropicStreamRelay({ send: (data) => void sent.push(data) }, includeUsage, ctx, jsonTool);
  for (const [name, data] of events) relay.onEvent(data, name);
  relay.onEnd();
  return { relay, sent, chunks: sent.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, any>) };
}

test('a text stream: role chunk, content deltas, finish chunk, usage chunk, [DONE]; ping dropped', () => {
  const { sent, chunks, relay } = run(TEXT_STREAM, true);
  assert.equal(sent.at(-1), '[DONE]');
  assert.deepEqual(chunks.map((c) => c.choices[0]?.delta ?? null), [{ role: 'assistant', content: '' }, { content: 'Hello' }, { content: '!' }, {}, null]);
  assert.deepEqual(chunks.map((c) => c.choices[0]?.finish_reason ?? null), [null, null, null, 'stop', null]);
  for (const chunk of chunks) {
    assert.equal(chunk.id, 'msg_01XFDUDYJgAACzvnptvVoYEL');
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.model, 'claude-sonnet-4-5-20250929');
  }
  const usage = chunks.at(-1)!;
  assert.deepEqual(usage.choices, []);
  assert.deepEqual(usage.usage, { prompt_tokens: 35, completion_tokens: 15, total_tokens: 50, prompt_tokens_details: { cached_tokens: 10 }, cache_creation_input_tokens: 0, cache_read_input_tokens: 10 });
  assert.equal(relay.usage?.total_tokens, 50);
});

test('without include_usage there is no usage chunk, but the usage is still known for accounting', () => {
  const { chunks, relay } = run(TEXT_STREAM, false);
  assert.ok(chunks.every((c) => c.choices.length === 1));
  assert.equal(relay.usage?.total_tokens, 50);
});

test('thinking and tool calls: reasoning_content, then tool_calls numbered among tools only', () => {
  const { chunks } = run(TOOL_STREAM, false);
  const deltas = chunks.map((c) => c.choices[0].delta);
  assert.deepEqual(deltas[1], { reasoning_content: 'The user wants the weather.' });
  assert.deepEqual(deltas[2], { thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h' }] });
  assert.deepEqual(deltas[3], { content: 'Checking.' });
  assert.deepEqual(deltas[4], { tool_calls: [{ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } }] });
  assert.deepEqual(deltas[5], { tool_calls: [{ index: 0, function: { arguments: '{"city": "Par' } }] });
  assert.deepEqual(deltas[6], { tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] });
  assert.deepEqual(deltas[7], { tool_calls: [{ index: 1, id: 'toolu_02', type: 'function', function: { name: 'get_time', arguments: '' } }] });
  assert.deepEqual(deltas[8], { tool_calls: [{ index: 1, function: { arguments: '{}' } }] });
  assert.equal(chunks.at(-1)!.choices[0].finish_reason, 'tool_calls');
});

test('the forced response_format tool streams as content and finishes with stop', () => {
  const events = TOOL_STREAM.filter(([, data]) => !/"index":[013]/.test(data)).map(([name, data]) => [name, data.replace('get_weather', RESPONSE_FORMAT_TOOL)] as [string, string]);
  const { chunks } = run(events, false, RESPONSE_FORMAT_TOOL);
  const content = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
  assert.equal(content, '{"city": "Paris"}');
  assert.ok(chunks.every((c) => c.choices[0].delta.tool_calls === undefined));
  assert.equal(chunks.at(-1)!.choices[0].finish_reason, 'stop');
});

test('the role chunk alone is not substantive: an error right after it can still be retried', () => {
  const sent: string[] = [];
  const relay = new AnthropicStreamRelay({ send: (d) => void sent.push(d) }, false, ctx, undefined);
  relay.onEvent(TEXT_STREAM[0]![1], 'message_start');
  assert.equal(relay.substantive, false);
  relay.onEvent(TEXT_STREAM[3]![1], 'content_block_delta');
  assert.equal(relay.substantive, true);
});

test('event: error is classified like the same error before the stream', () => {
  const relay = new AnthropicStreamRelay({ send: () => undefined }, false, ctx, undefined);
  relay.onEvent(TEXT_STREAM[0]![1], 'message_start');
  assert.throws(() => relay.onEvent('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'error'),
    (err: GatewayError) => err.code === 'upstream_overloaded' && err.details.upstream_code === 'overloaded_error');
  const other = new AnthropicStreamRelay({ send: () => undefined }, false, ctx, undefined);
  assert.throws(() => other.onEvent('{"type":"error","error":{"type":"api_error","message":"Internal server error"}}', 'error'), (err: GatewayError) => err.code === 'upstream_error');
});

test('EOF before message_stop is upstream_stream_interrupted; junk data is upstream_invalid_response', () => {
  const relay = new AnthropicStreamRelay({ send: () => undefined }, false, ctx, undefined);
  for (const [name, data] of TEXT_STREAM.slice(0, 7)) relay.onEvent(data, name); // through message_delta
  assert.throws(() => relay.onEnd(), (err: GatewayError) => err.code === 'upstream_stream_interrupted');
  assert.throws(() => relay.onEvent('<html>', 'message_start'), (err: GatewayError) => err.code === 'upstream_invalid_response');
});

test('a stop sequence: the finish chunk names it beside finish_reason stop', () => {
  const events = TEXT_STREAM.map(([name, data]): [string, string] =>
    name === 'message_delta' ? [name, '{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":2}}'] : [name, data]);
  const { chunks } = run(events, false);
  const finish = chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0];
  assert.equal(finish.finish_reason, 'stop');
  assert.equal(finish.stop_sequence, 'END');
  assert.ok(run(TEXT_STREAM, false).chunks.every((c) => !('stop_sequence' in c.choices[0])));
});
