import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateJsonError } from './json-position.js';

test('points at the token that breaks the JSON, with line and column', () => {
  const loc = locateJsonError('{"model": "groq-70b",\n "messages": }');
  assert.deepEqual([loc.line, loc.column], [2, 14]);
  assert.match(loc.reason, /JSON value/);
});

test('explains common mistakes', () => {
  assert.match(locateJsonError("{'model': 1}").reason, /double quotes/);
  assert.match(locateJsonError('{"a": 1,}').reason, /trailing comma/);
  assert.match(locateJsonError('{"a": 1').reason, /end of input/);
  assert.match(locateJsonError('').reason, /empty/);
  assert.match(locateJsonError('{"a":"x\ny"}').reason, /control character/);
});

test('does not overflow the stack on hostile nesting', () => {
  const loc = locateJsonError('['.repeat(100_000));
  assert.match(loc.reason, /nested deeper/);
});
