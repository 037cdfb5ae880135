import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'undici';
import { groqEntry } from '../helpers/config.js';
import { startGateway } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream } from '../mock-providers/openai-compatible.js';

// The provider's rate-limit headers reach the client (plain, as OpenAI names
// them, and every provider header as `llm_provider-<name>`, as LiteLLM does);
// the headroom they report is a gauge per deployment; and under --num_workers
// /metrics adds up every worker, whichever one answers the scrape.

const chat = (url: string, model: string, stream = false) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Hello there' }] }) });

function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('provider headers on chat answers and streams; headroom gauge per deployment', async () => {
  const groq = await startMockUpstream({ flavor: 'groq' });
  const gateway = await startGateway({ config: `model_list:\n${groqEntry('groq-70b', groq)}`, env: { GROQ_API_KEY: MOCK_KEYS.groq } });
  try {
    let last: Response | undefined;
    for (const stream of [false, true]) {
      const res = await chat(gateway.url, 'groq-70b', stream);
      assert.equal(res.status, 200);
      await res.text();
      for (const name of ['x-ratelimit-remaining-requests', 'x-ratelimit-remaining-tokens', 'x-ratelimit-limit-requests', 'x-ratelimit-limit-tokens', 'x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
        assert.match(res.headers.get(name) ?? '', /\S/, `${name} (stream: ${stream})`);
        assert.equal(res.headers.get(`llm_provider-${name}`), res.headers.get(name));
      }
      // The provider's own request id, for its support; the gateway's stays the gateway's.
      assert.match(res.headers.get('llm_provider-x-request-id') ?? '', /^req_/);
      assert.notEqual(res.headers.get('x-request-id'), res.headers.get('llm_provider-x-request-id'));
      // Another hop's framing and cookies are not passed.
      for (const name of ['llm_provider-content-length', 'llm_provider-transfer-encoding', 'llm_provider-connection', 'llm_provider-set-cookie', 'llm_provider-content-type']) {
        assert.equal(res.headers.get(name), null, name);
      }
      assert.equal(res.headers.get('x-litellm-model-id'), 'groq-70b#0');
      last = res;
    }
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.equal(sample(metrics, 'switchyard_provider_ratelimit_remaining', 'deployment="groq-70b#0",kind="tokens"'), Number(last!.headers.get('x-ratelimit-remaining-tokens')));
    assert.equal(sample(metrics, 'switchyard_provider_ratelimit_remaining', 'deployment="groq-70b#0",kind="requests"'), Number(last!.headers.get('x-ratelimit-remaining-requests')));
  } finally {
    await gateway.stop();
    await groq.close();
  }
});

test('--num_workers 2 without Redis: /metrics counts every worker\'s requests, whichever worker answers', async () => {
  const gateway = await startGateway({ config: 'model_list:\n  - model_name: demo\n    litellm_params: { model: mock/demo }\n', args: ['--num_workers', '2'] });
  try {
    assert.match(await gateway.waitForStderr(/state_per_worker/), /warning\[state_per_worker\]/);
    const workers = new Map<string, number>();
    let sent = 0;
    while (sent < 200 && (workers.size < 2 || sent < 40)) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => chat(gateway.url, 'demo')));
      for (const res of answers) {
        assert.equal(res.status, 200);
        await res.text();
        const worker = res.headers.get('x-switchyard-worker')!;
        workers.set(worker, (workers.get(worker) ?? 0) + 1);
        sent++;
      }
    }
    assert.equal(workers.size, 2, 'both workers served');
    const scrapedBy = new Set<string>();
    for (let i = 0; i < 20 && scrapedBy.size < 2; i++) {
      // A new connection each time: the kernel spreads them over the workers.
      const client = new Client(gateway.url);
      const res = await client.request({ method: 'GET', path: '/metrics' });
      assert.equal(res.statusCode, 200);
      const worker = String(res.headers['x-switchyard-worker']);
      scrapedBy.add(worker);
      const text = await res.body.text();
      await client.close();
      assert.equal(sample(text, 'switchyard_requests_total', 'alias="demo",status="200",code=""'), sent, `scraped from worker ${worker}`);
      assert.equal(sample(text, 'switchyard_request_duration_seconds_count', 'alias="demo",stream="false"'), sent);
      assert.ok(!text.includes('metrics are missing'));
    }
    assert.equal(scrapedBy.size, 2, 'both workers answered a scrape with the same total');
  } finally {
    assert.equal(await gateway.stop(), 0);
  }
});
