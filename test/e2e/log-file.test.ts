import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startGateway } from '../helpers/gateway-process.js';

// File logging: opt-in, JSON lines, rotated by size; under --num_workers the
// primary writes every worker's lines into one uncorrupted file.

const DEMO = 'model_list:\n  - model_name: demo\n    litellm_params: { model: mock/demo }\n';
const chat = (url: string) => fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }) });

/** Every line of the kept files, oldest file first, each parsed (a torn or interleaved line fails here). */
function readLogs(dir: string): Array<Record<string, unknown>> {
  const order = (name: string) => (name === 'switchyard.log' ? 0 : Number(/^switchyard\.(\d+)\.log$/.exec(name)![1]));
  return readdirSync(dir)
    .sort((a, b) => order(b) - order(a))
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${name}: not a JSON line: ${line.slice(0, 200)}`);
      }
    }));
}

test('--log_dir: JSON lines in switchyard.log, rotated at --log_rotate_mb, --log_keep files kept', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'switchyard-logdir-')), 'logs');
  const gateway = await startGateway({ config: DEMO, args: ['--log_dir', dir, '--log_rotate_mb', '0.004', '--log_keep', '2'] });
  const ids: string[] = [];
  try {
    for (let i = 0; i < 60; i++) {
      const res = await chat(gateway.url);
      assert.equal(res.status, 200);
      ids.push(res.headers.get('x-request-id')!);
      await res.text();
    }
  } finally {
    assert.equal(await gateway.stop(), 0);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['switchyard.1.log', 'switchyard.2.log', 'switchyard.log']);
  for (const name of readdirSync(dir)) assert.ok(readFileSync(join(dir, name)).length <= 4096 + 1024, `${name} was rotated near 4 KB`);
  const logged = readLogs(dir).filter((l) => l.msg === 'request').map((l) => l.request_id);
  assert.ok(logged.length > 5 && logged.length < 60, `older lines rotated away (${logged.length} kept)`);
  // What is kept is the newest requests, in order, through the very last one (flushed on exit).
  assert.deepEqual(logged, ids.slice(-logged.length));
  // stderr still has every line.
  assert.equal(gateway.stderr().split('\n').filter((l) => l.includes('"msg":"request"')).length, 60);
});

test('SWITCHYARD_LOG_DIR turns it on too; the file is JSON even when stderr would be human', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-logenv-'));
  const gateway = await startGateway({ config: DEMO, env: { SWITCHYARD_LOG_DIR: dir } });
  try {
    await (await chat(gateway.url)).text();
  } finally {
    await gateway.stop();
  }
  const lines = readLogs(dir);
  assert.ok(lines.some((l) => l.msg === 'logging to file' && l.file === join(dir, 'switchyard.log')));
  assert.equal(lines.filter((l) => l.msg === 'request').length, 1);
});

test('--num_workers 2 --log_dir: one file, every worker\'s requests in it, no torn line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-logworkers-'));
  const gateway = await startGateway({ config: DEMO, args: ['--num_workers', '2', '--log_dir', dir] });
  const ids = new Set<string>();
  const workers = new Set<string>();
  try {
    await gateway.waitForStderr(/state_per_worker/);
    for (let round = 0; round < 20 && (workers.size < 2 || ids.size < 200); round++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => chat(gateway.url)));
      for (const res of answers) {
        assert.equal(res.status, 200);
        ids.add(res.headers.get('x-request-id')!);
        workers.add(res.headers.get('x-switchyard-worker')!);
        await res.text();
      }
    }
    assert.equal(workers.size, 2, 'both workers answered');
  } finally {
    assert.equal(await gateway.stop(), 0);
  }
  const logged = new Set(readLogs(dir).filter((l) => l.msg === 'request').map((l) => l.request_id as string));
  assert.deepEqual([...ids].filter((id) => !logged.has(id)), [], 'every request of every worker is in the file');
});

test('a log directory that cannot be created: log_dir_unavailable, exit 1', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'switchyard-logbad-')), 'a-file');
  writeFileSync(file, 'not a directory');
  const run = await runCli(['--port', '0', '--log_dir', join(file, 'logs')]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error\[log_dir_unavailable\]/);
  assert.match(run.stderr, /ENOTDIR|EEXIST/);
});
