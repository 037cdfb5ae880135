import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli, startGateway } from '../helpers/gateway-process.js';

// Start-up failures (missing config, bad YAML, bad values, ports, Redis) are in startup-failures.test.ts.

const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };

test('--version and --help', async () => {
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), pkg.version);
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  for (const flag of ['--config', '--port', '--host', '--debug', '--detailed_debug']) assert.ok(help.stdout.includes(flag), flag);
});

test('an unknown key is a warning with its line and the nearest known key; the gateway still starts', async () => {
  const gateway = await startGateway({ config: 'model_list:\n  - model_name: demo\n    litellm_parms:\n      model: mock/x\n    litellm_params:\n      model: mock/x\n' });
  try {
    assert.match(await gateway.waitForStderr(/unknown_key/), /warning\[unknown_key\].*:3:\d+.*litellm_params/);
  } finally {
    await gateway.stop();
  }
});

test('without --config the built-in demo config serves the demo alias', async () => {
  const gateway = await startGateway();
  try {
    assert.match(gateway.stdout(), /built-in default/);
    const res = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200);
  } finally {
    assert.equal(await gateway.stop(), 0);
  }
});

test('--detailed_debug and LITELLM_LOG=DEBUG log one line per request, never a key', async () => {
  const { MOCK_KEYS, startMockUpstream } = await import('../mock-providers/openai-compatible.js');
  const groq = await startMockUpstream({ flavor: 'groq' });
  const MASTER = 'sk-master-should-never-be-logged-0042';
  const config = `
model_list:
  - model_name: groq-70b
    litellm_params: { model: groq/llama-3.3-70b-versatile, api_base: "${groq.baseUrl}" }
general_settings: { master_key: "${MASTER}" }
`;
  const starts: Array<{ args: string[]; env: Record<string, string> }> = [{ args: ['--detailed_debug'], env: {} }, { args: [], env: { LITELLM_LOG: 'DEBUG' } }];
  for (const start of starts) {
    const gateway = await startGateway({ config, args: start.args, env: { GROQ_API_KEY: MOCK_KEYS.groq, ...start.env } });
    try {
      for (const key of [MASTER, 'wrong-key']) {
        await fetch(`${gateway.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}` },
          body: JSON.stringify({ model: 'groq-70b', messages: [{ role: 'user', content: 'hi' }], stream: true }),
        }).then((r) => r.text());
      }
      const log = await gateway.waitForStderr(/"status":401/);
      const lines = log.split('\n').filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l));
      assert.equal(lines.length, 2, log);
      assert.equal(lines[0].alias, 'groq-70b');
      assert.equal(lines[0].deployment, 'groq-70b#0');
      assert.equal(lines[1].error_code, 'invalid_api_key');
      for (const secret of [MASTER, MOCK_KEYS.groq]) assert.ok(!(gateway.stdout() + log).includes(secret), 'no secret in output');
    } finally {
      await gateway.stop();
    }
  }
  await groq.close();
});

test('by default, one JSON line per chat request at info: alias, deployment, status, tokens, latency — no provider details, no key', async () => {
  const gateway = await startGateway({ config: 'model_list:\n  - model_name: demo\n    litellm_params: { model: mock/demo }\n' });
  try {
    await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }) });
    await fetch(`${gateway.url}/health/liveliness`);
    const log = await gateway.waitForStderr(/"msg":"request"/);
    const lines = log.split('\n').filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l));
    assert.equal(lines.length, 1, 'health checks are not logged at info');
    assert.equal(lines[0].level, 'info');
    assert.equal(lines[0].alias, 'demo');
    assert.equal(lines[0].deployment, 'demo#0');
    assert.equal(lines[0].status, 200);
    assert.ok(lines[0].tokens > 0);
    assert.ok(typeof lines[0].ms === 'number');
    assert.equal(lines[0].provider, undefined);
  } finally {
    await gateway.stop();
  }
});
