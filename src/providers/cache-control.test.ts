import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheControlPolicy, carriesCacheControl, markCacheControl, stripCacheControl } from './cache-control.js';
import type { ChatBody } from './types.js';

const ephemeral = { type: 'ephemeral' };

function marked(): ChatBody {
  const body: ChatBody = {
    model: 'm',
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.', cache_control: ephemeral }, { type: 'text', text: 'Be kind.' }] },
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: ephemeral }] },
      { role: 'assistant', content: [{ type: 'text', text: 'ok', cache_control: ephemeral }], tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }], cache_control: ephemeral },
      { role: 'tool', tool_call_id: 't1', content: 'done', cache_control: ephemeral },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' }, cache_control: ephemeral }, { type: 'text', text: 'this?' }] },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: {} }, cache_control: ephemeral }],
  };
  markCacheControl(body);
  return body;
}

test('strip: every marker goes; text-only parts become the string the ingress sends without markers', () => {
  const original = marked();
  const sent = stripCacheControl(original);
  assert.deepEqual(sent, {
    model: 'm',
    messages: [
      { role: 'system', content: 'Be brief.\n\nBe kind.' },
      { role: 'user', content: 'a\nb' },
      { role: 'assistant', content: 'ok', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't1', content: 'done' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }, { type: 'text', text: 'this?' }] },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
  });
  assert.equal(JSON.stringify(sent).includes('cache_control'), false);
  assert.equal(carriesCacheControl(sent), false);
  // The client's body is kept for a fallback to a provider that honours the markers.
  assert.deepEqual(original.tools, [{ type: 'function', function: { name: 'f', parameters: {} }, cache_control: ephemeral }]);
  assert.equal(carriesCacheControl(original), true);
});

test('an unmarked body is returned as is, without a walk (the OpenAI hot path)', () => {
  // Not marked by the ingress: a direct /v1/chat/completions client's body is its own business.
  const body: ChatBody = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: ephemeral }] }] };
  assert.equal(stripCacheControl(body), body);
});

test('the mark survives copies made by object spread, and never reaches the wire', () => {
  const body = marked();
  assert.equal(carriesCacheControl({ ...body, temperature: 1 }), true);
  assert.equal(JSON.stringify(body).includes('carriesCacheControl'), false);
});

test('Anthropic and OpenRouter keep the markers; the others strip them', () => {
  assert.equal(cacheControlPolicy('anthropic'), undefined);
  assert.equal(cacheControlPolicy('openrouter'), undefined);
  for (const provider of ['groq', 'openai', 'ollama', 'hosted_vllm', 'openai_like']) assert.equal(cacheControlPolicy(provider), stripCacheControl, provider);
});
