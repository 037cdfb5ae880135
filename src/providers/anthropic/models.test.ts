import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claudeLimits, defaultMaxTokens, maxOutputTokens, refusesTemperatureWithTopP, UNKNOWN_MODEL_MAX_TOKENS } from './models.js';

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

test('the output limit: model_info.max_output_tokens over the table; undefined for an unknown model', () => {
  assert.equal(maxOutputTokens('claude-sonnet-4-5-20250929', undefined), 64_000);
  assert.equal(maxOutputTokens('claude-3-7-sonnet-latest', 128_000), 128_000);
  assert.equal(maxOutputTokens('some-compatible-model', undefined), undefined);
});

test('temperature with top_p: refused by the models from Opus 4.1 on, accepted by older ones', () => {
  for (const model of ['claude-opus-4-1-20250805', 'claude-sonnet-4-5', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101', 'claude-sonnet-4-6', 'claude-opus-5']) {
    assert.equal(refusesTemperatureWithTopP(model), true, model);
  }
  for (const model of ['claude-opus-4-20250514', 'claude-sonnet-4-20250514', 'claude-3-7-sonnet-20250219', 'claude-3-5-haiku-latest', 'glm-4.6']) {
    assert.equal(refusesTemperatureWithTopP(model), false, model);
  }
});
