// The adapter against a local HTTP server answering with recorded Anthropic
// payloads: what goes on the wire (path, headers, body) and what comes back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../../errors/gateway-error.js';
import { paramPolicy } from '../param-policy.js';
import type { ChatCall } from '../types.js';
import { closeAllPools } from '../upstream-pool.js';
import { AnthropicAdapter, anthropicEndpoints } from './adapter.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, any> | undefined;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;

before(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await closeAllPools();
  await new Promise((resolve) => server.close(resolve));
});

const KEY = 'sk-ant-api03-test-key';

function adapter(dropParams = false, apiBase = base) {
  return new AnthropicAdapter({
    apiBase,
    apiKey: KEY,
    extraHeaders: { 'anthropic-beta': 'prompt-caching-2024-07-31' },
    timeout: 10,
    streamTimeout: 10,
    prepareBody: paramPolicy('anthropic', dropParams),
    maxOutputTokens: undefined,
    context: { alias: 'claude', deploymentId: 'claude#0', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5-20250929', host: new URL(base).host, apiKey: { value: KEY, source: { kind: 'env', name: 'ANTHROPIC_API_KEY' } } },
  });
}

function call(body: Record<string, unknown>, stream = false, includeUsage = false): ChatCall {
  return {
    body: { model: 'claude', messages: [{ role: 'user', content: 'Hello' }], ...body },
    upstreamModel: 'claude-sonnet-4-5-20250929',
    stream,
    includeUsage,
    signal: new AbortController().signal,
    requestId: 'req-test',
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy', ...headers });
  res.end(JSON.stringify(body));
};

const MESSAGE = {
  id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hi! How can I help?' }], stop_reason: 'end_turn', stop_sequence: null,
  usage: { input_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 12, service_tier: 'standard' },
};

test('api_base as root, /v1 or /v1/messages all reach /v1/messages; a path prefix is kept', () => {
  for (const apiBase of ['https://api.anthropic.com', 'https://api.anthropic.com/', 'https://api.anthropic.com/v1', 'https://api.anthropic.com/v1/messages']) {
    assert.equal(anthropicEndpoints(apiBase).messages.href, 'https://api.anthropic.com/v1/messages', apiBase);
  }
  assert.equal(anthropicEndpoints('https://proxy.example.com/anthropic/v1').models.href, 'https://proxy.example.com/anthropic/v1/models');
});

test('complete: the Anthropic request on the wire, the OpenAI completion back', async () => {
  seen.length = 0;
  answer = json(200, MESSAGE);
  const completion = await adapter(true, `${base}/v1`).complete(call({ temperature: 1.4, seed: 7, messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hello' }] }));
  const request = seen[0]!;
  assert.equal(request.method, 'POST');
  assert.equal(request.url, '/v1/messages');
  assert.equal(request.headers['x-api-key'], KEY);
  assert.equal(request.headers['anthropic-version'], '2023-06-01');
  assert.equal(request.headers['anthropic-beta'], 'prompt-caching-2024-07-31');
  assert.equal(request.headers.authorization, undefined);
  assert.deepEqual(request.body, {
    model: 'claude-sonnet-4-5-20250929', max_tokens: 21_333, system: 'Be kind.',
    messages: [{ role: 'user', content: 'Hello' }], temperature: 1,
  });
  const choice = (completion.body.choices as Array<{ message: { content: string }; finish_reason: string }>)[0]!;
  assert.equal(choice.message.content, 'Hi! How can I help?');
  assert.equal(choice.finish_reason, 'stop');
  assert.equal((completion.body.usage as { total_tokens: number }).total_tokens, 21);
  assert.equal(completion.headers['request-id'], 'req_011CSHoEeqs5C35K2UUqR7Fy');
});

test('complete: unsupported parameters are refused before any call', async () => {
  seen.length = 0;
  await assert.rejects(adapter().complete(call({ logprobs: true })), (err: GatewayError) => err.code === 'unsupported_param' && err.param === 'logprobs');
  assert.equal(seen.length, 0);
});

test('complete: upstream failures are classified', async () => {
  answer = json(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, { 'retry-after': '3' });
  await assert.rejects(adapter().complete(call({})), (err: GatewayError) => err.code === 'upstream_overloaded' && err.details.retryAfter === 3 && err.details.upstream_request_id === 'req_011CSHoEeqs5C35K2UUqR7Fy');
  answer = json(200, { not: 'a message' });
  await assert.rejects(adapter().complete(call({})), (err: GatewayError) => err.code === 'upstream_invalid_response');
});

const sseAnswer = (text: string) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': 'req_stream' });
  // Split mid-event so the pump's parser has to join the pieces.
  const middle = Math.floor(text.length / 2);
  res.write(text.slice(0, middle));
  setTimeout(() => res.end(text.slice(middle)), 5);
};

const STREAM = `event: message_start
data: {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Héllo"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

event: message_stop
data: {"type":"message_stop"}

`;

test('openStream: Anthropic events become OpenAI chunks, with usage and [DONE]', async () => {
  seen.length = 0;
  answer = sseAnswer(STREAM);
  const stream = await adapter().openStream(call({ max_tokens: 100 }, true, true));
  assert.equal(seen[0]!.body!.stream, true);
  assert.equal(seen[0]!.body!.max_tokens, 100);
  const sent: string[] = [];
  await stream.pipe({ send: (data) => void sent.push(data) });
  assert.equal(sent.at(-1), '[DONE]');
  const chunks = sent.slice(0, -1).map((d) => JSON.parse(d));
  assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Héllo there');
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
  assert.equal(chunks.at(-1).usage.total_tokens, 40);
  assert.equal(stream.usage()?.total_tokens, 40);
});

test('openStream: the model maximum is the default when streaming', async () => {
  seen.length = 0;
  answer = sseAnswer(STREAM);
  const stream = await adapter().openStream(call({}, true));
  await stream.pipe({ send: () => undefined });
  assert.equal(seen[0]!.body!.max_tokens, 64_000);
});

test('openStream: an error event before any output rejects the open (so the router can retry)', async () => {
  answer = sseAnswer(`event: message_start
data: {"type":"message_start","message":{"id":"msg_x","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}

event: error
data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

`);
  await assert.rejects(adapter().openStream(call({}, true)), (err: GatewayError) => err.code === 'upstream_overloaded');
});

test('openStream: a stream cut before message_stop fails the pipe without [DONE]', async () => {
  answer = sseAnswer(STREAM.slice(0, STREAM.indexOf('event: message_delta')));
  const stream = await adapter().openStream(call({}, true));
  const sent: string[] = [];
  await assert.rejects(stream.pipe({ send: (data) => void sent.push(data) }), (err: GatewayError) => err.code === 'upstream_stream_interrupted');
  assert.ok(!sent.includes('[DONE]'));
});

test('checkHealth: retrieves the model; an unknown one lists what the key can use', async () => {
  seen.length = 0;
  answer = json(200, { type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' });
  await adapter().checkHealth('claude-sonnet-4-5', new AbortController().signal);
  assert.equal(seen[0]!.method, 'GET');
  assert.equal(seen[0]!.url, '/v1/models/claude-sonnet-4-5');
  assert.equal(seen[0]!.headers['x-api-key'], KEY);

  seen.length = 0;
  answer = (req, res) => {
    if (req.url!.startsWith('/v1/models/')) return json(404, { type: 'error', error: { type: 'not_found_error', message: 'model: claude-sonet-4-5' } })(req, res);
    return json(200, { data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929' }, { type: 'model', id: 'claude-haiku-4-5-20251001' }], has_more: false })(req, res);
  };
  await assert.rejects(adapter().checkHealth('claude-sonet-4-5', new AbortController().signal), (err: GatewayError) =>
    err.code === 'upstream_model_unavailable' && JSON.stringify(err.details.available_models) === '["claude-sonnet-4-5-20250929","claude-haiku-4-5-20251001"]');
  assert.equal(seen[1]!.url, '/v1/models?limit=1000');

  answer = json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  await assert.rejects(adapter().checkHealth('claude-sonnet-4-5', new AbortController().signal), (err: GatewayError) => err.code === 'upstream_authentication_error');
});
