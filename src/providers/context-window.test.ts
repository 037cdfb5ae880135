import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearlyExceeds, contextWindowOf, estimatePromptTokens } from './context-window.js';

test('windows come from model_info first, then the built-in table', () => {
  assert.equal(contextWindowOf('groq', 'llama-3.3-70b-versatile', {}), 131_072);
  assert.equal(contextWindowOf('groq', 'llama-3.3-70b-versatile', { max_input_tokens: 8192 }), 8192);
  assert.equal(contextWindowOf('openai', 'gpt-4o', {}), undefined);
});

test('Claude windows: dated snapshots and aliases share a row, the longest prefix wins', () => {
  assert.equal(contextWindowOf('anthropic', 'claude-sonnet-4-5-20250929', {}), 200_000);
  assert.equal(contextWindowOf('anthropic', 'claude-sonnet-4-5', {}), 200_000);
  assert.equal(contextWindowOf('anthropic', 'claude-opus-4-6', {}), 1_000_000);
  assert.equal(contextWindowOf('anthropic', 'claude-3-5-haiku-20241022', {}), 200_000);
  assert.equal(contextWindowOf('anthropic', 'claude-sonnet-4-5', { max_input_tokens: 1_000_000 }), 1_000_000);
  assert.equal(contextWindowOf('anthropic', 'some-proxy-model', {}), undefined);
});

test('the estimate counts message text (string or parts) and refuses only clear excess', () => {
  const body = { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(400) }, { role: 'user', content: [{ type: 'text', text: 'y'.repeat(396) }] }] };
  assert.equal(estimatePromptTokens(body, 131_072), 201);
  assert.equal(clearlyExceeds(140_000, 131_072), false);
  assert.equal(clearlyExceeds(170_000, 131_072), true);
});

test('tool definitions count once the messages alone come close to the window', () => {
  const tools = [{ type: 'function', function: { name: 'f', parameters: { description: 'z'.repeat(4000) } } }];
  const small = { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools };
  assert.ok(estimatePromptTokens(small, 131_072) < 10, 'tools skipped for small prompts');
  assert.ok(estimatePromptTokens(small, 2) > 1000, 'counted near a tiny window');
});
