import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayError } from '../../errors/gateway-error.js';
import { toAnthropicRequest } from '../../providers/anthropic/request.js';
import { carriesCacheControl, stripCacheControl } from '../../providers/cache-control.js';
import { ANTHROPIC_ONLY } from '../../providers/types.js';
import { parseMessagesRequest } from './request.js';
import { toChatBody } from './to-chat.js';

const translate = (body: Record<string, unknown>, dropParams = false) =>
  toChatBody(parseMessagesRequest({ model: 'groq-70b', max_tokens: 100, ...body }, { requireMaxTokens: true }), { dropParams });
const refused = (param: string) => (err: GatewayError) => err.code === 'unsupported_param' && err.param === param;

test('system (string or text blocks) becomes the first message; plain fields map one to one', () => {
  const body = translate({
    system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Be kind.' }],
    messages: [{ role: 'user', content: 'Hi' }],
    temperature: 0.5, top_p: 0.9, stop_sequences: ['END'], metadata: { user_id: 'u1' },
    service_tier: 'auto',
  });
  assert.deepEqual(body, {
    model: 'groq-70b',
    messages: [{ role: 'system', content: 'Be brief.\n\nBe kind.' }, { role: 'user', content: 'Hi' }],
    max_tokens: 100, temperature: 0.5, top_p: 0.9, stop: ['END'], user: 'u1',
  });
});

test('text and image blocks become content parts; all-text content stays a string', () => {
  const body = translate({
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'ok' }] },
      { role: 'user', content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        { type: 'image', source: { type: 'url', url: 'https://x.test/cat.jpg' } },
        { type: 'text', text: 'What is this?' },
      ] },
    ],
  });
  assert.deepEqual(body.messages, [
    { role: 'user', content: 'a\nb' },
    { role: 'assistant', content: 'ok' },
    { role: 'user', content: [
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      { type: 'image_url', image_url: { url: 'https://x.test/cat.jpg' } },
      { type: 'text', text: 'What is this?' },
    ] },
  ]);
});

test('a tool round trip: tool_use → tool_calls, tool_result → tool messages before the rest of the turn', () => {
  const body = translate({
    tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
    messages: [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      { role: 'assistant', content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
      ] },
      { role: 'user', content: [
        { type: 'text', text: 'Here you go.' },
        { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
        { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'no' }, { type: 'text', text: 'data' }], is_error: true },
      ] },
    ],
  });
  assert.deepEqual(body.messages.slice(1), [
    { role: 'assistant', content: 'Checking.', tool_calls: [
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
    ] },
    { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
    { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: no\ndata' },
    { role: 'user', content: 'Here you go.' },
  ]);
  assert.deepEqual(body.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]);
  assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'get_weather' } });
  assert.equal(body.parallel_tool_calls, false);
});

test('tool_choice auto / any / none; an assistant turn of tool calls only has null content', () => {
  const tools = [{ name: 't', input_schema: { type: 'object' } }];
  assert.equal(translate({ tools, tool_choice: { type: 'auto' }, messages: [{ role: 'user', content: 'x' }] }).tool_choice, 'auto');
  assert.equal(translate({ tools, tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'x' }] }).tool_choice, 'required');
  assert.equal(translate({ tools, tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'x' }] }).tool_choice, 'none');
  const body = translate({ messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 't', input: {} }] }] });
  assert.equal(body.messages[0]!.content, null);
  // No tools: OpenAI refuses tool_choice alone, so it is left out.
  assert.equal(translate({ tool_choice: { type: 'auto' }, messages: [{ role: 'user', content: 'x' }] }).tool_choice, undefined);
});

test('images inside a tool result travel in the user message after the tool messages', () => {
  const body = translate({ messages: [{ role: 'user', content: [
    { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'screenshot:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QQ' } }] },
  ] }] });
  assert.deepEqual(body.messages, [
    { role: 'tool', tool_call_id: 'toolu_1', content: 'screenshot:' },
    { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,QQ' } }] },
  ]);
});

test('streams ask for the final usage', () => {
  const body = translate({ stream: true, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
});

test('output_config.format json_schema becomes response_format', () => {
  const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
  const body = translate({ output_config: { format: { type: 'json_schema', schema } }, messages: [{ role: 'user', content: 'x' }] });
  assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'output', schema } });
});

test('what an OpenAI-compatible provider cannot do is refused naming it, or dropped with drop_params', () => {
  const user = [{ role: 'user', content: 'x' }];
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ top_k: 40 }, 'top_k'],
    [{ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0]'],
    [{ mcp_servers: [{ type: 'url', url: 'https://x.test', name: 'x' }] }, 'mcp_servers'],
    [{ container: 'c1' }, 'container'],
    [{ some_future_field: true }, 'some_future_field'],
    [{ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'd' } }] }] }, 'messages[0].content[0]'],
    [{ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f1' } }] }] }, 'messages[0].content[0].source'],
  ];
  for (const [extra, param] of cases) {
    assert.throws(() => translate({ messages: user, ...extra }), refused(param), param);
    const dropped = translate({ messages: user, ...extra }, true);
    for (const key of ['top_k', 'thinking', 'mcp_servers', 'container', 'some_future_field', 'reasoning_effort']) assert.equal(dropped[key], undefined, `${param}: ${key}`);
    assert.equal(dropped.tools, undefined, param);
  }
  // Disabled thinking asks for nothing: no refusal.
  assert.doesNotThrow(() => translate({ messages: user, thinking: { type: 'disabled' } }));
  // With drop_params the server tool goes and the function tools stay.
  const mixed = translate({ messages: user, tools: [{ type: 'bash_20250124', name: 'bash' }, { name: 'f', input_schema: { type: 'object' } }] }, true);
  assert.deepEqual((mixed.tools as Array<{ function: { name: string } }>).map((t) => t.function.name), ['f']);
});

const ephemeral = { type: 'ephemeral' };
/** What Claude Code sends: breakpoints on the system prompt, the last tool, a tool_use, a tool_result and the latest user text. */
const cached = {
  system: [{ type: 'text', text: 'You are a coding agent.' }, { type: 'text', text: 'Project rules.', cache_control: ephemeral }],
  tools: [
    { name: 'read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
    { name: 'grep', description: 'Search', input_schema: { type: 'object', properties: {} }, cache_control: ephemeral },
  ],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Read a.ts' }, { type: 'text', text: 'and b.ts', cache_control: ephemeral }] },
    { role: 'assistant', content: [{ type: 'text', text: 'Reading.' }, { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a.ts' }, cache_control: ephemeral }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'export {}', cache_control: ephemeral }, { type: 'text', text: 'Now b.ts' }] },
  ],
};

test('cache_control: kept in LiteLLM\'s places, and the body marked as carrying it', () => {
  const body = translate(cached);
  assert.equal(carriesCacheControl(body), true);
  assert.deepEqual(body.messages, [
    { role: 'system', content: [{ type: 'text', text: 'You are a coding agent.' }, { type: 'text', text: 'Project rules.', cache_control: ephemeral }] },
    { role: 'user', content: [{ type: 'text', text: 'Read a.ts' }, { type: 'text', text: 'and b.ts', cache_control: ephemeral }] },
    { role: 'assistant', content: 'Reading.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'read', arguments: '{"path":"a.ts"}' } }], cache_control: ephemeral },
    { role: 'tool', tool_call_id: 'toolu_1', content: 'export {}', cache_control: ephemeral },
    { role: 'user', content: 'Now b.ts' },
  ]);
  assert.deepEqual((body.tools as Array<Record<string, unknown>>).map((t) => t.cache_control), [undefined, ephemeral]);
  assert.equal(carriesCacheControl(translate({ messages: [{ role: 'user', content: 'Hi' }] })), false);
});

test('cache_control: the anthropic/ provider puts every breakpoint back where the client had it', () => {
  const { body } = toAnthropicRequest(translate(cached), { model: 'claude-sonnet-4-5', stream: false, defaultMaxTokens: 1 });
  assert.deepEqual(body.system, cached.system);
  assert.deepEqual(body.messages, cached.messages);
  assert.deepEqual(body.tools, cached.tools);
});

test('cache_control: a breakpoint in a text part, a tool_result\'s content or the top level', () => {
  const body = translate({
    cache_control: ephemeral,
    messages: [
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: [{ type: 'text', text: 'Calling.', cache_control: ephemeral }, { type: 'tool_use', id: 'toolu_1', name: 'read', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: ephemeral }] }] },
    ],
  });
  assert.deepEqual(body.messages, [
    { role: 'user', content: 'Go' },
    { role: 'assistant', content: [{ type: 'text', text: 'Calling.', cache_control: ephemeral }], tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'read', arguments: '{}' } }] },
    // The inner breakpoint marks the tool message; the top-level one lands on the last message too.
    { role: 'tool', tool_call_id: 'toolu_1', content: 'a\nb', cache_control: ephemeral },
  ]);
});

test('cache_control: stripped for other providers, the body is what the ingress sends without markers', () => {
  const withoutMarkers = JSON.parse(JSON.stringify(cached, (key, value) => (key === 'cache_control' ? undefined : value)));
  const plain = translate(withoutMarkers);
  assert.equal(carriesCacheControl(plain), false);
  assert.deepEqual(stripCacheControl(translate(cached)), plain);
});

test('thinking, effort and context management never refuse: Claude gets them, other providers never see them', () => {
  // What Claude Code sends on every request.
  const body = translate({
    messages: [{ role: 'user', content: 'x' }],
    thinking: { type: 'adaptive' },
    output_config: { effort: 'high' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  });
  assert.deepEqual(body[ANTHROPIC_ONLY], { thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
  const wire = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  for (const key of ['thinking', 'output_config', 'context_management', 'reasoning_effort']) assert.equal(wire[key], undefined, key);
  assert.equal(translate({ messages: [{ role: 'user', content: 'x' }], thinking: { type: 'disabled' } })[ANTHROPIC_ONLY], undefined);
  // The anthropic/ provider puts them back, through the copies the router makes.
  const sent = toAnthropicRequest({ ...body }, { model: 'claude-sonnet-4-5', stream: false, defaultMaxTokens: 1024 }).body;
  assert.deepEqual(sent.thinking, { type: 'adaptive' });
  assert.deepEqual(sent.output_config, { effort: 'high' });
});
