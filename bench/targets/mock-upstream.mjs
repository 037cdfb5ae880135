#!/usr/bin/env node
// The mock upstream: a Groq-shaped OpenAI-compatible server that answers at
// once with bodies built at start-up, so it costs as little CPU per request as
// node:http allows and is never the bottleneck being measured.
//
//   POST /v1/chat/completions   non-stream → fixed chat.completion JSON
//                               "stream":true in the body → fixed SSE stream (20 chunks + [DONE])
//   GET  /v1/models             fixed model list
//
// Usage: node bench/targets/mock-upstream.mjs [--port N]
// Prints `listening on http://127.0.0.1:<port>` when ready; exits when stdin closes
// (its parent died) or on SIGTERM/SIGINT. Binds 127.0.0.1 only.
import { createServer } from 'node:http';
import { argPort, exitWithParent } from '../lib/child.mjs';

const MODEL = 'llama-3.3-70b-versatile';
const CREATED = 1732540000;
const ID = 'chatcmpl-bench0000000000000000000000';
const FINGERPRINT = 'fp_c0ffee0000';
const USAGE = {
  queue_time: 0.017, prompt_tokens: 40, prompt_time: 0.0021, completion_tokens: 18,
  completion_time: 0.0475, total_tokens: 58, total_time: 0.0496,
};

const completion = Buffer.from(JSON.stringify({
  id: ID,
  object: 'chat.completion',
  created: CREATED,
  model: MODEL,
  choices: [{
    index: 0,
    message: { role: 'assistant', content: 'Hello! I am a fixed answer from the benchmark mock upstream.' },
    logprobs: null,
    finish_reason: 'stop',
  }],
  usage: USAGE,
  usage_breakdown: null,
  system_fingerprint: FINGERPRINT,
  x_groq: { id: 'req_bench0000000000000000000' },
  service_tier: 'on_demand',
}));

// Groq's stream: a role chunk, content chunks, a finish chunk carrying
// x_groq.usage, then [DONE]; 20 chunks in all, written in one go.
const WORDS = ['Hello', '!', ' I', ' am', ' a', ' fixed', ' streamed', ' answer', ' from', ' the', ' benchmark', ' mock', ' upstream', ',', ' chunk', ' by', ' chunk', '.'];
const chunk = (delta, finish, extra) => JSON.stringify({
  id: ID, object: 'chat.completion.chunk', created: CREATED, model: MODEL, system_fingerprint: FINGERPRINT,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...extra,
});
const events = [
  chunk({ role: 'assistant', content: '' }, null, { x_groq: { id: 'req_bench0000000000000000000' } }),
  ...WORDS.map((w) => chunk({ content: w }, null)),
  chunk({}, 'stop', { x_groq: { id: 'req_bench0000000000000000000', usage: USAGE } }),
];
const sse = Buffer.from(events.map((e) => `data: ${e}\n\n`).join('') + 'data: [DONE]\n\n');

const models = Buffer.from(JSON.stringify({
  object: 'list',
  data: [{ id: MODEL, object: 'model', created: CREATED, owned_by: 'Meta', active: true, context_window: 131072 }],
}));

// Groq sends rate-limit headers on every answer; the gateway reads them.
const COMMON = {
  'x-ratelimit-limit-requests': '1000000',
  'x-ratelimit-remaining-requests': '999999',
  'x-ratelimit-reset-requests': '1s',
  'x-ratelimit-remaining-tokens': '999999',
  'x-ratelimit-reset-tokens': '1s',
};
const JSON_HEADERS = { ...COMMON, 'content-type': 'application/json', 'content-length': String(completion.length) };
const SSE_HEADERS = { ...COMMON, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'content-length': String(sse.length) };
const MODELS_HEADERS = { 'content-type': 'application/json', 'content-length': String(models.length) };
const STREAM_MARK = Buffer.from('"stream":true');

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.method === 'POST' && req.url === '/v1/chat/completions') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      if (body.indexOf(STREAM_MARK) === -1) {
        res.writeHead(200, JSON_HEADERS);
        res.end(completion);
      } else {
        res.writeHead(200, SSE_HEADERS);
        res.end(sse);
      }
    });
    return;
  }
  if (req.method === 'GET' && req.url === '/v1/models') {
    res.writeHead(200, MODELS_HEADERS);
    res.end(models);
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
});

server.listen(argPort(), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
exitWithParent(() => server.close());
