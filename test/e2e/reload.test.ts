import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startGateway } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream } from '../mock-providers/openai-compatible.js';

// SIGHUP reloads the config without dropping in-flight requests; an invalid
// new config is refused with its catalog error and the old one keeps serving.

const chat = (url: string, model: string, stream = false) =>
  request(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model, messages: [{ role: 'user', content: 'a reply that takes a while' }], stream }) });

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('SIGHUP: a new alias appears, a stream in flight completes, a broken config is refused', async () => {
  const groq = await startMockUpstream({ flavor: 'groq', chunkDelayMs: 100 });
  const file = join(mkdtempSync(join(tmpdir(), 'switchyard-reload-')), 'proxy_server_config.yaml');
  const entry = (alias: string) => `  - model_name: ${alias}\n    litellm_params: { model: groq/llama-3.3-70b-versatile, api_base: "${groq.baseUrl}" }\n`;
  writeFileSync(file, `model_list:\n${entry('first')}`);
  const gateway = await startGateway({ args: ['--config', file], env: { GROQ_API_KEY: MOCK_KEYS.groq } });
  try {
    assert.equal((await (await chat(gateway.url, 'second')).body.json() as any).error.code, 'model_not_found');

    const inFlight = chat(gateway.url, 'first', true).then((r) => r.body.text());
    await new Promise((r) => setTimeout(r, 150));
    writeFileSync(file, `model_list:\n${entry('first')}${entry('second')}`);
    gateway.proc.kill('SIGHUP');
    await waitFor(async () => (await chat(gateway.url, 'second')).statusCode === 200, 'the new alias');
    assert.match(await inFlight, /data: \[DONE\]/, 'the stream that began before the reload finished');

    writeFileSync(file, 'model_list:\n  - model_name: broken\n    litellm_params: {model: groq/x\n');
    gateway.proc.kill('SIGHUP');
    await gateway.waitForStderr(/config_invalid_yaml/);
    assert.match(gateway.stderr(), /warning\[config_invalid_yaml\]: config not reloaded/);
    assert.equal((await chat(gateway.url, 'second')).statusCode, 200, 'the previous config still serves');
    assert.equal(gateway.proc.exitCode, null);
  } finally {
    await gateway.stop();
    await groq.close();
  }
});
