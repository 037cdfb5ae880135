import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, nearest } from './nearest.js';

test('edit distance', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
});

test('suggests a likely typo and nothing for unrelated words', () => {
  assert.equal(nearest('groq-7b', ['demo', 'groq-70b']), 'groq-70b');
  assert.equal(nearest('litellm_parms', ['model_name', 'litellm_params', 'model_info']), 'litellm_params');
  assert.equal(nearest('GROQ-70B', ['demo', 'groq-70b']), 'groq-70b');
  assert.equal(nearest('completely-different', ['demo', 'groq-70b']), undefined);
});
