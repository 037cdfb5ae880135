import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayError } from '../../errors/gateway-error.js';
import { estimateInputTokens } from './count-tokens.js';
import { parseMessagesRequest } from './request.js';

const valid = { model: 'groq-70b', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };
const invalid = (param: string | null) => (err: GatewayError) => err.code === 'invalid_request' && err.param === param;
const parse = (body: unknown, requireMaxTokens = true) => parseMessagesRequest(body, { requireMaxTokens });

test('a minimal request passes', () => {
  assert.equal(parse(valid).model, 'groq-70b');
});

test('each malformed field is refused naming it', () => {
  const cases: Array<[unknown, string | null]> = [
    [[], null],
    [{ ...valid, model: undefined }, 'model'],
    [{ ...valid, model: '' }, 'model'],
    [{ ...valid, max_tokens: undefined }, 'max_tokens'],
    [{ ...valid, max_tokens: 0 }, 'max_tokens'],
    [{ ...valid, max_tokens: 1.5 }, 'max_tokens'],
    [{ ...valid, messages: 'Hi' }, 'messages'],
    [{ ...valid, messages: [] }, 'messages'],
    [{ ...valid, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role'],
    [{ ...valid, messages: [{ role: 'user', content: 3 }] }, 'messages[0].content'],
    [{ ...valid, messages: [{ role: 'user', content: [{ text: 'no type' }] }] }, 'messages[0].content[0]'],
    [{ ...valid, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content[0].text'],
    [{ ...valid, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 'x' } }] }] }, 'messages[0].content[0].source'],
    [{ ...valid, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 't', input: '{}' }] }] }, 'messages[0].content[0].input'],
    [{ ...valid, messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] }, 'messages[0].content[0].tool_use_id'],
    [{ ...valid, system: 5 }, 'system'],
    [{ ...valid, system: [{ type: 'image' }] }, 'system[0]'],
    [{ ...valid, stream: 'yes' }, 'stream'],
    [{ ...valid, temperature: 1.5 }, 'temperature'],
    [{ ...valid, top_k: -1 }, 'top_k'],
    [{ ...valid, stop_sequences: 'END' }, 'stop_sequences'],
    [{ ...valid, metadata: { user_id: 5 } }, 'metadata.user_id'],
    [{ ...valid, tools: {} }, 'tools'],
    [{ ...valid, tools: [{ name: 't' }] }, 'tools[0].input_schema'],
    [{ ...valid, tool_choice: { type: 'required' } }, 'tool_choice'],
    [{ ...valid, tool_choice: { type: 'tool' } }, 'tool_choice.name'],
  ];
  for (const [body, param] of cases) assert.throws(() => parse(body), invalid(param), String(param));
});

test('count_tokens does not need max_tokens', () => {
  assert.doesNotThrow(() => parse({ ...valid, max_tokens: undefined }, false));
});

test('the token estimate counts system, messages, tool calls and results, images and tool definitions', () => {
  const base = estimateInputTokens(parse(valid));
  assert.ok(base > 0);
  const grow = (extra: Record<string, unknown>) => estimateInputTokens(parse({ ...valid, ...extra })) - base;
  assert.ok(grow({ system: 'x'.repeat(400) }) >= 100);
  assert.ok(grow({ tools: [{ name: 'get_weather', description: 'd'.repeat(400), input_schema: { type: 'object' } }] }) >= 100);
  const round = estimateInputTokens(parse({ ...valid, messages: [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 't', input: { q: 'y'.repeat(400) } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'z'.repeat(400) }, { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }] },
  ] }));
  assert.ok(round - base >= 200 + 1_600);
});
