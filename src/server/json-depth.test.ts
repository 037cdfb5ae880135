import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exceedsJsonDepth } from './json-depth.js';

const deep = (n: number) => Buffer.from('['.repeat(n) + ']'.repeat(n));

test('counts nesting of arrays and objects, up to the limit inclusive', () => {
  assert.equal(exceedsJsonDepth(deep(3), 3), false);
  assert.equal(exceedsJsonDepth(deep(4), 3), true);
  assert.equal(exceedsJsonDepth(Buffer.from('{"a":{"b":[{}]}}'), 3), true);
  assert.equal(exceedsJsonDepth(Buffer.from('[[],[],[[]]]'), 3), false);
});

test('brackets inside strings do not count, escaped quotes do not end a string', () => {
  assert.equal(exceedsJsonDepth(Buffer.from(JSON.stringify({ a: '[[[[{{{{' })), 2), false);
  assert.equal(exceedsJsonDepth(Buffer.from(JSON.stringify({ a: 'say \\"[[[[\\"', b: '\\' })), 2), false);
  assert.equal(exceedsJsonDepth(Buffer.from(JSON.stringify(['\\', [[['x']]]])), 3), true);
});

test('an unterminated string stops the scan (JSON.parse reports it)', () => {
  assert.equal(exceedsJsonDepth(Buffer.from('["abc [[[[['), 2), false);
});

test('strings of many lengths, with an escaped quote anywhere, are skipped whole', () => {
  for (let length = 0; length < 80; length++) {
    for (const at of [0, 15, 30, 31, 32, 33, 34, 60]) {
      if (at > length) continue;
      const text = 'x'.repeat(at) + '"[[[\\' + 'y'.repeat(length - at);
      const body = Buffer.from(JSON.stringify([text, [['z']]]));
      assert.equal(exceedsJsonDepth(body, 3), false, `length ${length}, escape at ${at}`);
      assert.equal(exceedsJsonDepth(body, 2), true, `length ${length}, escape at ${at}`);
    }
  }
});
