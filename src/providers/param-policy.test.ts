import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../errors/gateway-error.js';
import { paramPolicy } from './param-policy.js';
import type { ChatBody } from './types.js';

const body = (extra: Record<string, unknown>, name?: string): ChatBody => ({
  model: 'm', messages: [{ role: 'user', content: 'hi', ...(name ? { name } : {}) }], ...extra,
});

test('Groq: unsupported parameters are refused naming the parameter', () => {
  const check = paramPolicy('groq', false)!;
  for (const [extra, param] of [[{ logprobs: true }, 'logprobs'], [{ n: 2 }, 'n'], [{ logit_bias: { 1: 1 } }, 'logit_bias'], [{ top_logprobs: 2 }, 'top_logprobs']] as const) {
    assert.throws(() => check(body(extra)), (err: GatewayError) => err.code === 'unsupported_param' && err.param === param);
  }
  assert.throws(() => check(body({}, 'alice')), (err: GatewayError) => err.param === 'messages[].name');
});

test('Groq: harmless values pass untouched', () => {
  const check = paramPolicy('groq', false)!;
  const ok = body({ n: 1, logprobs: false, temperature: 0 });
  assert.equal(check(ok), ok);
});

test('Groq with drop_params: they are dropped from a copy', () => {
  const original = body({ logprobs: true, n: 3, temperature: 0.2 }, 'alice');
  const sent = paramPolicy('groq', true)!(original);
  assert.deepEqual(sent, { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 });
  assert.equal(original.logprobs, true, 'the client body is not changed');
});

test('providers without known restrictions get no policy', () => {
  assert.equal(paramPolicy('openai', false), undefined);
});

test('Anthropic: what it cannot express is refused naming the parameter', () => {
  const check = paramPolicy('anthropic', false)!;
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ n: 2 }, 'n'], [{ logprobs: true }, 'logprobs'], [{ top_logprobs: 3 }, 'top_logprobs'], [{ logit_bias: { 50256: -100 } }, 'logit_bias'],
    [{ presence_penalty: 0.5 }, 'presence_penalty'], [{ frequency_penalty: -1 }, 'frequency_penalty'], [{ seed: 42 }, 'seed'],
    [{ temperature: 1.5 }, 'temperature'], [{ stop: ['\n', 'END'] }, 'stop'],
  ];
  for (const [extra, param] of cases) {
    assert.throws(() => check(body(extra)), (err: GatewayError) => err.code === 'unsupported_param' && err.param === param && /drop_params/.test(err.message), param);
  }
});

test('Anthropic: neutral values (n=1, zero penalties, empty logit_bias, temperature ≤ 1) pass untouched', () => {
  const ok = body({ n: 1, presence_penalty: 0, frequency_penalty: 0, logit_bias: {}, logprobs: false, temperature: 1, stop: ['END'] });
  assert.equal(paramPolicy('anthropic', false)!(ok), ok);
});

test('Anthropic with drop_params: dropped, temperature lowered to 1, whitespace stops removed', () => {
  const original = body({ seed: 1, presence_penalty: 0.2, temperature: 1.7, stop: ['\n', 'END'], top_p: 0.9 });
  const sent = paramPolicy('anthropic', true)!(original);
  assert.deepEqual(sent, { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 1, stop: ['END'], top_p: 0.9 });
  assert.deepEqual(paramPolicy('anthropic', true)!(body({ stop: '\n' })), body({}));
  assert.equal(original.temperature, 1.7, 'the client body is not changed');
});

const sonnet45 = { upstreamModel: 'claude-sonnet-4-5-20250929', maxOutputTokens: undefined };

test('Anthropic: temperature with top_p is refused naming top_p on the models that refuse both', () => {
  const check = paramPolicy('anthropic', false, sonnet45)!;
  assert.throws(() => check(body({ temperature: 0.5, top_p: 0.9 })), (err: GatewayError) => err.code === 'unsupported_param' && err.param === 'top_p');
  // One of them alone, or top_p: 1 (never sent): fine.
  for (const extra of [{ temperature: 0.5 }, { top_p: 0.9 }, { temperature: 0.5, top_p: 1 }]) {
    const ok = body(extra);
    assert.equal(check(ok), ok);
  }
  // Older models take both.
  const both = body({ temperature: 0.5, top_p: 0.9 });
  assert.equal(paramPolicy('anthropic', false, { upstreamModel: 'claude-sonnet-4-20250514', maxOutputTokens: undefined })!(both), both);
});

test('Anthropic with drop_params: top_p is dropped, temperature kept', () => {
  const original = body({ temperature: 0.5, top_p: 0.9 });
  assert.deepEqual(paramPolicy('anthropic', true, sonnet45)!(original), body({ temperature: 0.5 }));
  assert.equal(original.top_p, 0.9, 'the client body is not changed');
});

test("Anthropic: max_tokens above the model's output limit is refused naming it and the limit", () => {
  const check = paramPolicy('anthropic', false, sonnet45)!;
  assert.throws(() => check(body({ max_tokens: 100_000 })), (err: GatewayError) =>
    err.code === 'unsupported_param' && err.param === 'max_tokens' && err.details.max_output_tokens === 64_000 && /64000/.test(err.message));
  assert.throws(() => check(body({ max_tokens: 10, max_completion_tokens: 70_000 })), (err: GatewayError) => err.param === 'max_completion_tokens');
  // max_completion_tokens wins, so a large max_tokens beside a small one is never sent.
  const ok = body({ max_tokens: 100_000, max_completion_tokens: 1_000 });
  assert.equal(check(ok), ok);
  assert.equal(check(body({ max_tokens: 64_000 })).max_tokens, 64_000);
});

test('Anthropic: model_info.max_output_tokens is the limit when configured; an unknown model has none', () => {
  const configured = paramPolicy('anthropic', false, { upstreamModel: 'claude-3-7-sonnet-20250219', maxOutputTokens: 128_000 })!;
  const large = body({ max_tokens: 100_000 });
  assert.equal(configured(large), large);
  const unknown = paramPolicy('anthropic', false, { upstreamModel: 'claude-next', maxOutputTokens: undefined })!;
  assert.equal(unknown(large), large);
});

test('Anthropic with drop_params: max_tokens is lowered to the limit', () => {
  assert.deepEqual(paramPolicy('anthropic', true, sonnet45)!(body({ max_tokens: 100_000 })), body({ max_tokens: 64_000 }));
  assert.deepEqual(paramPolicy('anthropic', true, sonnet45)!(body({ max_completion_tokens: 100_000 })), body({ max_completion_tokens: 64_000 }));
});
