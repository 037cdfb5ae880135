import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caretExcerpt, maskLine } from './yaml-excerpt.js';

const KEY = 'gsk_abcdefghijklmnopqrstuvwxyz123456';

test('secrets after key-like names are masked, the caret keeps pointing at the same token', () => {
  const line = `    litellm_params: {model: mock/x, api_key: "${KEY}", rpm: [1`;
  const column = line.indexOf('rpm') + 1;
  const masked = maskLine(line, column);
  assert.ok(!masked.text.includes(KEY));
  assert.match(masked.text, /api_key: "gsk_…3456"/);
  assert.equal(masked.text.slice(masked.column - 1, masked.column + 2), 'rpm');
});

test('unquoted, unclosed and bare provider-shaped secrets are masked; os.environ references and other values are not', () => {
  assert.equal(maskLine(`master_key: sk-1234567890abcdef`, 1).text, 'master_key: sk-…cdef');
  assert.equal(maskLine(`  api_key: "${KEY}`, 1).text, '  api_key: "gsk_…3456');
  assert.equal(maskLine(`  redis_password: hunter2hunter2  # prod`, 1).text, '  redis_password: …ter2  # prod');
  assert.equal(maskLine(`  - ${KEY}`, 1).text, '  - gsk_…3456');
  assert.equal(maskLine('  api_key: os.environ/GROQ_API_KEY', 1).text, '  api_key: os.environ/GROQ_API_KEY');
  assert.equal(maskLine('  max_tokens: 100', 1).text, '  max_tokens: 100');
  assert.equal(maskLine('  model: groq/llama-3.3-70b-versatile', 1).text, '  model: groq/llama-3.3-70b-versatile');
});

test('a caret inside a secret moves to the start of its masked form', () => {
  const line = `api_key: ${KEY}`;
  const masked = maskLine(line, line.length - 2);
  assert.equal(masked.text[masked.column - 1], 'g');
});

test('the excerpt shows context lines, the offending line and a caret under its column', () => {
  const source = 'model_list:\n  - model_name: demo\n\tlitellm_params: {}\n';
  assert.equal(caretExcerpt(source, 3, 1), '1 | model_list:\n2 |   - model_name: demo\n3 | →litellm_params: {}\n  | ^');
  assert.equal(caretExcerpt(source, 9, 1), '');
});
