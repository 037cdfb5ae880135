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
