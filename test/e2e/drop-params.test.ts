import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { groqEntry } from '../helpers/config.js';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// litellm_settings.drop_params: true — parameters Groq refuses are dropped, the call succeeds.
let groq: MockUpstream;
let gateway: GatewayProcess;

before(async () => {
  groq = await startMockUpstream({ flavor: 'groq' });
  gateway = await startGateway({
    config: `
model_list:
${groqEntry('groq-70b', groq)}litellm_settings:
  drop_params: true
`,
    env: { GROQ_API_KEY: MOCK_KEYS.groq },
  });
});
after(async () => {
  await gateway.stop();
  await groq.close();
});

test('logprobs, n and messages[].name are dropped before the call', async () => {
  const res = await fetch(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'groq-70b', messages: [{ role: 'user', content: 'hi', name: 'alice' }], logprobs: true, n: 2, temperature: 0.3 }),
  });
  assert.equal(res.status, 200);
  const sent = groq.requests.at(-1)!.body;
  assert.equal(sent.logprobs, undefined);
  assert.equal(sent.n, undefined);
  assert.equal(sent.messages[0].name, undefined);
  assert.equal(sent.temperature, 0.3);
});
