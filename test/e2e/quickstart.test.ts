import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import OpenAI from 'openai';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';

// The README's first command: the quickstart config, no key, no network.
const QUICKSTART = resolve(import.meta.dirname, '../../examples/quickstart.yaml');
let gateway: GatewayProcess;
let client: OpenAI;

before(async () => {
  gateway = await startGateway({ args: ['--config', QUICKSTART] });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'unused', maxRetries: 0 });
});
after(() => gateway.stop());

test('the banner names the address and the aliases, and warns about the unset key', async () => {
  assert.match(gateway.stdout(), /listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.match(gateway.stdout(), /demo\s+→ mock\/switchyard-demo/);
  assert.match(gateway.stdout(), /groq-70b\s+→ groq\/llama-3\.3-70b-versatile/);
  assert.match(await gateway.waitForStderr(/env_var_not_set/), /warning\[env_var_not_set\][\s\S]*quickstart\.yaml:\d+/);
});

test('the demo alias answers through the OpenAI SDK', async () => {
  const completion = await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'Hello there' }] });
  assert.equal(completion.object, 'chat.completion');
  assert.match(completion.choices[0]!.message.content ?? '', /Hello there/);
  assert.equal(completion.choices[0]!.finish_reason, 'stop');
  assert.ok(completion.usage!.total_tokens > 0);
});

test('the demo alias streams, with a usage chunk when asked', async () => {
  const stream = await client.chat.completions.create({
    model: 'demo',
    messages: [{ role: 'user', content: 'stream please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.match(text, /stream please/);
  assert.ok(usage && usage.total_tokens > 0);
});

test('/v1/models lists both aliases', async () => {
  const ids: string[] = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.deepEqual(ids.sort(), ['demo', 'groq-70b']);
});

test('groq-70b without GROQ_API_KEY answers with env_var_not_set, not retryable', async () => {
  const res = await fetch(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'groq-70b', messages: [{ role: 'user', content: 'Hello' }] }),
  });
  const body = (await res.json()) as { error: { code: string; env_var: string; message: string } };
  assert.equal(body.error.code, 'env_var_not_set');
  assert.equal(body.error.env_var, 'GROQ_API_KEY');
  assert.equal(res.headers.get('x-should-retry'), 'false');
});
