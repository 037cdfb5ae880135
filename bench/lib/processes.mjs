// Starting and stopping the target processes. Every child binds 127.0.0.1,
// is registered here, and is killed by stopAll() (called on normal exit, on
// error and on Ctrl-C by run.mjs), with SIGKILL as the last resort.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BENCH = join(REPO, 'bench');

const children = new Set();

/** Spawns `node ...args`, registered so that stopAll() kills it; stderr kept (last 8 KB) for error messages. */
export function spawnNode(args, { cwd = REPO, env = process.env } = {}) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // The last chunks as they came, decoded only for an error message: Switchyard logs a
  // line per request, and decoding them here would take CPU from the load generator.
  const tail = [];
  let tailBytes = 0;
  child.stderr.on('data', (chunk) => {
    tail.push(chunk);
    tailBytes += chunk.length;
    while (tailBytes - tail[0].length >= 8000) tailBytes -= tail.shift().length;
  });
  child.stdout.setEncoding('utf8');
  child.stdin.on('error', () => undefined);
  return { child, stderr: () => Buffer.concat(tail).toString('utf8').slice(-8000) };
}

/**
 * Spawns `node ...args` and resolves once it printed `listening on http://…`
 * on stdout, with `{ name, pid, url, child, stderr() }`.
 */
export function startNode(name, args, { cwd = REPO, env = process.env, timeoutMs = 20_000 } = {}) {
  const { child, stderr } = spawnNode(args, { cwd, env });
  let stdout = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not print "listening on" within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      err.message += stderr() ? `\n--- ${name} stderr ---\n${stderr().trimEnd()}` : '';
      reject(err);
    };
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`${name} exited early (code ${code}, signal ${signal})`)));
    const onData = (s) => {
      stdout += s;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume(); // keep draining whatever else it prints
      resolve({ name, pid: child.pid, url: m[1], child, stderr });
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

/** The bare proxy; `workers` > 1 runs it as that many node:cluster workers behind a primary. */
export const startBare = (upstreamUrl, { cpuProfDir, workers = 1, name = 'bare-proxy' } = {}) => startNode(
  name,
  [
    ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), join(BENCH, 'targets/bare-proxy.mjs'), '--upstream', upstreamUrl,
    ...(workers > 1 ? ['--workers', String(workers)] : []),
  ],
  { env: { ...process.env, GROQ_API_KEY: GROQ_KEY } },
);

export const MASTER_KEY = 'sk-bench-master-key-0123456789';
export const GROQ_KEY = 'gsk_bench_not_a_real_key_0123456789';

/** The headers that make Portkey forward to the mock as a Groq upstream (it has no config file here). */
export const portkeyHeaders = (mockUrl) => ({
  'x-portkey-provider': 'groq',
  'x-portkey-custom-host': `${mockUrl}/v1`,
});

/** Portkey's gateway as published (bench/targets/portkey.mjs); requests need `target.headers`. */
export async function startPortkey(mockUrl, { cpuProfDir } = {}) {
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const target = await startNode('portkey', [...prof, join(BENCH, 'targets/portkey.mjs')]);
  target.headers = { 'content-type': 'application/json', authorization: `Bearer ${GROQ_KEY}`, ...portkeyHeaders(mockUrl) };
  return target;
}

/**
 * A Switchyard config in `dir`: alias `bench-model` → `deployments` Groq
 * deployments (all at the mock through api_base, as a config listing many keys
 * or regions for one model would), and a master key, so authentication is on
 * the measured path.
 */
function writeSwitchyardConfig(dir, mockUrl, deployments) {
  const config = join(dir, 'bench.yaml');
  const lines = ['model_list:'];
  for (let i = 0; i < deployments; i++) {
    lines.push(
      '  - model_name: bench-model',
      '    litellm_params:',
      '      model: groq/llama-3.3-70b-versatile',
      `      api_base: ${mockUrl}/v1`,
      '      api_key: os.environ/GROQ_API_KEY',
    );
  }
  lines.push('general_settings:', '  master_key: os.environ/SWITCHYARD_BENCH_MASTER_KEY', '');
  writeFileSync(config, lines.join('\n'));
  return config;
}

/** The `switchyard` command of a build: the one-file bundle, or for commits before it, tsc's dist/cli/main.js. */
export const cliEntry = (root = REPO) => (existsSync(join(root, 'dist/switchyard.js')) ? 'dist/switchyard.js' : 'dist/cli/main.js');

function switchyardEnv() {
  const env = { ...process.env, GROQ_API_KEY: GROQ_KEY, SWITCHYARD_BENCH_MASTER_KEY: MASTER_KEY };
  delete env.LITELLM_LOG;
  delete env.LITELLM_MASTER_KEY;
  return env;
}

/**
 * The compiled CLI with a scratch config (writeSwitchyardConfig), run in the
 * scratch directory so no developer .env leaks in, with lib/parent-watch.mjs
 * preloaded so it exits if the harness dies without stopping it. Returns the
 * spawned process, not waiting for it to listen (start-up timing needs that);
 * the scratch directory goes when it exits. `entry` defaults to the build's command (cliEntry).
 */
export function spawnSwitchyard(mockUrl, { cpuProfDir, root = REPO, deployments = 1, numWorkers = 1, port = 0, entry = cliEntry(root) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const config = writeSwitchyardConfig(dir, mockUrl, deployments);
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const workers = numWorkers > 1 ? ['--num_workers', String(numWorkers)] : [];
  const watch = ['--import', pathToFileURL(join(BENCH, 'lib/parent-watch.mjs')).href];
  const args = [...prof, ...watch, join(root, entry), '--config', config, '--port', String(port), '--host', '127.0.0.1', ...workers];
  const command = `node ${prof.length ? `${prof.join(' ')} ` : ''}${entry} --config <tmp>/bench.yaml --port ${port}${workers.length ? ` ${workers.join(' ')}` : ''}`;
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  return { args, cwd: dir, env: switchyardEnv(), command, cleanup };
}

/** Switchyard (spawnSwitchyard), resolved once it listens; `deployments` and `numWorkers` as there. */
export async function startSwitchyard(mockUrl, options = {}) {
  const spec = spawnSwitchyard(mockUrl, options);
  try {
    const target = await startNode(options.name ?? 'switchyard', spec.args, { cwd: spec.cwd, env: spec.env });
    target.command = spec.command;
    target.cleanup = spec.cleanup;
    target.child.once('exit', spec.cleanup);
    return target;
  } catch (err) {
    spec.cleanup();
    throw err;
  }
}
