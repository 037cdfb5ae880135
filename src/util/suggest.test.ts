import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestMatch } from './suggest.js';

test('suggests a likely typo, a transposition, or a truncated name', () => {
  assert.equal(closestMatch('groq-7b', ['demo', 'groq-70b']), 'groq-70b');
  assert.equal(closestMatch('litellm_parmas', ['model_name', 'litellm_params', 'model_info']), 'litellm_params');
  assert.equal(closestMatch('least_busy', ['simple-shuffle', 'least-busy']), 'least-busy');
  assert.equal(closestMatch('latency-based', ['latency-based-routing', 'usage-based-routing']), 'latency-based-routing');
});

test('offers nothing for unrelated words', () => {
  assert.equal(closestMatch('completely-different', ['demo', 'groq-70b']), undefined);
});
