import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCall } from '../types.js';
import { MockAdapter } from './adapter.js';

const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const bash = { type: 'function', function: { name: 'Bash', parameters: { type: 'object', properties: { command: { type: 'string' } } } } };

function call(content: string, extra: Record<string, unknown> = {}): ChatCall {
  return {
    body: { model: 'demo', messages: [{ role: 'user', content }], tools: [bash, weather], ...extra },
    upstreamModel: 'demo', stream: false, includeUsage: false, signal: new AbortController().signal, requestId: 'r1',
  };
}

async function answer(c: ChatCall) {
  const { body } = await new MockAdapter(undefined).complete(c);
  return (body.choices as Array<{ message: { content: string | null; tool_calls?: Array<{ function: { name: string; arguments: string } }> }; finish_reason: string }>)[0]!;
}

test('under tool_choice auto the mock calls only a tool the user names, else it answers', async () => {
  const plain = await answer(call('<system-reminder>Use Bash to run commands.</system-reminder>\nSay hi'));
  assert.equal(plain.finish_reason, 'stop');
  assert.match(plain.message.content ?? '', /Say hi/);

  const named = await answer(call('What does get_weather say for Paris?'));
  assert.equal(named.finish_reason, 'tool_calls');
  assert.equal(named.message.tool_calls?.[0]?.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(named.message.tool_calls![0]!.function.arguments), { city: 'example' });
});

test('a required or named tool choice is always a tool call; none never is', async () => {
  assert.equal((await answer(call('Say hi', { tool_choice: 'required' }))).message.tool_calls?.[0]?.function.name, 'Bash');
  assert.equal((await answer(call('Say hi', { tool_choice: { type: 'function', function: { name: 'get_weather' } } }))).message.tool_calls?.[0]?.function.name, 'get_weather');
  assert.equal((await answer(call('use get_weather', { tool_choice: 'none' }))).finish_reason, 'stop');
});

test('after a tool result the mock reports it', async () => {
  const c = call('use get_weather');
  c.body.messages.push({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: '18C' });
  const after = await answer(c);
  assert.equal(after.finish_reason, 'stop');
  assert.match(after.message.content ?? '', /18C/);
});
