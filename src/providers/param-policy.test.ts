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
