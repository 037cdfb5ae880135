import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, request } from 'undici';
import { runCli, startGateway } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream } from '../mock-providers/openai-compatible.js';

// Secure default bind, and SIGTERM draining in-flight streams.

test('a non-loopback --host without a master key is refused, naming both ways out', async () => {
  const run = await runCli(['--host', '0.0.0.0', '--port', '0']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error\[host_exposed_without_key\]/);
  assert.match(run.stderr, /master_key/);
  assert.match(run.stderr, /--allow_no_auth/);
});

test('with a master key, or with --allow_no_auth (and a warning), it listens on every interface', async () => {
  const keyed = await startGateway({ args: ['--host', '0.0.0.0'], env: { LITELLM_MASTER_KEY: 'sk-master-bind-test-0001' } });
  await keyed.stop();
  const open = await startGateway({ args: ['--host', '0.0.0.0', '--allow_no_auth'] });
  try {
    assert.match(await open.waitForStderr(/host_exposed_without_key/), /warning\[host_exposed_without_key\]/);
  } finally {
    await open.stop();
  }
});

test('SIGTERM: new connections are refused, the in-flight stream finishes with [DONE], then the process exits 0', async () => {
  const groq = await startMockUpstream({ flavor: 'groq', chunkDelayMs: 150 });
  const gateway = await startGateway({
    env: { GROQ_API_KEY: MOCK_KEYS.groq },
    config: `model_list:\n  - model_name: slow\n    litellm_params: { model: groq/llama-3.3-70b-versatile, api_base: "${groq.baseUrl}" }\n`,
  });
  try {
    const client = new Client(gateway.url);
    const streamed = client.request({
      method: 'POST', path: '/v1/chat/completions',
      body: JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'a reply long enough to take a while' }], stream: true }),
    }).then((r) => r.body.text());
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((resolve) => gateway.proc.once('exit', resolve));
    gateway.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    // New connections are no longer accepted while the stream drains.
    await assert.rejects(request(`${gateway.url}/health/liveliness`), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
    const body = streamed;
    const text = await body;
    assert.match(text, /data: \[DONE\]/, 'the in-flight stream completed');
    await client.close().catch(() => undefined);
    assert.equal(await exited, 0);
  } finally {
    await gateway.stop();
    await groq.close();
  }
});
