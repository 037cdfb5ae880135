import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../errors/gateway-error.js';
import type { UpstreamContext } from '../upstream-error.js';
import { StreamRelay } from './stream-relay.js';

const ctx: UpstreamContext = { alias: 'a', deploymentId: 'a#0', provider: 'groq', upstreamModel: 'm', host: 'h', apiKey: undefined };
const chunk = (extra: object) => JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', ...extra });

function collect() {
  const sent: string[] = [];
  return { sent, sink: { send: (d: string) => void sent.push(d) } };
}

test("Groq's x_groq.usage becomes OpenAI's usage chunk when the client asked for it", () => {
  const { sent, sink } = collect();
  const relay = new StreamRelay(sink, true, ctx);
  relay.onEvent(chunk({ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] }), undefined);
  relay.onEvent(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], x_groq: { id: 'req_1', usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } } }), undefined);
  relay.onEvent('[DONE]', undefined);
  assert.equal(sent.length, 4);
  const usage = JSON.parse(sent[2]!);
  assert.deepEqual(usage.choices, []);
  assert.equal(usage.usage.total_tokens, 4);
  assert.equal(usage.id, 'chatcmpl-1');
  assert.equal(sent[3], '[DONE]');
});

test('no extra usage chunk when the client did not ask, or the upstream sent one', () => {
  const plain = collect();
  const relay = new StreamRelay(plain.sink, false, ctx);
  relay.onEvent(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], x_groq: { usage: { total_tokens: 4 } } }), undefined);
  relay.onEvent('[DONE]', undefined);
  assert.equal(plain.sent.length, 2);

  const openai = collect();
  const relay2 = new StreamRelay(openai.sink, true, ctx);
  relay2.onEvent(chunk({ choices: [], usage: { total_tokens: 4 } }), undefined);
  relay2.onEvent('[DONE]', undefined);
  assert.equal(openai.sent.length, 2);
});

test('a stream that ends early, or reports an error, raises upstream_stream_interrupted', () => {
  const relay = new StreamRelay(collect().sink, false, ctx);
  relay.onEvent(chunk({ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] }), undefined);
  assert.throws(() => relay.onEnd(), (err: GatewayError) => err.code === 'upstream_stream_interrupted');

  const groq = new StreamRelay(collect().sink, false, ctx);
  assert.throws(() => groq.onEvent(chunk({ choices: [], x_groq: { error: 'stopped early' } }), undefined), (err: GatewayError) => err.code === 'upstream_stream_interrupted' && /stopped early/.test(err.message));

  const openrouter = new StreamRelay(collect().sink, false, ctx);
  assert.throws(() => openrouter.onEvent(chunk({ error: { code: 502, message: 'Provider disconnected' }, choices: [{ index: 0, delta: {}, finish_reason: 'error' }] }), undefined), GatewayError);
});

test('unreadable JSON is upstream_invalid_response; a finished stream without [DONE] is completed', () => {
  const relay = new StreamRelay(collect().sink, false, ctx);
  assert.throws(() => relay.onEvent('{"id": "x", "choi', undefined), (err: GatewayError) => err.code === 'upstream_invalid_response');
  const { sent, sink } = collect();
  const lenient = new StreamRelay(sink, false, ctx);
  lenient.onEvent(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }), undefined);
  lenient.onEnd();
  assert.equal(sent.at(-1), '[DONE]');
});

test('past the opening events, content deltas go out unread, and usage, errors, a finish and broken JSON are still noticed', () => {
  const opening = chunk({ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] });
  const started = () => {
    const out = collect();
    const relay = new StreamRelay(out.sink, true, ctx);
    relay.onEvent(opening, undefined);
    return { relay, sent: out.sent };
  };

  // A delta is forwarded byte for byte, even one whose text mentions the keys the relay looks for.
  const plain = started();
  const delta = chunk({ choices: [{ index: 0, delta: { content: 'the "usage" of "error"' }, finish_reason: null }] });
  plain.relay.onEvent(delta, undefined);
  assert.equal(plain.sent.at(-1), delta);

  // A finish written with spaces (Python servers) still completes a stream without [DONE].
  const spaced = started();
  spaced.relay.onEvent('{"id": "chatcmpl-1", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}', undefined);
  spaced.relay.onEnd();
  assert.equal(spaced.sent.at(-1), '[DONE]');

  // Groq's usage on the last chunk is re-emitted as OpenAI's usage chunk.
  const usage = started();
  usage.relay.onEvent(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], x_groq: { usage: { total_tokens: 9 } } }), undefined);
  usage.relay.onEvent('[DONE]', undefined);
  assert.equal(usage.relay.usage?.total_tokens, 9);
  assert.equal(JSON.parse(usage.sent.at(-2)!).usage.total_tokens, 9);

  // An error inside the stream, and a truncated event, are still caught mid-stream.
  assert.throws(() => started().relay.onEvent(chunk({ error: { message: 'overloaded' }, choices: [] }), undefined), (err: GatewayError) => err.code === 'upstream_stream_interrupted');
  assert.throws(() => started().relay.onEvent('{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"tr', undefined), (err: GatewayError) => err.code === 'upstream_invalid_response');
});
