import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskSecret } from './mask.js';

test('keeps the provider prefix and the last four characters only', () => {
  assert.equal(maskSecret('gsk_' + 'test_key_'.repeat(4) + 'abcd'), 'gsk_…abcd');
  assert.equal(maskSecret('sk-proj-AAAAAAAAAAAAAAAAAAAAwxyz'), 'sk-proj-…wxyz');
  assert.equal(maskSecret('plainsecretvalue1234'), '…1234');
});

test('short secrets reveal almost nothing', () => {
  assert.equal(maskSecret('abc'), '…');
  assert.equal(maskSecret('abcdefgh'), '…gh');
  assert.equal(maskSecret('   '), '(empty)');
});
