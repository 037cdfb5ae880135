// Start-up failures and degraded starts, through the real CLI: each prints the
// catalog's code, cause and fix (never a stack trace, never a secret), and
// exits 1 when Switchyard cannot serve at all.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli, startGateway } from '../helpers/gateway-process.js';
import { pingRedis } from '../../src/diagnostics/redis-ping.js';

const SECRET = 'gsk_live_do_not_print_this_key_9f8e7d6c5b4a';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'switchyard-startup-'));
}

function configFile(yaml: string, dir = tempDir()): string {
  const file = join(dir, 'proxy_server_config.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}

function assertNoStack(output: string): void {
  assert.doesNotMatch(output, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace without --detailed_debug');
}

test('config not found: the absolute path tried, the working directory and the YAML files nearby', async () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'proxy_config.yaml'), 'model_list: []\n');
  writeFileSync(join(cwd, 'litellm.yml'), 'model_list: []\n');
  mkdirSync(join(cwd, 'configs'));
  writeFileSync(join(cwd, 'configs', 'groq.yaml'), 'model_list: []\n');
  const run = await runCli(['--config', 'configs/proxy_server_config.yaml', '--port', '0'], { cwd });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error\[config_not_found\]/);
  assert.ok(run.stderr.includes(join(cwd, 'configs', 'proxy_server_config.yaml')), run.stderr);
  assert.ok(run.stderr.includes(`working directory: ${cwd}`), run.stderr);
  assert.match(run.stderr, /litellm\.yml, proxy_config\.yaml/);
  assert.match(run.stderr, /groq\.yaml/);
  assert.match(run.stderr, /fix:/);
  assertNoStack(run.stderr);
});

test('invalid YAML: the line and column, the line with a caret, and no secret from that line', async () => {
  const file = configFile(`model_list:\n  - model_name: groq-70b\n    litellm_params: {model: groq/llama-3.3-70b-versatile, api_key: "${SECRET}", rpm: [1\n`);
  const run = await runCli(['--config', file, '--port', '0']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error\[config_invalid_yaml\]/);
  assert.match(run.stderr, /proxy_server_config\.yaml:\d+:\d+/);
  assert.ok(run.stderr.includes(`3 |     litellm_params: {model: groq/llama-3.3-70b-versatile, api_key: "gsk_…${SECRET.slice(-4)}", rpm: [1\n`), run.stderr);
  assert.match(run.stderr, /\n\s+\|\s*\^\n/);
  assert.ok(!run.stderr.includes(SECRET), 'the key is never printed');
  assert.ok(!run.stderr.includes(SECRET.slice(4, 20)), 'not even part of it');
  assertNoStack(run.stderr);
});

test('invalid YAML on the line of an unquoted master_key: the caret line masks it', async () => {
  const master = 'sk-master-9d8c7b6a5f4e3d2c1b0a';
  const file = configFile(`model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/x\ngeneral_settings:\n  master_key: ${master}: oops\n`);
  const run = await runCli(['--config', file, '--port', '0']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error\[config_invalid_yaml\]/);
  assert.match(run.stderr, /6 \|\s+master_key: sk-…/);
  assert.match(run.stderr, /\^/);
  assert.ok(!run.stderr.includes(master), run.stderr);
});

test('a wrongly typed value names the key and its line', async () => {
  const file = configFile('model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/x\n      rpm: lots\n');
  const run = await runCli(['--config', file, '--port', '0']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error\[config_invalid\]/);
  assert.match(run.stderr, /:5:\d+.*rpm/);
});

test('a routing_strategy typo names the YAML path, the allowed values and the closest one', async () => {
  const file = configFile('model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/x\nrouter_settings:\n  routing_strategy: least_bussy\n');
  const run = await runCli(['--config', file, '--port', '0']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error\[config_invalid\]/);
  assert.match(run.stderr, /:6:\d+\s+router_settings\.routing_strategy: "least_bussy" is not one of/);
  for (const allowed of ['simple-shuffle', 'least-busy', 'latency-based-routing', 'usage-based-routing']) assert.ok(run.stderr.includes(allowed), allowed);
  assert.match(run.stderr, /did you mean "least-busy"/);
  assertNoStack(run.stderr);
});

test('an unset key variable: Switchyard starts, disables only the deployments that need it and says how to set it in every shell', async () => {
  const gateway = await startGateway({
    config: `
model_list:
  - model_name: groq-70b
    litellm_params: { model: groq/llama-3.3-70b-versatile, api_key: os.environ/GROQ_API_KEY }
  - model_name: groq-8b
    litellm_params: { model: groq/llama-3.1-8b-instant }
  - model_name: claude
    litellm_params: { model: bedrock/anthropic.claude-3 }
  - model_name: demo
    litellm_params: { model: mock/x }
`,
  });
  try {
    const stderr = await gateway.waitForStderr(/PowerShell/);
    const block = /warning\[env_var_not_set\] GROQ_API_KEY[^\n]*\n(?:.*\n)*?\s+PowerShell.*\n/.exec(stderr)?.[0] ?? '';
    assert.ok(block, stderr);
    assert.match(block, /groq-70b/);
    assert.match(block, /groq-8b/);
    assert.match(block, /export GROQ_API_KEY=/);
    assert.match(block, /set GROQ_API_KEY=/);
    assert.match(block, /\$env:GROQ_API_KEY=/);
    assert.match(block, /\.env/);
    assert.equal(stderr.match(/GROQ_API_KEY is not set/g)?.length, 1, 'one block for the variable, not one line per deployment');
    assert.match(stderr, /warning\[unsupported_provider\].*bedrock/);
    assert.match(gateway.stdout(), /groq-70b .*unavailable: env_var_not_set/);

    const ask = (model: string) => fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const disabled = await ask('groq-8b');
    assert.equal(((await disabled.json()) as { error: { code: string } }).error.code, 'env_var_not_set');
    const unsupported = await ask('claude');
    assert.equal(((await unsupported.json()) as { error: { code: string } }).error.code, 'provider_not_supported');
    assert.equal((await ask('demo')).status, 200);
  } finally {
    await gateway.stop();
  }
});

test('a port in use: exit 1 with port_in_use, the PID of the holder (Linux) and a free --port', async () => {
  const holder = spawn(process.execPath, ['-e', "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })"], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => holder.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    const run = await runCli(['--port', String(port)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error\[port_in_use\]/);
    assert.ok(run.stderr.includes(String(port)));
    if (process.platform === 'linux') {
      assert.ok(run.stderr.includes(`PID ${holder.pid} (node)`), run.stderr);
      assert.ok(run.stderr.includes(`kill ${holder.pid}`), run.stderr);
    }
    assert.match(run.stderr, /--port \d+/);
    assertNoStack(run.stderr);
  } finally {
    holder.kill();
  }
});

test('a --host that is not an address of this machine is host_not_available', async () => {
  const run = await runCli(['--host', '203.0.113.7', '--port', '0', '--allow_no_auth']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error\[host_not_available\]/);
  assert.match(run.stderr, /203\.0\.113\.7/);
});

test('Redis configured at a dead port: starts on local state with a redis_unreachable warning naming host:port and ECONNREFUSED', async () => {
  const port = await deadPort();
  const gateway = await startGateway({
    config: `model_list:\n  - model_name: demo\n    litellm_params: { model: mock/x }\nrouter_settings:\n  redis_host: 127.0.0.1\n  redis_port: ${port}\n  redis_password: hunter2-redis-password\n`,
  });
  try {
    const stderr = await gateway.waitForStderr(/redis_unreachable/);
    assert.match(stderr, /warning\[redis_unreachable\]/);
    assert.ok(stderr.includes(`127.0.0.1:${port}`), stderr);
    assert.match(stderr, /ECONNREFUSED/);
    assert.match(stderr, /local state/);
    assert.ok(!stderr.includes('hunter2-redis-password'));
    const res = await fetch(`${gateway.url}/health/liveliness`);
    assert.equal(res.status, 200);
  } finally {
    await gateway.stop();
  }
});

test('Redis from REDIS_HOST/REDIS_PORT is checked too', async () => {
  const port = await deadPort();
  const gateway = await startGateway({ env: { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port) } });
  try {
    assert.match(await gateway.waitForStderr(/redis_unreachable/), new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
  } finally {
    await gateway.stop();
  }
});

test('the real Redis at 127.0.0.1:6379: no warning', async (t) => {
  const reachable = await pingRedis({ host: '127.0.0.1', port: 6379, password: undefined, url: undefined });
  if (!reachable.ok) return t.skip('no Redis on 127.0.0.1:6379 on this machine');
  const gateway = await startGateway({ config: 'model_list:\n  - model_name: demo\n    litellm_params: { model: mock/x }\nrouter_settings:\n  redis_host: 127.0.0.1\n  redis_port: 6379\n' });
  try {
    // The ping runs before listening, so once the banner is out its verdict is too.
    assert.doesNotMatch(gateway.stderr(), /redis_unreachable/);
  } finally {
    await gateway.stop();
  }
});

test('--detailed_debug adds the stack of the underlying error; without it there is none', async () => {
  const dir = tempDir(); // a folder, not a file: reading it fails with EISDIR
  const plain = await runCli(['--config', dir, '--port', '0']);
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /error\[config_not_found\]/);
  assert.match(plain.stderr, /EISDIR/);
  assertNoStack(plain.stderr);
  const detailed = await runCli(['--config', dir, '--port', '0', '--detailed_debug']);
  assert.equal(detailed.code, 1);
  assert.match(detailed.stderr, /error\[config_not_found\]/);
  assert.match(detailed.stderr, /^\s+at .+:\d+:\d+\)?$/m);
});

test('a privileged port without the rights: exit 1 with port_forbidden and an unprivileged --port', async (t) => {
  if (process.platform === 'win32') return t.skip('no privileged ports on Windows');
  const unprivilegedFrom = Number(await readFile('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').catch(() => '1024'));
  if (unprivilegedFrom <= 80) return t.skip('this machine lets everyone bind port 80');
  // As root the bind would succeed: run the CLI as `nobody` instead.
  const asRoot = process.getuid?.() === 0;
  const run = await new Promise<{ code: number | null; stderr: string }>((done) => {
    const proc = spawn(process.execPath, [CLI, '--port', '80'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(asRoot ? { uid: 65534, gid: 65534, cwd: tmpdir() } : {}),
    });
    let stderr = '';
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /error\[port_forbidden\]/);
  assert.match(run.stderr, /127\.0\.0\.1:80\b/);
  assert.match(run.stderr, /--port 4000/);
  assertNoStack(run.stderr);
});
