import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { groqEntry } from '../helpers/config.js';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// master_key from .env (loaded from the working directory), health endpoints probing upstreams.
const MASTER = 'sk-switchyard-test-master-0001';
let groq: MockUpstream;
let gateway: GatewayProcess;

before(async () => {
  groq = await startMockUpstream({ flavor: 'groq' });
  const cwd = mkdtempSync(join(tmpdir(), 'switchyard-dotenv-'));
  writeFileSync(join(cwd, '.env'), `# loaded by Switchyard\nLITELLM_MASTER_KEY=${MASTER}\nGROQ_API_KEY="${MOCK_KEYS.groq}"\n`);
  gateway = await startGateway({
    cwd,
    config: `
model_list:
${groqEntry('groq-70b', groq)}  - model_name: retired
    litellm_params:
      model: groq/mixtral-8x7b-32768
      api_base: ${groq.baseUrl}
  - model_name: demo
    litellm_params:
      model: mock/demo
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`,
  });
});
after(async () => {
  await gateway.stop();
  await groq.close();
});

const chat = { model: 'demo', messages: [{ role: 'user', content: 'hi' }] };

test('with a master key, requests without it or with a wrong one get 401 invalid_api_key', async () => {
  const nearMisses = [MASTER.slice(0, -1) + (MASTER.endsWith('x') ? 'y' : 'x'), MASTER + 'x', MASTER.slice(1)];
  const attempts: Array<Record<string, string>> = [
    {}, { authorization: 'Bearer wrong' }, { 'x-api-key': 'wrong' },
    ...nearMisses.map((key) => ({ authorization: `Bearer ${key}` })),
  ];
  for (const headers of attempts) {
    const res = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', headers, body: JSON.stringify(chat) });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as any).error.code, 'invalid_api_key');
  }
  const models = await fetch(`${gateway.baseURL}/models`);
  assert.equal(models.status, 401);
});

test('Bearer (OpenAI SDK) and x-api-key (Anthropic style) are both accepted', async () => {
  const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: MASTER, maxRetries: 0 });
  const completion = await client.chat.completions.create(chat as OpenAI.ChatCompletionCreateParamsNonStreaming);
  assert.equal(completion.object, 'chat.completion');
  const res = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', headers: { 'x-api-key': MASTER }, body: JSON.stringify(chat) });
  assert.equal(res.status, 200);
});

test('liveness needs no key; readiness and /health do', async () => {
  const live = await fetch(`${gateway.url}/health/liveliness`);
  assert.equal(live.status, 200);
  assert.equal(await live.json(), "I'm alive!");
  assert.equal((await fetch(`${gateway.url}/health/readiness`)).status, 401);
  const ready = await fetch(`${gateway.url}/health/readiness`, { headers: { authorization: `Bearer ${MASTER}` } });
  assert.equal(((await ready.json()) as any).status, 'healthy');
});

test('/health checks each deployment upstream and explains the unhealthy ones', async () => {
  const res = await fetch(`${gateway.url}/health`, { headers: { authorization: `Bearer ${MASTER}` } });
  const body = (await res.json()) as any;
  assert.equal(body.healthy_count, 2);
  assert.deepEqual(body.healthy_endpoints.map((e: any) => e.model_name).sort(), ['demo', 'groq-70b']);
  assert.equal(body.unhealthy_count, 1);
  assert.equal(body.unhealthy_endpoints[0].model_name, 'retired');
  assert.equal(body.unhealthy_endpoints[0].error_code, 'upstream_model_unavailable');
  assert.ok(!JSON.stringify(body).includes(MOCK_KEYS.groq));
  // The probe used the free model list, not a paid completion.
  assert.ok(groq.requests.every((r) => r.method === 'GET' && r.path.endsWith('/models')));
});

test('a client request id is echoed; otherwise one is made', async () => {
  const mine = await fetch(`${gateway.url}/health/liveliness`, { headers: { 'x-request-id': 'trace-123' } });
  assert.equal(mine.headers.get('x-request-id'), 'trace-123');
  const made = await fetch(`${gateway.url}/health/liveliness`);
  assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});
