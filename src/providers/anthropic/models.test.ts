import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claudeLimits, defaultMaxTokens, UNKNOWN_MODEL_MAX_TOKENS } from './models.js';

test('limits by prefix: snapshots and aliases alike, the longest prefix wins', () => {
  assert.deepEqual(claudeLimits('claude-sonnet-4-5-20250929'), { contextWindow: 200_000, maxOutputTokens: 64_000 });
  assert.deepEqual(claudeLimits('claude-opus-4-1'), { contextWindow: 200_000, maxOutputTokens: 32_000 });
  assert.equal(claudeLimits('claude-opus-4-6')!.maxOutputTokens, 128_000);
  assert.equal(claudeLimits('claude-3-5-haiku-latest')!.maxOutputTokens, 8_192);
  assert.equal(claudeLimits('glm-4.6'), undefined);
});

test('default max_tokens: the model maximum when streaming, capped without streaming', () => {
  assert.equal(defaultMaxTokens('claude-sonnet-4-5-20250929', true, undefined), 64_000);
  assert.equal(defaultMaxTokens('claude-sonnet-4-5-20250929', false, undefined), 21_333);
  assert.equal(defaultMaxTokens('claude-opus-4-1-20250805', false, undefined), 8_192);
  assert.equal(defaultMaxTokens('claude-opus-4-20250514', false, undefined), 8_192);
  assert.equal(defaultMaxTokens('claude-3-haiku-20240307', false, undefined), 4_096);
  assert.equal(defaultMaxTokens('some-compatible-model', true, undefined), UNKNOWN_MODEL_MAX_TOKENS);
});

test('model_info.max_output_tokens wins over the table, still capped without streaming', () => {
  assert.equal(defaultMaxTokens('claude-sonnet-4-5', true, 4_000), 4_000);
  assert.equal(defaultMaxTokens('claude-sonnet-4-5', false, 50_000), 21_333);
});
