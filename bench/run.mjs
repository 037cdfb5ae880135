#!/usr/bin/env node
// Switchyard overhead benchmark. `npm run bench` from the repository root.
//
//   node bench/run.mjs            full run (≈2–3 min), writes the figures into bench/README.md
//   node bench/run.mjs --smoke    a few seconds, tiny loads, proves the harness end to end (writes nothing)
//   node bench/run.mjs --profile  runs Switchyard under --cpu-prof, writes "Where the time goes" into bench/README.md
//
// Options: --no-build (use dist/ as it is), --ref REV (build and measure that commit alone, in a
// scratch directory, whatever the work tree holds), --no-write (print only), --rounds N,
// --quiet-wait S (wait up to S seconds, default 60, for other processes to leave the CPU idle),
// --soak N (requests in the soak, default 1,000,000; 0 skips it), --no-portkey / --portkey
// (the peer gateway: on by default, off in --smoke).
// Four targets, each in its own process, all on 127.0.0.1: the mock upstream
// (called directly: the baseline), the bare proxy (the floor), Switchyard
// (the compiled CLI) and Portkey's gateway (the peer). Measurements interleave
// the targets round by round so that machine noise hits all of them alike;
// ratios are taken within a round. Then: start-up time, a 1,000-deployment
// alias, --num_workers 2 (against the bare proxy's 2 workers: the machine's
// ceiling), and the soak.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentBody, smallBody, smallStreamBody } from './lib/bodies.mjs';
import { killAllNow, MASTER_KEY, REPO, spawnSwitchyard, startBare, startMock, startPortkey, startSwitchyard, stopAll, stopOne } from './lib/processes.mjs';
import { concat, cpuMs, machineBusyMs, treeCpuMs, pacedLatency, percentile, processTree, rssBytes, rssSampler, saturate, sequentialLatency, streamTtfb } from './lib/measure.mjs';
import { buildSnapshot, git, run } from './lib/snapshot.mjs';
import { timeToAnswer } from './lib/startup.mjs';
import { fmt, machine, markdownTable, medianOf, replaceSection, spread } from './lib/report.mjs';
import { undici, undiciVersion } from './lib/undici.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const SMOKE = flag('--smoke');
const PROFILE = flag('--profile');
const BENCH = join(REPO, 'bench');
const README = join(BENCH, 'README.md');
const PATH = '/v1/chat/completions';
const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` };

const argNumber = (name) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : undefined);
const roundsArg = argNumber('--rounds');
// Installing Portkey (≈130 packages) is the slow part of a first smoke run: the smoke leaves it out unless asked.
const PORTKEY = SMOKE ? flag('--portkey') : !flag('--no-portkey');
const PLAN = SMOKE
  ? { satRounds: 1, latRounds: 1, agentRounds: 1, connections: 10, warmSeconds: 0, calSeconds: 0.2, satSeconds: 0.2, seqCount: 50, pacedRate: 100, pacedSeconds: 0.3, ttfbCount: 30, agentSeconds: 0.2, startupRuns: 1, scaleRounds: 1, scaleSeconds: 0.2, soak: 2000, limitSeconds: 120 }
  : { satRounds: 10, latRounds: 3, agentRounds: 8, connections: 50, warmSeconds: 1, calSeconds: 0.7, satSeconds: 1.5, seqCount: 2000, pacedRate: 500, pacedSeconds: 3, ttfbCount: 1000, agentSeconds: 1.2, startupRuns: 7, scaleRounds: 6, scaleSeconds: 1.5, soak: 1_000_000, limitSeconds: 900 };
if (roundsArg) Object.assign(PLAN, { satRounds: roundsArg, latRounds: roundsArg, agentRounds: roundsArg, scaleRounds: roundsArg });
if (argNumber('--soak') !== undefined) PLAN.soak = argNumber('--soak');
// The soak is bounded by its count; the time limit grows with it (at ≥ 1,000 req/s).
PLAN.limitSeconds += PLAN.soak / 1000;
/**
 * --only a,b: run only these phases (startup, main, large, workers, soak) and
 * print what they measured, without the verdicts and without writing the
 * README (a partial run is not the figures). For a long soak alone, or to
 * look at one phase on a busy machine.
 */
const ONLY_PHASES = ['startup', 'main', 'large', 'workers', 'soak'];
const ONLY = argv.includes('--only') ? new Set(String(argv[argv.indexOf('--only') + 1]).split(',')) : undefined;
if (ONLY && [...ONLY].some((p) => !ONLY_PHASES.includes(p))) throw new Error(`--only: phases are ${ONLY_PHASES.join(', ')}`);
const runs = (phase) => ONLY === undefined || ONLY.has(phase);
if (ONLY && !runs('soak')) PLAN.soak = 0;
/** Deployments in the alias group of the large-config phase. */
const LARGE = 1000;
/** Each phase that ran, by name: the smoke test checks that all did. */
const phasesRan = [];

const LOADAVG = (() => { try { return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch { return 'n/a'; } })();
const log = (s) => process.stderr.write(`${s}\n`);
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;

// ---- every child dies with us ------------------------------------------------
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await stopAll();
  process.exit(code);
}
process.on('exit', killAllNow);
// Loads are bounded one by one; this bounds the whole run too.
setTimeout(() => { log(`bench took longer than ${PLAN.limitSeconds} s: stopping`); void shutdown(1); }, PLAN.limitSeconds * 1000).unref();
process.once('SIGINT', () => { log('\ninterrupted: stopping the targets'); void shutdown(130); });
process.once('SIGTERM', () => void shutdown(143));

// ---- prerequisites -----------------------------------------------------------
/** Where the Switchyard under test lives: the work tree, or with --ref REV a snapshot of that commit built in a scratch directory. */
let switchyardRoot = REPO;
let switchyardRev;
const REF = argv.includes('--ref') ? argv[argv.indexOf('--ref') + 1] : undefined;

function snapshot(ref) {
  ({ root: switchyardRoot, rev: switchyardRev } = buildSnapshot(ref, log));
}

/** Scratch directories left by a harness that was SIGKILLed (older than an hour, so never a running one's). */
function sweepStaleScratch() {
  const dir = tmpdir();
  for (const name of readdirSync(dir)) {
    if (!/^switchyard-(bench|ref|prof)-/.test(name)) continue;
    const path = join(dir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
    } catch { /* gone already */ }
  }
}

function prepare() {
  sweepStaleScratch();
  // Portkey is an optional dependency of bench/: the smoke run (in `npm test`) installs without it.
  const missing = !existsSync(join(BENCH, 'node_modules', 'autocannon')) || (PORTKEY && !existsSync(join(BENCH, 'node_modules', '@portkey-ai', 'gateway')));
  if (missing) {
    const args = ['ci', '--prefix', BENCH, '--no-audit', '--no-fund', ...(PORTKEY ? [] : ['--omit=optional'])];
    log(`installing the load generator${PORTKEY ? ' and Portkey' : ''}: npm ${args.join(' ')}`);
    run('npm', args, { cwd: REPO });
  }
  if (REF) return snapshot(REF);
  // The smoke test checks the harness, not the figures: it uses dist/ as it is unless asked to build.
  if (SMOKE ? flag('--build') || !existsSync(join(REPO, 'dist/switchyard.js')) : !flag('--no-build')) {
    log('building Switchyard: npm run build');
    run('npm', ['run', 'build', '--silent'], { cwd: REPO });
  }
  if (!existsSync(join(REPO, 'dist/switchyard.js'))) throw new Error('dist/switchyard.js is missing: run `npm run build`');
  const dirty = git(['status', '--porcelain', '--', 'src', 'scripts/bundle.mjs', 'package.json', 'package-lock.json']) ? ' + uncommitted changes' : '';
  switchyardRev = `${git(['rev-parse', '--short', 'HEAD']) ?? '(no git)'}${dirty}`;
}

/** Waits (at most `seconds`) until other processes use under 20 % of the machine over 3 s: a shared machine is rarely quiet for long. */
async function waitForQuiet(seconds) {
  const until = performance.now() + seconds * 1000;
  for (;;) {
    const b0 = machineBusyMs();
    const h0 = cpuMs(process.pid);
    await new Promise((r) => setTimeout(r, 3000));
    const pct = (100 * (machineBusyMs() - b0 - (cpuMs(process.pid) - h0))) / 3000 / os.cpus().length;
    if (pct < 20) return log(`machine quiet enough: other processes at ${pct.toFixed(0)} % of the CPU  [${elapsed()}]`);
    if (performance.now() > until) return log(`machine still busy after ${seconds} s (other processes at ${pct.toFixed(0)} %): measuring anyway  [${elapsed()}]`);
    log(`waiting for a quieter machine: other processes at ${pct.toFixed(0)} % of the CPU  [${elapsed()}]`);
  }
}

// ---- checks before measuring -------------------------------------------------
const headersFor = (target) => target.headers ?? HEADERS;

async function post(url, body, headers = HEADERS) {
  const res = await undici.request(url + PATH, { method: 'POST', headers, body });
  return { status: res.statusCode, text: await res.body.text() };
}

async function sanity(targets, names) {
  for (const name of names) {
    const t = targets[name];
    const plain = await post(t.url, smallBody, headersFor(t));
    if (plain.status !== 200 || !Array.isArray(JSON.parse(plain.text).choices)) throw new Error(`${name}: non-stream answer is wrong: ${plain.status} ${plain.text.slice(0, 200)}`);
    for (const body of [smallStreamBody, agentBody]) {
      const s = await post(t.url, body, headersFor(t));
      if (s.status !== 200 || !s.text.trimEnd().endsWith('data: [DONE]')) throw new Error(`${name}: stream answer is wrong: ${s.status} …${s.text.slice(-300)}`);
    }
  }
  // Switchyard proves the path under test: auth on, the alias routed to the mock, usage re-emitted.
  const denied = await post(targets.switchyard.url, smallBody, { 'content-type': 'application/json' });
  if (denied.status !== 401) throw new Error(`switchyard: a request without the master key got ${denied.status}, expected 401`);
  const agent = await post(targets.switchyard.url, agentBody);
  if (!/"choices":\[\],"usage":\{/.test(agent.text)) throw new Error('switchyard: include_usage stream has no usage chunk');
}

/** Runs `check`; on failure adds what the target said on stderr to the error. */
async function withStderr(target, check) {
  try {
    return await check();
  } catch (err) {
    await new Promise((r) => setTimeout(r, 200)); // let its log line arrive
    const said = target.stderr().trim();
    if (said) err.message += `\n--- ${target.name} stderr ---\n${said}`;
    throw err;
  }
}

// ---- measurement phases --------------------------------------------------------
const NAMES = ['direct', 'bare', 'switchyard', ...(PORTKEY ? ['portkey'] : [])];
const rotate = (round, names = NAMES) => names.map((_, i) => names[(i + round) % names.length]);

/** The processes whose CPU a run on `name` reads: the proxy (all its processes, if several), then the mock. */
const cpuPidsFor = (targets, name) => (name === 'direct' ? [targets.direct.pid] : [targets[name].pids ?? targets[name].pid, targets.direct.pid]);

/** Warms each target (JIT, connection pools) with a timed saturation run, then measures its rate with a second one. */
async function calibrate(targets, body, names = NAMES) {
  const rates = {};
  for (const name of names) {
    const run = (maxSeconds) => saturate({ url: targets[name].url, path: PATH, headers: headersFor(targets[name]), body, connections: PLAN.connections, amount: 1e9, maxSeconds });
    if (PLAN.warmSeconds > 0) await run(PLAN.warmSeconds);
    rates[name] = (await run(PLAN.calSeconds)).rps;
  }
  return rates;
}

/** Fixed-count saturation runs, interleaved; `rates` from calibration sizes each run to ≈`seconds`. */
async function saturationRounds(targets, body, rounds, seconds, rates, label, names = NAMES) {
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of rotate(r, names)) {
      const amount = Math.max(PLAN.connections * 4, Math.round(rates[name] * seconds));
      const res = await saturate({
        url: targets[name].url, path: PATH, headers: headersFor(targets[name]), body, connections: PLAN.connections,
        amount, maxSeconds: seconds * 4 + 5, cpuPids: cpuPidsFor(targets, name),
      });
      if (res.failed > 0) failures.push(`${label} ${name} round ${r + 1}: ${res.failed} failed requests`);
      out[name].push(res);
    }
    log(`  ${label} round ${r + 1}/${rounds}: ${names.map((n) => `${n} ${fmt.int(out[n].at(-1).rps)} req/s`).join(', ')}  [${elapsed()}]`);
  }
  return out;
}

const failures = [];

/** The proxies whose memory is reported (not the mock). */
const PROXIES = NAMES.filter((n) => n !== 'direct');

async function measureAll(targets) {
  const results = { rss: {} };
  await new Promise((r) => setTimeout(r, 300));
  const rssNow = () => Object.fromEntries(PROXIES.map((n) => [n, rssBytes(targets[n].pid)]));
  results.rss.idle = rssNow();

  log(`sanity checks  [${elapsed()}]`);
  await withStderr(targets.switchyard, () => sanity(targets, NAMES));
  phasesRan.push('sanity');

  const sampler = rssSampler(PROXIES.map((n) => targets[n].pid));
  try {
    log(`warm-up and calibration  [${elapsed()}]`);
    const smallRates = await calibrate(targets, smallBody);
    const agentRates = await calibrate(targets, agentBody);

    log(`1+2. saturation, small non-stream body, ${PLAN.connections} connections  [${elapsed()}]`);
    results.sat = await saturationRounds(targets, smallBody, PLAN.satRounds, PLAN.satSeconds, smallRates, 'saturation');
    phasesRan.push('saturation');

    log(`3. latency: unloaded (1 connection, sequential) and paced at ${PLAN.pacedRate} req/s  [${elapsed()}]`);
    results.seq = Object.fromEntries(NAMES.map((n) => [n, []]));
    results.paced = Object.fromEntries(NAMES.map((n) => [n, []]));
    for (let r = 0; r < PLAN.latRounds; r++) {
      for (const name of rotate(r)) {
        results.seq[name].push(await sequentialLatency({ url: targets[name].url, path: PATH, headers: headersFor(targets[name]), body: smallBody, count: PLAN.seqCount }));
      }
      for (const name of rotate(r)) {
        const pid = targets[name].pid;
        const cpu0 = cpuMs(pid);
        const p = await pacedLatency({ url: targets[name].url, path: PATH, headers: headersFor(targets[name]), body: smallBody, rate: PLAN.pacedRate, seconds: PLAN.pacedSeconds });
        p.cpuMsPerRequest = (cpuMs(pid) - cpu0) / p.served;
        if (p.failed > 0) failures.push(`paced ${name} round ${r + 1}: ${p.failed} failed requests`);
        results.paced[name].push(p);
      }
      log(`  latency round ${r + 1}/${PLAN.latRounds}  [${elapsed()}]`);
    }
    phasesRan.push('latency');

    log(`4. streaming time to first byte, ${PLAN.ttfbCount} sequential stream:true requests per target and round  [${elapsed()}]`);
    results.ttfb = Object.fromEntries(NAMES.map((n) => [n, []]));
    for (let r = 0; r < PLAN.latRounds; r++) {
      for (const name of rotate(r)) {
        results.ttfb[name].push(await streamTtfb({ url: targets[name].url, path: PATH, headers: headersFor(targets[name]), body: smallStreamBody, count: PLAN.ttfbCount }));
      }
    }
    phasesRan.push('ttfb');

    log(`6. coding-agent request: ${(agentBody.length / 1024).toFixed(1)} KiB, 16 tools, stream + include_usage  [${elapsed()}]`);
    results.agent = await saturationRounds(targets, agentBody, PLAN.agentRounds, PLAN.agentSeconds, agentRates, 'agent');
    phasesRan.push('agent');
  } finally {
    sampler.sample();
    sampler.stop();
  }
  results.rss.load = Object.fromEntries(PROXIES.map((n) => [n, sampler.max(targets[n].pid)]));
  await new Promise((r) => setTimeout(r, SMOKE ? 300 : 3000));
  results.rss.after = rssNow();
  phasesRan.push('rss');
  return results;
}

/**
 * Start-up time, spawn → first 200 from /health/liveliness, median of
 * PLAN.startupRuns, one process at a time: Switchyard with one deployment and
 * with LARGE, and as references the bare proxy (Node's own start-up plus an
 * http server: the floor) and Portkey (first answer on `/`).
 */
async function startupPhase(mockUrl) {
  const kinds = [
    { name: 'bare', path: '/health/liveliness', ok: (s) => s > 0, build: (port) => ({ args: [join(BENCH, 'targets/bare-proxy.mjs'), '--upstream', mockUrl, '--port', String(port)] }) },
    { name: 'switchyard', path: '/health/liveliness', ok: (s) => s === 200, build: (port) => spawnSwitchyard(mockUrl, { root: switchyardRoot, port }) },
    { name: `switchyard${LARGE}`, path: '/health/liveliness', ok: (s) => s === 200, build: (port) => spawnSwitchyard(mockUrl, { root: switchyardRoot, port, deployments: LARGE }) },
    ...(PORTKEY ? [{ name: 'portkey', path: '/', ok: (s) => s > 0, build: (port) => ({ args: [join(BENCH, 'targets/portkey.mjs'), '--port', String(port)] }) }] : []),
  ];
  const out = Object.fromEntries(kinds.map((k) => [k.name, []]));
  for (let r = 0; r < PLAN.startupRuns; r++) {
    for (const k of rotate(r, kinds.map((x) => x.name)).map((n) => kinds.find((x) => x.name === n))) {
      out[k.name].push(await timeToAnswer(k.build, { path: k.path, ok: k.ok }));
    }
  }
  log(`  start-up, median ms: ${kinds.map((k) => `${k.name} ${fmt.ms(medianOf(out[k.name]), 0)}`).join(', ')}  [${elapsed()}]`);
  phasesRan.push('startup');
  return out;
}

/**
 * Saturation rounds between `names` (the main Switchyard and others: the
 * `extras` started for this phase, each under its `key`, or targets already
 * running), interleaved, same load as phase 1. The extras are stopped
 * afterwards; `rss` holds each extra's, by key.
 */
async function versusPhase(targets, extras, names, label) {
  const all = { ...targets, ...Object.fromEntries(extras.map((e) => [e.key, e])) };
  for (const extra of extras) {
    await withStderr(extra, async () => {
      const ok = await post(extra.url, smallBody);
      if (ok.status !== 200) throw new Error(`${extra.key}: answered ${ok.status}: ${ok.text.slice(0, 200)}`);
    });
    // Each worker compiles its own hot code from its share of the traffic: N workers get N times one process's warm-up.
    const workers = extra.workers ?? 1;
    if (workers > 1 && PLAN.warmSeconds > 0) {
      await saturate({ url: extra.url, path: PATH, headers: HEADERS, body: smallBody, connections: PLAN.connections, amount: 1e9, maxSeconds: PLAN.warmSeconds * (workers - 1) });
    }
  }
  const rates = await calibrate(all, smallBody, names);
  const runs = await saturationRounds(all, smallBody, PLAN.scaleRounds, PLAN.scaleSeconds, rates, label, names);
  const steady = await steadyRounds(all, names, label);
  const rss = Object.fromEntries(extras.map((e) => [e.key, rssBytes(e.pids ?? e.pid)]));
  await Promise.all(extras.map((e) => stopOne(e)));
  return { runs, steady, rss };
}

/**
 * CPU per request at a steady PLAN.pacedRate (open loop, as in 3b), the
 * targets interleaved: at saturation on 2 cores shared with the load
 * generator and the mock, a target with more processes waits more for a
 * core and batches fewer requests per wake-up; at a fixed rate every target
 * has the same work to do and the CPU it spends on it is comparable.
 * `cpu` holds one figure per process (a --num_workers primary and workers).
 */
async function steadyRounds(targets, names, label) {
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < PLAN.latRounds; r++) {
    for (const name of rotate(r, names)) {
      const pids = [targets[name].pids ?? [targets[name].pid]].flat();
      const cpu0 = pids.map(cpuMs);
      // Spread over every connection, so that both workers get their share.
      const p = await pacedLatency({ url: targets[name].url, path: PATH, headers: headersFor(targets[name]), body: smallBody, rate: PLAN.pacedRate, seconds: PLAN.pacedSeconds, spread: true });
      if (p.failed > 0) failures.push(`${label} steady ${name} round ${r + 1}: ${p.failed} failed requests`);
      const cpu = pids.map((pid, i) => (cpuMs(pid) - cpu0[i]) / p.served);
      out[name].push({ cpu, cpuMsPerRequest: cpu.reduce((a, b) => a + b, 0), p50: percentile(p.samples, 50) });
    }
  }
  log(`  ${label}, steady ${PLAN.pacedRate} req/s: CPU ms per request ${names.map((n) => `${n} ${fmt.ms(medianOf(out[n].map((x) => x.cpuMsPerRequest)))}`).join(', ')}  [${elapsed()}]`);
  return out;
}

/**
 * The soak: PLAN.soak requests at saturation against the main Switchyard
 * (alternating small non-stream and stream bodies), in ten slices, RSS read
 * after each slice and sampled every 200 ms for the peak; then idle.
 */
async function soakPhase(target) {
  const slices = 10;
  const per = Math.ceil(PLAN.soak / slices);
  const rssStart = rssBytes(target.pid);
  const sampler = rssSampler([target.pid]);
  const series = [];
  const heap = [];
  let served = 0;
  const t = performance.now();
  try {
    for (let i = 0; i < slices; i++) {
      const res = await saturate({
        url: target.url, path: PATH, headers: HEADERS, bodies: [smallBody, smallStreamBody], connections: PLAN.connections,
        amount: per, maxSeconds: per / 200 + 30,
      });
      if (res.failed > 0) failures.push(`soak slice ${i + 1}: ${res.failed} failed requests`);
      served += res.ok;
      series.push(rssBytes(target.pid));
      heap.push(await heapUsed(target.url));
      if (!SMOKE) log(`  soak ${fmt.int(served)} requests: RSS ${fmt.mb(series.at(-1))}  [${elapsed()}]`);
    }
  } finally {
    sampler.sample();
    sampler.stop();
  }
  const seconds = (performance.now() - t) / 1000;
  await new Promise((r) => setTimeout(r, SMOKE ? 300 : 3000));
  phasesRan.push('soak');
  return { served, seconds, rssStart, series, heap, peak: sampler.max(target.pid), after: rssBytes(target.pid) };
}

/**
 * Switchyard's V8 heap in use, from its /metrics (prom-client's default
 * process metrics): RSS that grows while this stays flat is the allocator
 * or fragmentation, not a leak.
 */
async function heapUsed(url) {
  const res = await undici.request(`${url}/metrics`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
  const text = await res.body.text();
  const m = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** The pids of a multi-process target (--num_workers, or the bare proxy's --workers): the primary and its workers, once all `count` workers run. */
async function workerPids(target, count) {
  for (let i = 0; i < 200; i++) {
    const pids = processTree(target.pid);
    if (pids.length >= count + 1) return pids;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${target.name}, ${count} workers: the workers did not start`);
}

async function scalePhases(targets) {
  const out = {};
  if (runs('large')) {
    log(`7. ${fmt.int(LARGE)} deployments in the alias group vs 1  [${elapsed()}]`);
    const large = await startSwitchyard(targets.direct.url, { root: switchyardRoot, deployments: LARGE, name: `switchyard${LARGE}` });
    large.key = 'large';
    out.large = await versusPhase(targets, [large], ['switchyard', 'large'], `${LARGE} deployments`);
    phasesRan.push('large-config');
  }

  if (runs('workers')) {
    log(`8. --num_workers 2 vs one process, and the bare proxy's 2 workers vs its one process  [${elapsed()}]`);
    // The bare proxy as 2 cluster workers is what a second process can gain at all on this machine, where
    // the load generator and the mock share the cores: the measure Switchyard's workers are judged against.
    const [workers, bareWorkers, bare] = await Promise.all([
      startSwitchyard(targets.direct.url, { root: switchyardRoot, numWorkers: 2, name: 'switchyard-2-workers' }),
      startBare(targets.direct.url, { workers: 2, name: 'bare-proxy-2-workers' }),
      targets.bare ? undefined : startBare(targets.direct.url),
    ]);
    for (const [target, key] of [[workers, 'workers'], [bareWorkers, 'bareWorkers']]) {
      Object.assign(target, { key, workers: 2, pids: await workerPids(target, 2) });
    }
    if (bare) bare.key = 'bare';
    const extras = [workers, bareWorkers, ...(bare ? [bare] : [])];
    out.workers = await versusPhase(targets, extras, ['switchyard', 'workers', 'bare', 'bareWorkers'], '2 workers');
    phasesRan.push('workers');
  }

  if (PLAN.soak > 0) {
    log(`9. soak: ${fmt.int(PLAN.soak)} requests against Switchyard  [${elapsed()}]`);
    out.soak = await soakPhase(targets.switchyard);
  }
  return out;
}

// ---- figures ---------------------------------------------------------------------
const perRound = (runs, f, names = NAMES) => runs[names[0]].map((_, i) => f(Object.fromEntries(names.map((n) => [n, runs[n][i]]))));
const medianField = (list, f) => medianOf(list.map(f));
const dash = '—';

function figures(results, startup, scale) {
  const { sat, agent, seq, paced, ttfb, rss } = results;
  const pooled = (runs, key) => Object.fromEntries(NAMES.map((n) => [n, concat(runs[n].map((x) => (key ? x[key] : x)))]));
  const seqAll = pooled(seq);
  const pacedAll = pooled(paced, 'samples');
  const ttfbAll = pooled(ttfb, 'ttfb');
  const byName = (f) => Object.fromEntries(NAMES.map((n) => [n, f(n)]));

  const satRps = byName((n) => medianField(sat[n], (x) => x.rps));
  const satCpu = byName((n) => medianField(sat[n], (x) => x.cpuMsPerRequest[0]));
  const pacedCpu = byName((n) => medianField(paced[n], (x) => x.cpuMsPerRequest));
  const agentRps = byName((n) => medianField(agent[n], (x) => x.rps));
  const agentCpu = byName((n) => medianField(agent[n], (x) => x.cpuMsPerRequest[0]));
  const ratio = (runs, a, b, f) => perRound(runs, (x) => f(x[a]) / f(x[b]));
  const rps = (x) => x.rps;
  const cpu = (x) => x.cpuMsPerRequest[0];

  const r = {
    satSyBare: ratio(sat, 'switchyard', 'bare', rps),
    satSyDirect: ratio(sat, 'switchyard', 'direct', rps),
    cpuSyBare: ratio(sat, 'switchyard', 'bare', cpu),
    pacedCpuSyBare: ratio(paced, 'switchyard', 'bare', (x) => x.cpuMsPerRequest),
    agentSyBare: ratio(agent, 'switchyard', 'bare', rps),
    agentSyDirect: ratio(agent, 'switchyard', 'direct', rps),
    agentCpuSyBare: ratio(agent, 'switchyard', 'bare', cpu),
  };
  if (PORTKEY) {
    Object.assign(r, {
      satSyPk: ratio(sat, 'switchyard', 'portkey', rps),
      cpuSyPk: ratio(sat, 'switchyard', 'portkey', cpu),
      pacedCpuSyPk: ratio(paced, 'switchyard', 'portkey', (x) => x.cpuMsPerRequest),
      agentSyPk: ratio(agent, 'switchyard', 'portkey', rps),
      agentCpuSyPk: ratio(agent, 'switchyard', 'portkey', cpu),
    });
  }
  const lat = (all, q) => byName((n) => percentile(all[n], q));
  const seq50 = lat(seqAll, 50), seq99 = lat(seqAll, 99);
  const pac50 = lat(pacedAll, 50), pac99 = lat(pacedAll, 99);
  const tt50 = lat(ttfbAll, 50), tt99 = lat(ttfbAll, 99);
  const achieved = medianOf(NAMES.flatMap((n) => paced[n].map((x) => x.achievedRate)));

  // One row: a cell per target, then Switchyard vs bare, vs direct, and (when it ran) vs Portkey.
  const row = (label, cells, vsBare, vsDirect, vsPk) => [label, cells.direct ?? dash, cells.bare, cells.switchyard, ...(PORTKEY ? [cells.portkey] : []), vsBare, vsDirect, ...(PORTKEY ? [vsPk] : [])];
  const mocked = (v) => `${fmt.ms(v)} (mock)`;
  const latRow = (label, v) => row(label, byName((n) => fmt.ms(v[n])), fmt.added(v.switchyard - v.bare), fmt.added(v.switchyard - v.direct), PORTKEY ? fmt.added(v.switchyard - v.portkey) : undefined);
  const rssCell = (n) => `${fmt.mb(rss.idle[n])} / ${fmt.mb(rss.load[n])} / ${fmt.mb(rss.after[n])}`;
  const rows = [
    row(`1. Throughput, small chat body, non-stream, ${PLAN.connections} conns (req/s)`, byName((n) => fmt.int(satRps[n])), spread(r.satSyBare), spread(r.satSyDirect), PORTKEY && spread(r.satSyPk)),
    row('2. CPU per request, proxy process (ms)', { ...byName((n) => fmt.ms(satCpu[n])), direct: mocked(satCpu.direct) }, spread(r.cpuSyBare), dash, PORTKEY && spread(r.cpuSyPk)),
    row(`2b. CPU per request at a steady ${PLAN.pacedRate} req/s (ms)`, { ...byName((n) => fmt.ms(pacedCpu[n])), direct: mocked(pacedCpu.direct) }, spread(r.pacedCpuSyBare), dash, PORTKEY && spread(r.pacedCpuSyPk)),
    latRow('3a. Latency unloaded p50 (ms)', seq50),
    latRow('3a. Latency unloaded p99 (ms)', seq99),
    latRow(`3b. Latency at ${PLAN.pacedRate} req/s p50 (ms)`, pac50),
    latRow(`3b. Latency at ${PLAN.pacedRate} req/s p99 (ms)`, pac99),
    latRow('4. Stream time to first byte p50 (ms)', tt50),
    latRow('4. Stream time to first byte p99 (ms)', tt99),
    row('5. RSS idle / under load / after load', { ...byName((n) => (n === 'direct' ? dash : rssCell(n))) }, dash, dash, dash),
    row(`6. Agent request ${(agentBody.length / 1024).toFixed(0)} KiB, 16 tools, stream + usage (req/s)`, byName((n) => fmt.int(agentRps[n])), spread(r.agentSyBare), spread(r.agentSyDirect), PORTKEY && spread(r.agentSyPk)),
    row('6. Agent request CPU per request, proxy process (ms)', { ...byName((n) => fmt.ms(agentCpu[n])), direct: mocked(agentCpu.direct) }, spread(r.agentCpuSyBare), dash, PORTKEY && spread(r.agentCpuSyPk)),
  ];
  const header = ['Measure', 'direct (mock)', 'bare proxy', 'Switchyard', ...(PORTKEY ? ['Portkey'] : []), 'Switchyard vs bare', 'Switchyard vs direct', ...(PORTKEY ? ['Switchyard vs Portkey'] : [])];
  const table = markdownTable(header, rows);

  const scaled = scaleFigures(startup, scale);
  const { scaleTable } = scaled;

  const checks = [
    // Both loads: at a steady rate both proxies do the same work and the ratio is the code's; at saturation
    // it also holds what a bottleneck costs on 2 shared cores (its peers idle, and each write wakes one).
    { what: `CPU per request ≤ 2× bare proxy, at a steady ${PLAN.pacedRate} req/s`, ok: medianOf(r.pacedCpuSyBare) <= 2, shown: fmt.ratio(medianOf(r.pacedCpuSyBare)) },
    { what: 'CPU per request ≤ 2× bare proxy, at saturation', ok: medianOf(r.cpuSyBare) <= 2, shown: fmt.ratio(medianOf(r.cpuSyBare)) },
    { what: 'throughput ≥ 0.6× bare proxy', ok: medianOf(r.satSyBare) >= 0.6, shown: fmt.ratio(medianOf(r.satSyBare)) },
    ...(PORTKEY ? [{ what: 'throughput ≥ 10× Portkey', ok: medianOf(r.satSyPk) >= 10, shown: fmt.ratio(medianOf(r.satSyPk)) }] : []),
    { what: 'added p50 latency, unloaded ≤ 0.3 ms', ok: seq50.switchyard - seq50.direct <= 0.3, shown: fmt.added(seq50.switchyard - seq50.direct) },
    { what: 'added stream TTFB p50 ≤ 0.5 ms', ok: tt50.switchyard - tt50.direct <= 0.5, shown: fmt.added(tt50.switchyard - tt50.direct) },
    { what: 'RSS idle ≤ 80 MB', ok: rss.idle.switchyard <= 80 * 1024 * 1024, shown: fmt.mb(rss.idle.switchyard) },
    ...scaled.checks,
  ];
  const targetTable = markdownTable(['Target', 'measured', 'verdict'], checks.map((c) => [c.what, c.shown, c.ok ? 'met' : '**missed**']));
  const notes = [
    `Ratios are medians of per-round ratios (min–max over ${PLAN.satRounds} saturation rounds, ${PLAN.agentRounds} agent rounds, ${PLAN.scaleRounds} rounds for ${fmt.int(LARGE)} deployments and for workers); throughput and CPU cells are medians over rounds.`,
    `Latency and TTFB percentiles pool ${PLAN.latRounds} interleaved rounds (${fmt.int(PLAN.seqCount * PLAN.latRounds)} sequential requests, ${fmt.int(PLAN.ttfbCount * PLAN.latRounds)} streams, ${fmt.int(PLAN.pacedRate * PLAN.pacedSeconds * PLAN.latRounds)} paced requests per target; paced rate achieved ${fmt.int(achieved)} req/s).`,
    `Mock CPU per request when called through each target, saturation: ${NAMES.map((n) => `${n === 'direct' ? 'direct' : `via ${n}`} ${fmt.ms(medianField(sat[n], (x) => x.cpuMsPerRequest[n === 'direct' ? 0 : 1]))}`).join(', ')} ms.`,
    ...scaled.notes,
  ];
  return { table, scaleTable, targetTable, checks, notes, ratios: r };
}

/** --only without the main phase: the scale table, its notes and its verdicts. */
function partialFigures(startup, scale) {
  const scaled = scaleFigures(startup, scale);
  const targetTable = markdownTable(['Target', 'measured', 'verdict'], scaled.checks.map((c) => [c.what, c.shown, c.ok ? 'met' : '**missed**']));
  return { table: undefined, scaleTable: scaled.scaleTable, targetTable, checks: scaled.checks, notes: [`Partial run: --only ${[...ONLY].join(',')}.`, ...scaled.notes] };
}

/** Start-up, the large config, workers and the soak: each part only when its phase ran (--only). */
function scaleFigures(startup, scale) {
  const rps = (x) => x.rps;
  const cpu = (x) => x.cpuMsPerRequest[0];
  const med = (list) => medianOf(list);
  const range = (v) => (v.length > 1 ? ` (${fmt.ms(Math.min(...v), 0)}–${fmt.ms(Math.max(...v), 0)})` : '');
  const pct = (v) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(1)} %` : 'n/a');
  const rows = [];
  const checks = [];
  const notes = [];
  if (startup) {
    const startupMs = Object.fromEntries(Object.entries(startup).map(([k, v]) => [k, med(v)]));
    rows.push(
      ['Start-up to first answer, bare proxy (Node + http server: the floor) (ms)', `${fmt.ms(startupMs.bare, 0)}${range(startup.bare)}`, dash],
      ['Start-up to first 200 from /health/liveliness, Switchyard, 1 deployment (ms)', `${fmt.ms(startupMs.switchyard, 0)}${range(startup.switchyard)}`, `${fmt.ratio(startupMs.switchyard / startupMs.bare)} bare`],
      [`Start-up, Switchyard, ${fmt.int(LARGE)} deployments (ms)`, `${fmt.ms(startupMs[`switchyard${LARGE}`], 0)}${range(startup[`switchyard${LARGE}`])}`, `${fmt.ratio(startupMs[`switchyard${LARGE}`] / startupMs.switchyard)} 1 deployment`],
      ...(PORTKEY ? [['Start-up to first answer on /, Portkey (ms)', `${fmt.ms(startupMs.portkey, 0)}${range(startup.portkey)}`, `Switchyard ${fmt.ratio(startupMs.switchyard / startupMs.portkey)}`]] : []),
    );
    notes.push(`Start-up: median of ${PLAN.startupRuns} starts each (min–max), spawn → first answer, one process starting at a time.`);
  }
  // Saturation and steady-rate rows of one versus phase (`key` against `base`, by default the main Switchyard).
  const versus = (part, key, what, per, base = 'switchyard') => {
    const { runs, steady } = part;
    const names = [base, key];
    const rpsRatio = perRound(runs, (x) => x[key].rps / x[base].rps, names);
    const cpuRatio = perRound(runs, (x) => cpu(x[key]) / cpu(x[base]), names);
    const steadyRatio = perRound(steady, (x) => x[key].cpuMsPerRequest / x[base].cpuMsPerRequest, names);
    const steadyCpu = (n) => medianField(steady[n], (x) => x.cpuMsPerRequest);
    rows.push(
      [`${what}: throughput at saturation (req/s)`, `${fmt.int(medianField(runs[key], rps))} vs ${fmt.int(medianField(runs[base], rps))}`, `${spread(rpsRatio)} ${per}`],
      [`${what}: CPU per request at saturation (ms)`, `${fmt.ms(medianField(runs[key], cpu))} vs ${fmt.ms(medianField(runs[base], cpu))}`, `${spread(cpuRatio)} ${per}`],
      [`${what}: CPU per request at a steady ${PLAN.pacedRate} req/s (ms)`, `${fmt.ms(steadyCpu(key))} vs ${fmt.ms(steadyCpu(base))}`, `${spread(steadyRatio)} ${per}`],
    );
    return { rpsRatio, steadyRatio };
  };
  if (scale.large) {
    versus(scale.large, 'large', `${fmt.int(LARGE)} deployments in the alias group`, '1 deployment');
    rows.push([`${fmt.int(LARGE)} deployments: RSS after its runs`, fmt.mb(scale.large.rss.large), dash]);
  }
  if (scale.workers) {
    const { runs } = scale.workers;
    const { rpsRatio } = versus(scale.workers, 'workers', '`--num_workers 2` (primary + workers)', '1 process');
    const split = (i) => fmt.ms(medianField(scale.workers.steady.workers, (x) => x.cpu[i] ?? NaN));
    rows.push(
      [`\`--num_workers 2\`: CPU per request at ${PLAN.pacedRate} req/s, primary / worker 1 / worker 2 (ms)`, `${split(0)} / ${split(1)} / ${split(2)}`, dash],
      ['`--num_workers 2`: RSS, primary + workers', fmt.mb(scale.workers.rss.workers), dash],
    );
    const { rpsRatio: bareRatio } = versus(scale.workers, 'bareWorkers', 'Bare proxy, 2 cluster workers (primary + workers)', '1 process', 'bare');
    // Within each round: what a second process gave Switchyard over what it gave the floor, on the same cores at the same moment.
    const gainRatio = perRound(runs, (x) => (x.workers.rps / x.switchyard.rps) / (x.bareWorkers.rps / x.bare.rps), ['switchyard', 'workers', 'bare', 'bareWorkers']);
    rows.push([
      "Switchyard's 2-worker gain / the bare proxy's 2-worker gain (throughput at saturation)",
      `${fmt.ratio(medianOf(rpsRatio))} / ${fmt.ratio(medianOf(bareRatio))}`,
      spread(gainRatio),
    ]);
    checks.push(
      { what: '`--num_workers 2` scales throughput (≥ 1.6× one process)', ok: medianOf(rpsRatio) >= 1.6, shown: fmt.ratio(medianOf(rpsRatio)) },
      { what: "`--num_workers 2` scales as the bare proxy does on this machine (Switchyard's 2-worker gain ≥ 0.9× the bare proxy's)", ok: medianOf(gainRatio) >= 0.9, shown: fmt.ratio(medianOf(gainRatio)) },
    );
  }
  const soak = scale.soak;
  if (soak) {
    // RSS follows the old generation's sawtooth (tens of MB between collections), so a single tenth can
    // land on a peak or a trough: growth is the median of the last three tenths against the first three.
    const soakGrowth = medianOf(soak.series.slice(-3)) / medianOf(soak.series.slice(0, 3)) - 1;
    rows.push(
      [`Soak: ${fmt.int(soak.served)} requests (small, alternately non-stream and stream)`, `${fmt.ms(soak.seconds, 0)} s, ${fmt.int(soak.served / soak.seconds)} req/s`, dash],
      ['Soak: RSS before / after 1st tenth / at the end / peak / 3 s after', `${fmt.mb(soak.rssStart)} / ${fmt.mb(soak.series[0])} / ${fmt.mb(soak.series.at(-1))} / ${fmt.mb(soak.peak)} / ${fmt.mb(soak.after)}`, `${pct(soakGrowth)}, last three tenths against the first three (medians)`],
      ['Soak: V8 heap in use (its /metrics) after the 1st tenth / at the end', `${fmt.mb(soak.heap[0])} / ${fmt.mb(soak.heap.at(-1))}`, `${pct(soak.heap.at(-1) / soak.heap[0] - 1)}`],
    );
    checks.push({ what: `RSS steady across the ${fmt.int(soak.served)}-request soak (≤ +10 %, median of its last three tenths against its first three)`, ok: soakGrowth <= 0.1, shown: pct(soakGrowth) });
    notes.push(`Soak RSS after each tenth: ${soak.series.map(fmt.mb).join(', ')}; V8 heap in use: ${soak.heap.map(fmt.mb).join(', ')}.`);
  } else {
    notes.push('Soak skipped (--soak 0).');
  }
  return { scaleTable: markdownTable(['Start-up, large config, workers, soak', 'measured', 'ratio'], rows), checks, notes };
}

// ---- profile mode ----------------------------------------------------------------
async function profile() {
  const { formatComparison, summarise } = await import('./lib/profile-summary.mjs');
  const seconds = SMOKE ? 0.5 : 6;
  // A steady rate well below saturation: V8's profiler samples wall-clock time, so on a
  // saturated 2-core machine it would charge the time a process waits for a core to
  // whatever it was doing (mostly the socket write that woke the process it talks to).
  const workloads = [
    { label: 'small chat body, non-stream', body: smallBody, rate: SMOKE ? 200 : 1500 },
    { label: `agent request (${(agentBody.length / 1024).toFixed(0)} KiB, 16 tools, stream + include_usage)`, body: agentBody, rate: SMOKE ? 100 : 500 },
  ];
  const mock = await startMock();
  const parts = [
    `Profiles of ${new Date().toISOString().slice(0, 10)}, \`node bench/run.mjs --profile${REF ? ` --ref ${REF}` : ''}\` (Switchyard ${switchyardRev}):`,
    `for each workload, the bare proxy and then Switchyard run under \`node --cpu-prof\` at a steady rate for ${seconds} s, below saturation so that`,
    'the wall-clock sampler sees CPU time, not waiting for a core; each figure is divided by the requests served. Self time is where the CPU was when',
    'sampled; inclusive time adds what a function called. Start-up and idle time are left out. The "/proc" line is the CPU the kernel',
    'counted over the run (profiler included): the sampler still counts more, mostly inside `writev`, the socket write system call, where',
    'a process on this VM often loses its core to the process it just woke; strace counts the same number of socket writes per',
    'non-stream request for both (one for the upstream request, one for the answer), so read `writev` as inflated and compare the rest.',
    'Switchyard runs from tsc\'s `dist/cli/main.js` here (the same code as the `dist/switchyard.js` bundle, with each function in its own file).',
  ];
  const profiled = async (start, w) => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-prof-'));
    try {
      const target = await start(dir);
      const cpu0 = cpuMs(target.pid);
      const res = await pacedLatency({ url: target.url, path: PATH, headers: HEADERS, body: w.body, rate: w.rate, seconds });
      const cpu = cpuMs(target.pid) - cpu0;
      if (res.failed > 0) failures.push(`profile ${target.name}: ${res.failed} failed requests`);
      await stopOne(target);
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length === 0) throw new Error(`${target.name} wrote no .cpuprofile`);
      return { summary: summarise(join(dir, files[0])), requests: res.served, procCpuUs: (cpu * 1000) / res.served };
    } finally {
      rmSync(dir, { recursive: true, force: true }); // the .cpuprofile goes with it
    }
  };
  for (const w of workloads) {
    log(`profiling: ${w.label} at ${w.rate} req/s, bare proxy then Switchyard, ${seconds} s each  [${elapsed()}]`);
    const bare = await profiled((dir) => startBare(mock.url, { cpuProfDir: dir }), w);
    // tsc's modules, not the bundle: the same code, but each function keeps its file, so the
    // table can tell Switchyard's own time from zod's, yaml's or eventsource-parser's.
    const sy = await profiled((dir) => startSwitchyard(mock.url, { cpuProfDir: dir, root: switchyardRoot, entry: 'dist/cli/main.js' }), w);
    parts.push('', `### ${w.label}, ${w.rate} req/s`, '', formatComparison(bare, sy));
  }
  if (failures.length > 0) throw new Error(`requests failed while profiling:\n  ${failures.join('\n  ')}`);
  const section = parts.join('\n');
  console.log(section);
  if (!SMOKE && !flag('--no-write')) {
    replaceSection(README, 'bench:profile', section);
    log(`wrote the profile summary into ${README}`);
  }
}

// ---- main --------------------------------------------------------------------------
try {
  prepare();
  if (PROFILE) {
    await profile();
  } else {
    if (!SMOKE) await waitForQuiet(Number(argv.includes('--quiet-wait') ? argv[argv.indexOf('--quiet-wait') + 1] : 60));
    // How much of the machine other processes took while we measured: the noise indicator.
    const busy0 = machineBusyMs();
    const ours0 = treeCpuMs(process.pid);
    const w0 = performance.now();
    log(`starting the mock upstream  [${elapsed()}]`);
    const mock = await startMock();
    log(`starting targets  [${elapsed()}]`);
    // The bare proxy and Portkey serve the main phase; the other phases measure Switchyard against itself,
    // but for the workers phase, which starts a bare proxy of its own when this one is not there.
    const [bare, switchyard, portkey] = await Promise.all([
      runs('main') ? startBare(mock.url) : undefined, startSwitchyard(mock.url, { root: switchyardRoot }), PORTKEY && runs('main') ? startPortkey(mock.url) : undefined,
    ]);
    const targets = { direct: mock, switchyard, ...(bare ? { bare } : {}), ...(portkey ? { portkey } : {}) };
    log(`  ${Object.keys(targets).map((n) => `${n} ${targets[n].url} (pid ${targets[n].pid})`).join(', ')}`);
    const results = runs('main') ? await measureAll(targets) : undefined;
    const scale = await scalePhases(targets);
    // Last: its polling opens thousands of short-lived connections, and saturation runs measured
    // in the next minute or two cost Switchyard ≈25 % more CPU per request (bare ≈5 %); see bench/README.
    let startup;
    if (runs('startup')) {
      await stopAll();
      log(`start-up time, ${PLAN.startupRuns} start(s) per process, one process at a time  [${elapsed()}]`);
      const startupMock = await startMock();
      startup = await startupPhase(startupMock.url);
      await stopAll();
    }
    const foreignPct = (100 * (machineBusyMs() - busy0 - (treeCpuMs(process.pid) - ours0))) / (performance.now() - w0) / os.cpus().length;
    const f = results ? figures(results, startup, scale) : partialFigures(startup, scale);
    const meta = machine();
    const args = argv.length ? ` ${argv.join(' ')}` : '';
    const command = process.env.npm_lifecycle_event === 'bench' ? `npm run bench${args ? ` --${args}` : ''}` : `node bench/run.mjs${args}`;
    const header = [
      `Run of ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} — \`${command}\` (${elapsed()} in all${SMOKE ? ', SMOKE: tiny loads, numbers meaningless' : ''}).`,
      `Node ${meta.node}, undici ${undiciVersion}, ${meta.cpuModel} (${meta.cores} cores), Linux ${meta.kernel}; load average at start ${LOADAVG};`,
      `other processes took ${Math.max(0, foreignPct).toFixed(0)} % of the machine's CPU while it measured${foreignPct > 10 ? ' (**a busy machine: the figures are noisy**)' : ''}.`,
      `Switchyard ${switchyardRev}${REF ? ` (--ref ${REF}, built from the commit alone)` : ''}: \`${switchyard.command}\`, alias → groq/ at the mock via api_base, master_key on.`,
    ].join('\n');
    const section = [header, '', ...(f.table ? [f.table, ''] : []), f.scaleTable, '', f.notes.map((n) => `- ${n}`).join('\n'), '', f.targetTable].join('\n');
    console.log(`\n${section}\n`);
    if (failures.length > 0) throw new Error(`requests failed during the runs:\n  ${failures.join('\n  ')}`);
    if (!SMOKE && !ONLY && !flag('--no-write')) {
      replaceSection(README, 'bench:figures', section);
      log(`wrote the figures into ${README}`);
    }
    const missed = f.checks.filter((c) => !c.ok);
    if (missed.length > 0 && !SMOKE) log(`missed: ${missed.map((c) => c.what).join('; ')} → profile with \`node bench/run.mjs --profile\``);
  }
  if (!PROFILE) log(`phases ran: ${phasesRan.join(', ')}`);
  log(`done  [${elapsed()}]`);
  await shutdown(0);
} catch (err) {
  // The message may have grown (a child's stderr) after the stack was captured.
  const frames = err?.stack?.split('\n').filter((l) => /^\s+at /.test(l)).join('\n');
  log(`bench failed: ${err?.message ?? err}${frames ? `\n${frames}` : ''}`);
  await shutdown(1);
}
