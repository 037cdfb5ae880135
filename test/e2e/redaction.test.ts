import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groqEntry } from '../helpers/config.js';
import { startGateway } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

// The most verbose logging over every route, with keys everywhere a key can
// be (provider keys in the environment, the master key, wrong keys sent by
// clients, a provider that rejects its key): no line on stdout, stderr or in
// the log file contains any of them, nor any Bearer value.

const MASTER = 'sk-redaction-master-4bd1c2e9a7f0';
const WRONG_BEARER = 'sk-client-wrong-key-9f8e7d6c5b4a';
const WRONG_X_API_KEY = 'sk-ant-client-wrong-1a2b3c4d5e6f';
const REVOKED_PROVIDER_KEY = 'gsk_revoked_provider_key_0a1b2c3d4e5f6a7b';

async function debugRun(level: { args: string[]; env: Record<string, string> }, groq: MockUpstream): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), 'switchyard-redaction-'));
  const gateway = await startGateway({
    config: `model_list:\n${groqEntry('groq-70b', groq)}${groqEntry('revoked', groq, { api_key: 'os.environ/GROQ_REVOKED_KEY' })}general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n`,
    args: ['--log_dir', logDir, ...level.args],
    env: { GROQ_API_KEY: MOCK_KEYS.groq, GROQ_REVOKED_KEY: REVOKED_PROVIDER_KEY, LITELLM_MASTER_KEY: MASTER, ...level.env },
  });
  const bearer = { authorization: `Bearer ${MASTER}` };
  const xApiKey = { 'x-api-key': MASTER };
  const chatBody = (model: string, stream = false) => JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Hello' }] });
  const statuses: Record<string, number> = {};
  const call = async (name: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(gateway.url + path, init);
    await res.text();
    statuses[name] = res.status;
  };
  try {
    await call('chat', '/v1/chat/completions', { method: 'POST', headers: bearer, body: chatBody('groq-70b') });
    await call('chat (x-api-key)', '/v1/chat/completions', { method: 'POST', headers: xApiKey, body: chatBody('groq-70b') });
    await call('stream', '/v1/chat/completions', { method: 'POST', headers: bearer, body: chatBody('groq-70b', true) });
    await call('models', '/v1/models', { headers: bearer });
    await call('model by id', '/v1/models/groq-70b', { headers: xApiKey });
    await call('health', '/health', { headers: bearer });
    await call('readiness', '/health/readiness', { headers: bearer });
    await call('liveness', '/health/liveliness', { headers: bearer });
    await call('metrics', '/metrics', { headers: bearer });
    await call('unknown route', '/v1/nope', { headers: bearer });
    await call('bad bearer', '/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${WRONG_BEARER}` }, body: chatBody('groq-70b') });
    await call('bad x-api-key', '/v1/models', { headers: { 'x-api-key': WRONG_X_API_KEY } });
    await call('upstream 401', '/v1/chat/completions', { method: 'POST', headers: bearer, body: chatBody('revoked') });
    // Headers too large, carrying the key: the parser refuses it before any handler.
    await new Promise<void>((resolve) => {
      const socket = connect(gateway.port, '127.0.0.1', () => socket.end(`GET /v1/models HTTP/1.1\r\nAuthorization: Bearer ${MASTER}\r\nx-pad: ${'p'.repeat(20_000)}\r\n\r\n`));
      socket.on('data', () => undefined).on('close', () => resolve()).on('error', () => resolve());
    });
  } finally {
    await gateway.stop();
  }
  assert.deepEqual(statuses, {
    chat: 200, 'chat (x-api-key)': 200, stream: 200, models: 200, 'model by id': 200, health: 200, readiness: 200, liveness: 200,
    metrics: 200, 'unknown route': 404, 'bad bearer': 401, 'bad x-api-key': 401, 'upstream 401': 502,
  });

  const files = readdirSync(logDir).map((name) => readFileSync(join(logDir, name), 'utf8'));
  const lines = [gateway.stdout(), gateway.stderr(), ...files].join('\n').split('\n');
  // The run really was verbose: a line per route, upstream detail, the upstream rejection.
  assert.ok(lines.filter((l) => l.includes('"msg":"request"')).length >= 26, 'every request logged to stderr and the file');
  assert.ok(lines.some((l) => l.includes('"provider":"groq"')), 'debug detail present');
  assert.ok(lines.some((l) => l.includes('upstream_authentication_error')), 'the upstream 401 is logged');
  assert.ok(lines.some((l) => l.includes('"path":"/metrics"')), 'non-chat routes logged');

  for (const secret of [MASTER, MOCK_KEYS.groq, REVOKED_PROVIDER_KEY, WRONG_BEARER, WRONG_X_API_KEY]) {
    const leaks = lines.filter((l) => l.includes(secret));
    assert.deepEqual(leaks, [], `a key leaked: ${secret.slice(0, 8)}…`);
  }
  assert.deepEqual(lines.filter((l) => /bearer\s+\S/i.test(l)), [], 'a Bearer value leaked');
}

test('--detailed_debug: no key, master key or Bearer value in any log line of any route', async () => {
  const groq = await startMockUpstream({ flavor: 'groq' });
  try {
    await debugRun({ args: ['--detailed_debug'], env: {} }, groq);
  } finally {
    await groq.close();
  }
});

test('LITELLM_LOG=DEBUG: the same', async () => {
  const groq = await startMockUpstream({ flavor: 'groq' });
  try {
    await debugRun({ args: [], env: { LITELLM_LOG: 'DEBUG' } }, groq);
  } finally {
    await groq.close();
  }
});
