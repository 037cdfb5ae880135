import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startGateway } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream } from '../mock-providers/openai-compatible.js';

// --watch_config: edits of the config file are picked up without a signal,
// under load: the stream in flight finishes, no request fails, a new alias
// appears; a broken edit is reported with its catalog error and the running
// config keeps serving until the file is fixed.

test('--watch_config: reload on change under load; a broken edit keeps the old config', async () => {
  const groq = await startMockUpstream({ flavor: 'groq', chunkDelayMs: 80 });
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-watch-'));
  const file = join(dir, 'proxy_server_config.yaml');
  // The 8B model: its daily request budget (14,400 in the mock, as at Groq) outlasts the load loop; the 70B one (1,000) does not on a fast run.
  const entry = (alias: string) => `  - model_name: ${alias}\n    litellm_params: { model: groq/llama-3.1-8b-instant, api_base: "${groq.baseUrl}" }\n`;
  writeFileSync(file, `model_list:\n${entry('first')}`);
  const gateway = await startGateway({ args: ['--config', file, '--watch_config'], env: { GROQ_API_KEY: MOCK_KEYS.groq } });
  const dispatcher = new Agent({ connections: 16 });
  const chat = async (model: string, stream = false) => {
    const res = await request(`${gateway.url}/v1/chat/completions`, { dispatcher, method: 'POST', body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'a reply that takes a little while' }] }) });
    return { status: res.statusCode, text: await res.body.text() };
  };
  // Load: 8 clients asking for the alias that every version of the file keeps.
  let loading = true;
  const failures: string[] = [];
  let served = 0;
  const load = Promise.all(Array.from({ length: 8 }, async () => {
    while (loading) {
      const answer = await chat('first');
      if (answer.status === 200) served++;
      else failures.push(`${answer.status} ${answer.text.slice(0, 200)}`);
    }
  }));
  const waitFor = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 5000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${gateway.stderr().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    assert.equal(JSON.parse((await chat('second')).text).error.code, 'model_not_found');
    const inFlight = chat('first', true);
    await new Promise((r) => setTimeout(r, 100));

    // Saved in place, as an editor without atomic saves does.
    writeFileSync(file, `model_list:\n${entry('first')}${entry('second')}`);
    await waitFor(async () => (await chat('second')).status === 200, 'the new alias');
    const streamed = await inFlight;
    assert.equal(streamed.status, 200);
    assert.match(streamed.text, /data: \[DONE\]/, 'the stream that began before the reload finished');

    // A broken save: reported, the old config (with "second") keeps serving.
    writeFileSync(file, 'model_list:\n  - model_name: broken\n    litellm_params: {model: groq/x\n');
    await gateway.waitForStderr(/config_invalid_yaml/);
    assert.match(gateway.stderr(), /warning\[config_invalid_yaml\]: config not reloaded/);
    assert.equal((await chat('second')).status, 200, 'the previous config still serves');

    // Fixed by an atomic save (write a temporary file, rename it over): also seen.
    writeFileSync(join(dir, 'next.yaml'), `model_list:\n${entry('first')}${entry('third')}`);
    renameSync(join(dir, 'next.yaml'), file);
    await waitFor(async () => (await chat('third')).status === 200, 'the alias of the atomic save');
    assert.equal(JSON.parse((await chat('second')).text).error.code, 'model_not_found', 'the removed alias is gone');
  } finally {
    loading = false;
    await load;
    await dispatcher.close();
    await gateway.stop();
    await groq.close();
  }
  assert.deepEqual(failures, [], 'no request failed during the reloads');
  assert.ok(served > 10, `served ${served} under load`);
  assert.ok((gateway.stderr().match(/"msg":"config reloaded"/g) ?? []).length >= 2);
});
