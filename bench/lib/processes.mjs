// Starting and stopping the target processes. Every child binds 127.0.0.1,
// is registered here, and is killed by stopAll() (called on normal exit, on
// error and on Ctrl-C by run.mjs), with SIGKILL as the last resort.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BENCH = join(REPO, 'bench');

const children = new Set();

/**
 * Spawns `node ...args` and resolves once it printed `listening on http://…`
 * on stdout, with `{ name, pid, url, child, stderr() }`.
 */
export function startNode(name, args, { cwd = REPO, env = process.env, timeoutMs = 20_000 } = {}) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => { stderr = (stderr + s).slice(-8000); });
  child.stdout.setEncoding('utf8');
  child.stdin.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not print "listening on" within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      err.message += stderr ? `\n--- ${name} stderr ---\n${stderr.trimEnd()}` : '';
      reject(err);
    };
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      children.delete(child);
      fail(new Error(`${name} exited early (code ${code}, signal ${signal})`));
    });
    const onData = (s) => {
      stdout += s;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume(); // keep draining whatever else it prints
      resolve({ name, pid: child.pid, url: m[1], child, stderr: () => stderr });
    };
    child.stdout.on('data', onData);
  });
}

/** SIGTERM every child, wait up to `graceMs`, then SIGKILL what is left. */
export async function stopAll(graceMs = 12_000) {
  const waiting = [...children].map((child) => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    child.stdin.end();
  }));
  let timer;
  await Promise.race([Promise.all(waiting), new Promise((r) => { timer = setTimeout(r, graceMs); })]);
  clearTimeout(timer);
  killAllNow();
}

/** Synchronous last resort (process 'exit' handler). */
export function killAllNow() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** Resolves when `target`'s process has exited (for --cpu-prof, which writes its file on exit). */
export function stopOne(target, graceMs = 12_000) {
  const { child } = target;
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); children.delete(child); resolve(); });
    child.kill('SIGTERM');
  });
}

export const startMock = () => startNode('mock-upstream', [join(BENCH, 'targets/mock-upstream.mjs')]);

export const startBare = (upstreamUrl, { cpuProfDir } = {}) => startNode(
  'bare-proxy',
  [...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), join(BENCH, 'targets/bare-proxy.mjs'), '--upstream', upstreamUrl],
  { env: { ...process.env, GROQ_API_KEY: GROQ_KEY } },
);

export const MASTER_KEY = 'sk-bench-master-key-0123456789';
export const GROQ_KEY = 'gsk_bench_not_a_real_key_0123456789';

/**
 * Switchyard, the compiled CLI, with an alias pointing at the mock through
 * api_base (provider groq/, api_key from the environment) and a master key,
 * so authentication is on the measured path. Runs in a scratch directory so
 * no developer .env leaks in, with lib/parent-watch.mjs preloaded so it exits
 * if the harness dies without stopping it. `cpuProfDir` adds --cpu-prof; `root` is where dist/ is.
 */
export async function startSwitchyard(mockUrl, { cpuProfDir, root = REPO } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const config = join(dir, 'bench.yaml');
  writeFileSync(config, [
    'model_list:',
    '  - model_name: bench-model',
    '    litellm_params:',
    '      model: groq/llama-3.3-70b-versatile',
    `      api_base: ${mockUrl}/v1`,
    '      api_key: os.environ/GROQ_API_KEY',
    'general_settings:',
    '  master_key: os.environ/SWITCHYARD_BENCH_MASTER_KEY',
    '',
  ].join('\n'));
  const env = { ...process.env, GROQ_API_KEY: GROQ_KEY, SWITCHYARD_BENCH_MASTER_KEY: MASTER_KEY };
  delete env.LITELLM_LOG;
  delete env.LITELLM_MASTER_KEY;
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const cli = join(root, 'dist/cli/main.js');
  try {
    const watch = ['--import', pathToFileURL(join(BENCH, 'lib/parent-watch.mjs')).href];
    const target = await startNode('switchyard', [...prof, ...watch, cli, '--config', config, '--port', '0', '--host', '127.0.0.1'], { cwd: dir, env });
    target.command = `node ${prof.join(' ')}${prof.length ? ' ' : ''}dist/cli/main.js --config <tmp>/bench.yaml --port 0`;
    target.cleanup = () => rmSync(dir, { recursive: true, force: true });
    target.child.once('exit', target.cleanup);
    return target;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
