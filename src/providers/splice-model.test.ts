import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spliceModel } from './splice-model.js';

const splice = (text: string, model: string) => spliceModel(Buffer.from(text), model)?.toString();

test('replaces only the top-level model, wherever it stands, keeping every other byte', () => {
  assert.equal(splice('{"model":"groq-70b","messages":[]}', 'llama-3.3-70b-versatile'), '{"model":"llama-3.3-70b-versatile","messages":[]}');
  const later = '{ "messages" : [ {"role":"user","content":"say \\"model\\": {x} ]"} ], "tools":[{"function":{"model":"inner"}}],\n "model" : "a" , "n": 1 }';
  const out = JSON.parse(splice(later, 'b')!);
  assert.equal(out.model, 'b');
  assert.equal(out.tools[0].function.model, 'inner');
  assert.equal(out.messages[0].content, 'say "model": {x} ]');
});

test('multi-byte text and escaped backslashes before quotes are skipped exactly', () => {
  const text = JSON.stringify({ messages: [{ role: 'user', content: 'héllo 日本 \\ "q" \\' }], temperature: 0.5, model: 'x' });
  const out = JSON.parse(splice(text, 'y')!);
  assert.equal(out.model, 'y');
  assert.equal(out.messages[0].content, 'héllo 日本 \\ "q" \\');
});

test('gives up (undefined) when the simple splice does not apply', () => {
  assert.equal(splice('{"messages":[]}', 'y'), undefined);
  assert.equal(splice('{"model":42}', 'y'), undefined);
  assert.equal(splice('[1]', 'y'), undefined);
});
