import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// OpenAI, OpenRouter and Ollama through the same OpenAI-compatible adapter,
// each normalised to OpenAI's shapes.
let openai: MockUpstream;
let openrouter: MockUpstream;
let ollama: MockUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

before(async () => {
  [openai, openrouter, ollama] = await Promise.all([
    startMockUpstream({ flavor: 'openai' }),
    startMockUpstream({ flavor: 'openrouter' }),
    startMockUpstream({ flavor: 'ollama' }),
  ]);
  // Ollama's api_base is given the way LiteLLM configs give it: the server root, without /v1.
  const ollamaRoot = ollama.baseUrl.replace(/\/v1$/, '');
  gateway = await startGateway({
    config: `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${openai.baseUrl}" }
  - model_name: free
    litellm_params: { model: openrouter/openai/gpt-oss-20b:free, api_base: "${openrouter.baseUrl}" }
  - model_name: local
    litellm_params: { model: ollama/llama3.2, api_base: "${ollamaRoot}" }
router_settings: { num_retries: 0, disable_cooldowns: true }
`,
    env: { OPENAI_API_KEY: MOCK_KEYS.openai, OPENROUTER_API_KEY: MOCK_KEYS.openrouter },
  });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'x', maxRetries: 0 });
});
after(async () => {
  await gateway.stop();
  await Promise.all([openai.close(), openrouter.close(), ollama.close()]);
});

for (const alias of ['gpt', 'free', 'local']) {
  test(`${alias}: JSON and streaming answers in OpenAI's shape`, async () => {
    const completion = await client.chat.completions.create({ model: alias, messages: [{ role: 'user', content: 'ping' }] });
    assert.match(completion.choices[0]!.message.content ?? '', /ping/);
    assert.equal(completion.choices[0]!.message.refusal, null);
    assert.equal(completion.choices[0]!.logprobs, null);

    const stream = await client.chat.completions.create({
      model: alias, messages: [{ role: 'user', content: 'stream ping' }], stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    assert.match(text, /stream ping/);
    assert.ok(usage && usage.total_tokens > 0, `${alias} reported usage`);
  });
}

test("OpenRouter's numeric error codes and wrapped provider errors are classified", async () => {
  openrouter.fail('insufficient_quota');
  await assert.rejects(client.chat.completions.create({ model: 'free', messages: [{ role: 'user', content: 'x' }] }), (err: any) => err.code === 'insufficient_quota');
  openrouter.fail('request_too_large');
  await assert.rejects(client.chat.completions.create({ model: 'free', messages: [{ role: 'user', content: 'x' }] }), (err: any) => err.code === 'request_too_large' && err.status === 413);
});

test("OpenRouter's in-stream error (HTTP 200) reaches the client as an error, not a silent end", async () => {
  // Whether the error arrives before the first event (a 502) or after it (an error event), the SDK raises.
  await assert.rejects(async () => {
    const stream = await client.chat.completions.create({ model: 'free', messages: [{ role: 'user', content: 'x [[mock:stream_error]]' }], stream: true });
    for await (const _ of stream) { /* drain */ }
  }, (err: any) => err instanceof OpenAI.APIError && err.code === 'upstream_stream_interrupted');
});

test('Ollama needs no key, and its api_base root gets /v1', async () => {
  const last = ollama.requests.at(-1)!;
  assert.equal(last.path, '/v1/chat/completions');
  assert.equal(last.headers.authorization, undefined);
});
