// `switchyard doctor` against a faithful mock Groq, and `switchyard explain`.
// Assertions match codes and statuses, not wording.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startGateway } from '../helpers/gateway-process.js';
import { MOCK_KEYS, startMockUpstream, type MockUpstream } from '../mock-providers/openai-compatible.js';

interface JsonCheck {
  id: string;
  status: 'pass' | 'fail' | 'warn' | 'skip';
  message: string;
  code?: string;
  fix?: string;
}

let groq: MockUpstream;
before(async () => {
  groq = await startMockUpstream({ flavor: 'groq' });
});
after(async () => {
  await groq.close();
});

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'switchyard-doctor-')), 'proxy_server_config.yaml');
  writeFileSync(file, yaml);
  return file;
}

function groqConfig(model = 'llama-3.3-70b-versatile', apiBase = groq.baseUrl): string {
  return configFile(`
model_list:
  - model_name: groq-70b
    litellm_params:
      model: groq/${model}
      api_base: "${apiBase}"
      api_key: os.environ/GROQ_API_KEY
  - model_name: demo
    litellm_params: { model: mock/x }
`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}

async function doctor(config: string, env: Record<string, string> = { GROQ_API_KEY: MOCK_KEYS.groq }, extra: string[] = []) {
  const port = extra.includes('--port') ? [] : ['--port', String(await freePort())];
  return runCli(['doctor', '--config', config, ...port, ...extra], { env, timeoutMs: 20_000 });
}

async function doctorJson(config: string, env?: Record<string, string>, extra: string[] = []): Promise<{ code: number | null; ok: boolean; checks: JsonCheck[] }> {
  const run = await doctor(config, env, [...extra, '--json']);
  const report = JSON.parse(run.stdout) as { ok: boolean; checks: JsonCheck[] };
  return { code: run.code, ...report };
}

function find(checks: JsonCheck[], prefix: string): JsonCheck {
  const found = checks.find((c) => c.id === prefix || c.id.startsWith(`${prefix}:`));
  assert.ok(found, `a check ${prefix} in ${JSON.stringify(checks, null, 1)}`);
  return found;
}

test('all checks pass against the mock Groq: exit 0, a ✓ line per check, in the flowchart order', async () => {
  const run = await doctor(groqConfig());
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.doesNotMatch(run.stdout, /^✗/m);
  const lines = run.stdout.split('\n').filter((line) => line.startsWith('✓'));
  assert.ok(lines.length >= 6, run.stdout);
  assert.match(run.stdout, /✓ .*proxy_server_config\.yaml loaded/);
  assert.match(run.stdout, /✓ GROQ_API_KEY=gsk_…0000 is set/);
  assert.match(run.stdout, /✓ 127\.0\.0\.1:\d+ is free/);
  assert.match(run.stdout, /✓ --host 127\.0\.0\.1: only this machine/);
  assert.match(run.stdout, /✓ groq@127\.0\.0\.1:\d+ reachable, key GROQ_API_KEY \(gsk_…0000\) accepted/);
  assert.match(run.stdout, /✓ groq-70b → groq\/llama-3\.3-70b-versatile: served by groq/);
  assert.ok(!run.stdout.includes(MOCK_KEYS.groq), 'the key is shown masked only');
  const order = ['loaded', 'GROQ_API_KEY=', 'is free', '--host', 'reachable', 'served by'].map((text) => run.stdout.indexOf(text));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
});

test('a wrong key: ✗ upstream_authentication_error naming the variable, the key masked', async () => {
  const wrong = 'gsk_wrong_key_for_the_doctor_test_7f3a';
  const run = await doctor(groqConfig(), { GROQ_API_KEY: wrong });
  assert.equal(run.code, 1);
  const line = run.stdout.split('\n').find((l) => l.includes('[upstream_authentication_error]')) ?? '';
  assert.match(line, /^✗ /);
  assert.match(line, /GROQ_API_KEY/);
  assert.match(line, /gsk_…7f3a/);
  assert.match(run.stdout, /\[upstream_authentication_error\]\n\s+fix: /);
  assert.ok(!run.stdout.includes(wrong) && !run.stderr.includes(wrong), 'never the key itself');
});

test('a model typo: ✗ upstream_model_unavailable with the closest listed id', async () => {
  const { code, ok, checks } = await doctorJson(groqConfig('llama-3.3-70b-versatle'));
  assert.equal(code, 1);
  assert.equal(ok, false);
  assert.equal(find(checks, 'provider').status, 'pass');
  const model = find(checks, 'model');
  assert.equal(model.status, 'fail');
  assert.equal(model.code, 'upstream_model_unavailable');
  assert.match(model.message, /"llama-3\.3-70b-versatile"/);
  assert.match(model.fix ?? '', /groq\/llama-3\.3-70b-versatile/);
});

test('a decommissioned model is reported as decommissioned', async () => {
  const { code, checks } = await doctorJson(groqConfig('llama3-70b-8192'));
  assert.equal(code, 1);
  const model = find(checks, 'model');
  assert.equal(model.status, 'fail');
  assert.equal(model.code, 'upstream_model_unavailable');
  assert.match(model.message, /decommissioned/);
});

test('an unreachable api_base: ✗ upstream_unreachable for the endpoint, the model not checked', async () => {
  const port = await freePort();
  const { code, checks } = await doctorJson(groqConfig('llama-3.3-70b-versatile', `http://127.0.0.1:${port}/openai/v1`));
  assert.equal(code, 1);
  const endpoint = find(checks, 'provider');
  assert.equal(endpoint.status, 'fail');
  assert.equal(endpoint.code, 'upstream_unreachable');
  assert.match(endpoint.message, /ECONNREFUSED/);
  assert.ok(endpoint.fix);
  assert.equal(find(checks, 'model').status, 'skip');
});

test('the port held by another process: ✗ port_in_use with its PID; held by a running Switchyard: a warning', async () => {
  const holder = spawn(process.execPath, ['-e', "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })"], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => holder.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    const { code, checks } = await doctorJson(groqConfig(), undefined, ['--port', String(port)]);
    assert.equal(code, 1);
    const check = find(checks, 'port');
    assert.equal(check.status, 'fail');
    assert.equal(check.code, 'port_in_use');
    if (process.platform === 'linux') assert.ok(check.message.includes(`PID ${holder.pid}`), check.message);
  } finally {
    holder.kill();
  }

  const gateway = await startGateway();
  try {
    const { checks } = await doctorJson(groqConfig(), undefined, ['--port', String(gateway.port)]);
    const check = find(checks, 'port');
    assert.equal(check.status, 'warn');
    assert.match(check.message, /Switchyard/);
  } finally {
    await gateway.stop();
  }
});

test('--json: { ok, checks: [{ id, status, message, code?, fix? }] }, a fix on every failure', async () => {
  const { code, ok, checks } = await doctorJson(groqConfig(), {});
  assert.equal(code, 1);
  assert.equal(ok, false);
  assert.ok(checks.length >= 5);
  for (const check of checks) {
    assert.equal(typeof check.id, 'string');
    assert.ok(['pass', 'fail', 'warn', 'skip'].includes(check.status), check.status);
    assert.equal(typeof check.message, 'string');
    if (check.status === 'fail') assert.equal(typeof check.fix, 'string', check.id);
    for (const key of Object.keys(check)) assert.ok(['id', 'status', 'message', 'code', 'fix'].includes(key), key);
  }
  const unset = find(checks, 'env');
  assert.equal(unset.id, 'env:GROQ_API_KEY');
  assert.equal(unset.status, 'fail');
  assert.equal(unset.code, 'env_var_not_set');
  assert.match(unset.fix ?? '', /GROQ_API_KEY=/);
});

test('keys with a trailing newline or space, or another provider\'s prefix, are flagged (masked)', async () => {
  for (const value of [`${MOCK_KEYS.groq}\n`, `${MOCK_KEYS.groq} `]) {
    const { checks } = await doctorJson(groqConfig(), { GROQ_API_KEY: value });
    const env = find(checks, 'env');
    assert.equal(env.status, 'warn', JSON.stringify(env));
    assert.equal(env.code, 'upstream_authentication_error');
    assert.match(env.message, /(newline|whitespace)/);
    assert.ok(!env.message.includes(MOCK_KEYS.groq));
    // Switchyard sends the key trimmed, so the provider accepts it.
    assert.equal(find(checks, 'provider').status, 'pass');
  }
  const openaiKey = 'sk-proj-this_is_an_openai_key_not_groq_1234';
  const { checks } = await doctorJson(groqConfig(), { GROQ_API_KEY: openaiKey });
  const env = find(checks, 'env');
  assert.equal(env.status, 'warn');
  assert.match(env.message, /gsk_/);
  assert.ok(!JSON.stringify(checks).includes(openaiKey));
});

test('0.0.0.0 without a master_key is a failure; with one it passes', async () => {
  const open = await doctorJson(groqConfig(), undefined, ['--host', '0.0.0.0']);
  assert.equal(open.code, 1);
  assert.equal(find(open.checks, 'host').status, 'fail');
  assert.equal(find(open.checks, 'host').code, 'host_exposed_without_key');
  const keyed = await doctorJson(groqConfig(), { GROQ_API_KEY: MOCK_KEYS.groq, LITELLM_MASTER_KEY: 'sk-master-doctor-test-0001' }, ['--host', '0.0.0.0']);
  assert.equal(find(keyed.checks, 'host').status, 'pass');
  assert.equal(keyed.code, 0, JSON.stringify(keyed.checks, null, 1));
});

test('a dead Redis fails the redis check; the real one passes', async () => {
  const port = await freePort();
  const dead = await doctorJson(groqConfig(), { GROQ_API_KEY: MOCK_KEYS.groq, REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port) });
  const redis = find(dead.checks, 'redis');
  assert.equal(redis.status, 'fail');
  assert.equal(redis.code, 'redis_unreachable');
  assert.match(redis.message, new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
  const live = await doctorJson(groqConfig(), { GROQ_API_KEY: MOCK_KEYS.groq, REDIS_HOST: '127.0.0.1', REDIS_PORT: '6379' });
  const status = find(live.checks, 'redis').status;
  assert.ok(status === 'pass' || status === 'fail', status); // fail only on machines without Redis
});

test('a config that does not load: ✗ with its catalog code, the other checks still run or skip', async () => {
  const { code, checks } = await doctorJson('/nonexistent/proxy_server_config.yaml');
  assert.equal(code, 1);
  assert.equal(find(checks, 'config').code, 'config_not_found');
  assert.equal(find(checks, 'env').status, 'skip');
  assert.equal(find(checks, 'port').status, 'pass');
});

test('--help lists the subcommands; doctor --help its options', async () => {
  const help = await runCli(['--help']);
  assert.match(help.stdout, /explain/);
  assert.match(help.stdout, /doctor/);
  const doctorHelp = await runCli(['doctor', '--help']);
  assert.equal(doctorHelp.code, 0);
  for (const flag of ['--config', '--port', '--host', '--json']) assert.ok(doctorHelp.stdout.includes(flag), flag);
});

// ── switchyard explain ──────────────────────────────────────────────────

test('explain <code> prints the catalog entry with commands for every shell', async () => {
  const run = await runCli(['explain', 'env_var_not_set']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^env_var_not_set — /);
  assert.match(run.stdout, /cause: /);
  assert.match(run.stdout, /bash: export GROQ_API_KEY=/);
  assert.match(run.stdout, /cmd: set GROQ_API_KEY=/);
  assert.match(run.stdout, /PowerShell: \$env:GROQ_API_KEY=/);
});

test('explain <status> prints every entry with that status or aliased to it', async () => {
  const run = await runCli(['explain', '429']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^rate_limit_exceeded — /m);
  assert.match(run.stdout, /^insufficient_quota — /m);
  const notFound = await runCli(['explain', '404']);
  assert.match(notFound.stdout, /^model_not_found — /m);
  assert.match(notFound.stdout, /^route_not_found — /m);
});

test('explain <alias> finds the entry, case-insensitively, also for multi-word aliases', async () => {
  const cases: Array<[string[], string]> = [
    [['PortAlreadyInUse'], 'port_in_use'],
    [['portalreadyinuse'], 'port_in_use'],
    [['WinError', '10048'], 'port_in_use'],
    [['WinError 10048'], 'port_in_use'],
    [['10061'], 'gateway_unreachable'],
    [['RedisConnectionError'], 'redis_unreachable'],
    [['EnvironmentVariableNotSet'], 'env_var_not_set'],
  ];
  for (const [args, code] of cases) {
    const run = await runCli(['explain', ...args]);
    assert.equal(run.code, 0, args.join(' '));
    assert.match(run.stdout, new RegExp(`^${code} — `), args.join(' '));
  }
});

test('explain with an unknown name exits 1 with the closest codes; without a name it lists every code', async () => {
  const unknown = await runCli(['explain', 'modle_not_found']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /model_not_found/);
  const list = await runCli(['explain']);
  assert.equal(list.code, 0);
  for (const code of ['invalid_json', 'port_in_use', 'redis_unreachable', 'upstream_timeout']) assert.match(list.stdout, new RegExp(`^\\s+${code}\\s+\\d{3}\\s+\\S`, 'm'));
});
