#!/usr/bin/env node
// Switchyard overhead benchmark. `npm run bench` from the repository root.
//
//   node bench/run.mjs            full run (≈2–3 min), writes the figures into bench/README.md
//   node bench/run.mjs --smoke    a few seconds, tiny loads, proves the harness end to end (writes nothing)
//   node bench/run.mjs --profile  runs Switchyard under --cpu-prof, writes "Where the time goes" into bench/README.md
//
// Options: --no-build (use dist/ as it is), --ref REV (build and measure that commit alone, in a
// scratch directory, whatever the work tree holds), --no-write (print only), --rounds N,
// --quiet-wait S (wait up to S seconds, default 60, for other processes to leave the CPU idle).
// Three targets, each in its own process, all on 127.0.0.1: the mock upstream
// (called directly: the baseline), the bare proxy (the floor) and Switchyard
// (the compiled CLI). Measurements interleave the targets round by round so
// that machine noise hits all of them alike; ratios are taken within a round.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentBody, smallBody, smallStreamBody } from './lib/bodies.mjs';
import { killAllNow, MASTER_KEY, REPO, startBare, startMock, startSwitchyard, stopAll, stopOne } from './lib/processes.mjs';
import { concat, cpuMs, machineBusyMs, pacedLatency, percentile, rssBytes, rssSampler, saturate, sequentialLatency, streamTtfb } from './lib/measure.mjs';
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

const roundsArg = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : undefined;
const PLAN = SMOKE
  ? { satRounds: 1, latRounds: 1, agentRounds: 1, connections: 10, warmSeconds: 0, calSeconds: 0.2, satSeconds: 0.2, seqCount: 50, pacedRate: 100, pacedSeconds: 0.3, ttfbCount: 30, agentSeconds: 0.2, limitSeconds: 90 }
  : { satRounds: 10, latRounds: 3, agentRounds: 8, connections: 50, warmSeconds: 1, calSeconds: 0.7, satSeconds: 1.5, seqCount: 2000, pacedRate: 500, pacedSeconds: 3, ttfbCount: 1000, agentSeconds: 1.2, limitSeconds: 600 };
if (roundsArg) Object.assign(PLAN, { satRounds: roundsArg, latRounds: roundsArg, agentRounds: roundsArg });

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
function git(args) {
  const r = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

/** Where the Switchyard under test lives: the work tree, or with --ref REV a snapshot of that commit built in a scratch directory. */
let switchyardRoot = REPO;
let switchyardRev;
const REF = argv.includes('--ref') ? argv[argv.indexOf('--ref') + 1] : undefined;

function snapshot(ref) {
  const sha = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  if (!sha) throw new Error(`--ref ${ref}: not a commit`);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-ref-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  log(`building Switchyard ${sha.slice(0, 7)} in ${dir}`);
  run('sh', ['-c', `git archive ${sha} package.json tsconfig.json tsconfig.build.json src | tar -x -C '${dir}'`], { cwd: REPO });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  run(join(REPO, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: dir });
  switchyardRoot = dir;
  switchyardRev = sha.slice(0, 7);
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
  if (!existsSync(join(BENCH, 'node_modules', 'autocannon'))) {
    log('installing the load generator: npm ci --prefix bench');
    run('npm', ['ci', '--prefix', BENCH, '--no-audit', '--no-fund'], { cwd: REPO });
  }
  if (REF) return snapshot(REF);
  // The smoke test checks the harness, not the figures: it uses dist/ as it is unless asked to build.
  if (SMOKE ? flag('--build') || !existsSync(join(REPO, 'dist/cli/main.js')) : !flag('--no-build')) {
    log('building Switchyard: npm run build');
    run('npm', ['run', 'build', '--silent'], { cwd: REPO });
  }
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js is missing: run `npm run build`');
  const dirty = git(['status', '--porcelain', '--', 'src', 'package.json', 'package-lock.json']) ? ' + uncommitted changes in src/' : '';
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
async function post(url, body, headers = HEADERS) {
  const res = await undici.request(url + PATH, { method: 'POST', headers, body });
  return { status: res.statusCode, text: await res.body.text() };
}

async function sanity(targets) {
  for (const [name, t] of Object.entries(targets)) {
    const plain = await post(t.url, smallBody);
    if (plain.status !== 200 || !Array.isArray(JSON.parse(plain.text).choices)) throw new Error(`${name}: non-stream answer is wrong: ${plain.status} ${plain.text.slice(0, 200)}`);
    for (const body of [smallStreamBody, agentBody]) {
      const s = await post(t.url, body);
      if (s.status !== 200 || !s.text.trimEnd().endsWith('data: [DONE]')) throw new Error(`${name}: stream answer is wrong: ${s.status} ${s.text.slice(0, 200)}`);
    }
  }
  // Switchyard proves the path under test: auth on, the alias routed to the mock, usage re-emitted.
  const denied = await post(targets.switchyard.url, smallBody, { 'content-type': 'application/json' });
  if (denied.status !== 401) throw new Error(`switchyard: a request without the master key got ${denied.status}, expected 401`);
  const agent = await post(targets.switchyard.url, agentBody);
  if (!/"choices":\[\],"usage":\{/.test(agent.text)) throw new Error('switchyard: include_usage stream has no usage chunk');
}

// ---- measurement phases --------------------------------------------------------
const NAMES = ['direct', 'bare', 'switchyard'];
const rotate = (round) => NAMES.map((_, i) => NAMES[(i + round) % NAMES.length]);

/** The processes whose CPU a run on `name` reads: the proxy (if any), then the mock. */
const cpuPidsFor = (targets, name) => (name === 'direct' ? [targets.direct.pid] : [targets[name].pid, targets.direct.pid]);

/** Warms each target (JIT, connection pools) with a timed saturation run, then measures its rate with a second one. */
async function calibrate(targets, body) {
  const rates = {};
  for (const name of NAMES) {
    const run = (maxSeconds) => saturate({ url: targets[name].url, path: PATH, headers: HEADERS, body, connections: PLAN.connections, amount: 1e9, maxSeconds });
    if (PLAN.warmSeconds > 0) await run(PLAN.warmSeconds);
    rates[name] = (await run(PLAN.calSeconds)).rps;
  }
  return rates;
}

/** Fixed-count saturation runs, interleaved; `rates` from calibration sizes each run to ≈`seconds`. */
async function saturationRounds(targets, body, rounds, seconds, rates, label) {
  const out = Object.fromEntries(NAMES.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of rotate(r)) {
      const amount = Math.max(PLAN.connections * 4, Math.round(rates[name] * seconds));
      const res = await saturate({
        url: targets[name].url, path: PATH, headers: HEADERS, body, connections: PLAN.connections,
        amount, maxSeconds: seconds * 4 + 5, cpuPids: cpuPidsFor(targets, name),
      });
      if (res.failed > 0) failures.push(`${label} ${name} round ${r + 1}: ${res.failed} failed requests`);
      out[name].push(res);
    }
    log(`  ${label} round ${r + 1}/${rounds}: ${NAMES.map((n) => `${n} ${fmt.int(out[n].at(-1).rps)} req/s`).join(', ')}  [${elapsed()}]`);
  }
  return out;
}

const failures = [];

async function measureAll(targets) {
  const results = { rss: {} };
  const sy = targets.switchyard;
  const bare = targets.bare;
  await new Promise((r) => setTimeout(r, 300));
  results.rss.idle = { switchyard: rssBytes(sy.pid), bare: rssBytes(bare.pid) };

  log(`sanity checks  [${elapsed()}]`);
  try {
    await sanity(targets);
  } catch (err) {
    await new Promise((r) => setTimeout(r, 200)); // let its log line arrive
    const said = sy.stderr().trim();
    if (said) err.message += `\n--- switchyard stderr ---\n${said}`;
    throw err;
  }

  const sampler = rssSampler([sy.pid, bare.pid]);
  try {
    log(`warm-up and calibration  [${elapsed()}]`);
    const smallRates = await calibrate(targets, smallBody);
    const agentRates = await calibrate(targets, agentBody);

    log(`1+2. saturation, small non-stream body, ${PLAN.connections} connections  [${elapsed()}]`);
    results.sat = await saturationRounds(targets, smallBody, PLAN.satRounds, PLAN.satSeconds, smallRates, 'saturation');

    log(`3. latency: unloaded (1 connection, sequential) and paced at ${PLAN.pacedRate} req/s  [${elapsed()}]`);
    results.seq = Object.fromEntries(NAMES.map((n) => [n, []]));
    results.paced = Object.fromEntries(NAMES.map((n) => [n, []]));
    for (let r = 0; r < PLAN.latRounds; r++) {
      for (const name of rotate(r)) {
        results.seq[name].push(await sequentialLatency({ url: targets[name].url, path: PATH, headers: HEADERS, body: smallBody, count: PLAN.seqCount }));
      }
      for (const name of rotate(r)) {
        const pid = targets[name].pid;
        const cpu0 = cpuMs(pid);
        const p = await pacedLatency({ url: targets[name].url, path: PATH, headers: HEADERS, body: smallBody, rate: PLAN.pacedRate, seconds: PLAN.pacedSeconds });
        p.cpuMsPerRequest = (cpuMs(pid) - cpu0) / p.served;
        if (p.failed > 0) failures.push(`paced ${name} round ${r + 1}: ${p.failed} failed requests`);
        results.paced[name].push(p);
      }
      log(`  latency round ${r + 1}/${PLAN.latRounds}  [${elapsed()}]`);
    }

    log(`4. streaming time to first byte, ${PLAN.ttfbCount} sequential stream:true requests per target and round  [${elapsed()}]`);
    results.ttfb = Object.fromEntries(NAMES.map((n) => [n, []]));
    for (let r = 0; r < PLAN.latRounds; r++) {
      for (const name of rotate(r)) {
        results.ttfb[name].push(await streamTtfb({ url: targets[name].url, path: PATH, headers: HEADERS, body: smallStreamBody, count: PLAN.ttfbCount }));
      }
    }

    log(`6. coding-agent request: ${(agentBody.length / 1024).toFixed(1)} KiB, 16 tools, stream + include_usage  [${elapsed()}]`);
    results.agent = await saturationRounds(targets, agentBody, PLAN.agentRounds, PLAN.agentSeconds, agentRates, 'agent');
  } finally {
    sampler.sample();
    sampler.stop();
  }
  results.rss.load = { switchyard: sampler.max(sy.pid), bare: sampler.max(bare.pid) };
  await new Promise((r) => setTimeout(r, SMOKE ? 300 : 3000));
  results.rss.after = { switchyard: rssBytes(sy.pid), bare: rssBytes(bare.pid) };
  return results;
}

// ---- figures ---------------------------------------------------------------------
const perRound = (runs, f) => runs.direct.map((_, i) => f(Object.fromEntries(NAMES.map((n) => [n, runs[n][i]]))));
const medianField = (list, f) => medianOf(list.map(f));

function figures(results) {
  const { sat, agent, seq, paced, ttfb, rss } = results;
  const pooled = (runs, key) => Object.fromEntries(NAMES.map((n) => [n, concat(runs[n].map((x) => (key ? x[key] : x)))]));
  const seqAll = pooled(seq);
  const pacedAll = pooled(paced, 'samples');
  const ttfbAll = pooled(ttfb, 'ttfb');
  const p = (arr, q) => percentile(arr, q);

  const satRps = Object.fromEntries(NAMES.map((n) => [n, medianField(sat[n], (x) => x.rps)]));
  const satCpu = Object.fromEntries(NAMES.map((n) => [n, medianField(sat[n], (x) => x.cpuMsPerRequest[0])]));
  const agentRps = Object.fromEntries(NAMES.map((n) => [n, medianField(agent[n], (x) => x.rps)]));
  const agentCpu = Object.fromEntries(NAMES.map((n) => [n, medianField(agent[n], (x) => x.cpuMsPerRequest[0])]));

  const r = {
    satSyBare: perRound(sat, (x) => x.switchyard.rps / x.bare.rps),
    satSyDirect: perRound(sat, (x) => x.switchyard.rps / x.direct.rps),
    satBareDirect: perRound(sat, (x) => x.bare.rps / x.direct.rps),
    cpuSyBare: perRound(sat, (x) => x.switchyard.cpuMsPerRequest[0] / x.bare.cpuMsPerRequest[0]),
    pacedCpuSyBare: perRound(paced, (x) => x.switchyard.cpuMsPerRequest / x.bare.cpuMsPerRequest),
    agentSyBare: perRound(agent, (x) => x.switchyard.rps / x.bare.rps),
    agentSyDirect: perRound(agent, (x) => x.switchyard.rps / x.direct.rps),
    agentCpuSyBare: perRound(agent, (x) => x.switchyard.cpuMsPerRequest[0] / x.bare.cpuMsPerRequest[0]),
  };
  const lat = (all, q) => Object.fromEntries(NAMES.map((n) => [n, p(all[n], q)]));
  const seq50 = lat(seqAll, 50), seq99 = lat(seqAll, 99);
  const pac50 = lat(pacedAll, 50), pac99 = lat(pacedAll, 99);
  const tt50 = lat(ttfbAll, 50), tt99 = lat(ttfbAll, 99);
  const achieved = medianOf(NAMES.flatMap((n) => paced[n].map((x) => x.achievedRate)));

  const checks = [
    { what: 'CPU per request ≤ 2× bare proxy', value: medianOf(r.cpuSyBare), ok: medianOf(r.cpuSyBare) <= 2, shown: fmt.ratio(medianOf(r.cpuSyBare)) },
    { what: 'throughput ≥ 0.6× bare proxy', value: medianOf(r.satSyBare), ok: medianOf(r.satSyBare) >= 0.6, shown: fmt.ratio(medianOf(r.satSyBare)) },
    { what: 'added p50 latency, unloaded ≤ 0.3 ms', value: seq50.switchyard - seq50.direct, ok: seq50.switchyard - seq50.direct <= 0.3, shown: fmt.added(seq50.switchyard - seq50.direct) },
    { what: 'added stream TTFB p50 ≤ 0.5 ms', value: tt50.switchyard - tt50.direct, ok: tt50.switchyard - tt50.direct <= 0.5, shown: fmt.added(tt50.switchyard - tt50.direct) },
  ];

  const dash = '—';
  const rows = [
    [`1. Throughput, small chat body, non-stream, ${PLAN.connections} conns (req/s)`, fmt.int(satRps.direct), fmt.int(satRps.bare), fmt.int(satRps.switchyard), spread(r.satSyBare), spread(r.satSyDirect)],
    ['2. CPU per request, proxy process (ms)', `${fmt.ms(satCpu.direct)} (mock)`, fmt.ms(satCpu.bare), fmt.ms(satCpu.switchyard), spread(r.cpuSyBare), dash],
    [`2b. CPU per request at a steady ${PLAN.pacedRate} req/s (ms)`, `${fmt.ms(medianField(paced.direct, (x) => x.cpuMsPerRequest))} (mock)`, fmt.ms(medianField(paced.bare, (x) => x.cpuMsPerRequest)), fmt.ms(medianField(paced.switchyard, (x) => x.cpuMsPerRequest)), spread(r.pacedCpuSyBare), dash],
    ['3a. Latency unloaded p50 (ms)', fmt.ms(seq50.direct), fmt.ms(seq50.bare), fmt.ms(seq50.switchyard), `${fmt.added(seq50.switchyard - seq50.bare)}`, `${fmt.added(seq50.switchyard - seq50.direct)}`],
    ['3a. Latency unloaded p99 (ms)', fmt.ms(seq99.direct), fmt.ms(seq99.bare), fmt.ms(seq99.switchyard), fmt.added(seq99.switchyard - seq99.bare), fmt.added(seq99.switchyard - seq99.direct)],
    [`3b. Latency at ${PLAN.pacedRate} req/s p50 (ms)`, fmt.ms(pac50.direct), fmt.ms(pac50.bare), fmt.ms(pac50.switchyard), fmt.added(pac50.switchyard - pac50.bare), fmt.added(pac50.switchyard - pac50.direct)],
    [`3b. Latency at ${PLAN.pacedRate} req/s p99 (ms)`, fmt.ms(pac99.direct), fmt.ms(pac99.bare), fmt.ms(pac99.switchyard), fmt.added(pac99.switchyard - pac99.bare), fmt.added(pac99.switchyard - pac99.direct)],
    ['4. Stream time to first byte p50 (ms)', fmt.ms(tt50.direct), fmt.ms(tt50.bare), fmt.ms(tt50.switchyard), fmt.added(tt50.switchyard - tt50.bare), fmt.added(tt50.switchyard - tt50.direct)],
    ['4. Stream time to first byte p99 (ms)', fmt.ms(tt99.direct), fmt.ms(tt99.bare), fmt.ms(tt99.switchyard), fmt.added(tt99.switchyard - tt99.bare), fmt.added(tt99.switchyard - tt99.direct)],
    ['5. RSS idle / under load / after load', dash, `${fmt.mb(rss.idle.bare)} / ${fmt.mb(rss.load.bare)} / ${fmt.mb(rss.after.bare)}`, `${fmt.mb(rss.idle.switchyard)} / ${fmt.mb(rss.load.switchyard)} / ${fmt.mb(rss.after.switchyard)}`, dash, dash],
    [`6. Agent request ${(agentBody.length / 1024).toFixed(0)} KiB, 16 tools, stream + usage (req/s)`, fmt.int(agentRps.direct), fmt.int(agentRps.bare), fmt.int(agentRps.switchyard), spread(r.agentSyBare), spread(r.agentSyDirect)],
    ['6. Agent request CPU per request, proxy process (ms)', `${fmt.ms(agentCpu.direct)} (mock)`, fmt.ms(agentCpu.bare), fmt.ms(agentCpu.switchyard), spread(r.agentCpuSyBare), dash],
  ];
  const table = markdownTable(['Measure', 'direct (mock)', 'bare proxy', 'Switchyard', 'Switchyard vs bare', 'Switchyard vs direct'], rows);
  const targetTable = markdownTable(['Plausible target', 'measured', 'verdict'], checks.map((c) => [c.what, c.shown, c.ok ? 'met' : '**missed**']));
  const notes = [
    `Ratios are medians of per-round ratios (min–max over ${PLAN.satRounds} saturation rounds, ${PLAN.agentRounds} agent rounds); throughput and CPU cells are medians over rounds.`,
    `Latency and TTFB percentiles pool ${PLAN.latRounds} interleaved rounds (${fmt.int(PLAN.seqCount * PLAN.latRounds)} sequential requests, ${fmt.int(PLAN.ttfbCount * PLAN.latRounds)} streams, ${fmt.int(PLAN.pacedRate * PLAN.pacedSeconds * PLAN.latRounds)} paced requests per target; paced rate achieved ${fmt.int(achieved)} req/s).`,
    `Mock CPU per request when called through each target, saturation: direct ${fmt.ms(satCpu.direct)}, via bare ${fmt.ms(medianField(sat.bare, (x) => x.cpuMsPerRequest[1]))}, via Switchyard ${fmt.ms(medianField(sat.switchyard, (x) => x.cpuMsPerRequest[1]))} ms.`,
  ];
  return { table, targetTable, checks, notes, ratios: r };
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
    const sy = await profiled((dir) => startSwitchyard(mock.url, { cpuProfDir: dir, root: switchyardRoot }), w);
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
    log(`starting targets  [${elapsed()}]`);
    const mock = await startMock();
    const [bare, switchyard] = await Promise.all([startBare(mock.url), startSwitchyard(mock.url, { root: switchyardRoot })]);
    const targets = { direct: mock, bare, switchyard };
    log(`  direct ${mock.url} (pid ${mock.pid}), bare ${bare.url} (pid ${bare.pid}), switchyard ${switchyard.url} (pid ${switchyard.pid})`);
    // How much of the machine other processes took while we measured: the noise indicator.
    const ours = () => [mock, bare, switchyard].reduce((ms, t) => ms + cpuMs(t.pid), 0) + cpuMs(process.pid);
    const busy0 = machineBusyMs();
    const ours0 = ours();
    const w0 = performance.now();
    const results = await measureAll(targets);
    const foreignPct = (100 * (machineBusyMs() - busy0 - (ours() - ours0))) / (performance.now() - w0) / os.cpus().length;
    const f = figures(results);
    const meta = machine();
    const args = argv.length ? ` ${argv.join(' ')}` : '';
    const command = process.env.npm_lifecycle_event === 'bench' ? `npm run bench${args ? ` --${args}` : ''}` : `node bench/run.mjs${args}`;
    const header = [
      `Run of ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} — \`${command}\` (${elapsed()} in all${SMOKE ? ', SMOKE: tiny loads, numbers meaningless' : ''}).`,
      `Node ${meta.node}, undici ${undiciVersion}, ${meta.cpuModel} (${meta.cores} cores), Linux ${meta.kernel}; load average at start ${LOADAVG};`,
      `other processes took ${Math.max(0, foreignPct).toFixed(0)} % of the machine's CPU while it measured${foreignPct > 10 ? ' (**a busy machine: the figures are noisy**)' : ''}.`,
      `Switchyard ${switchyardRev}${REF ? ` (--ref ${REF}, built from the commit alone)` : ''}: \`${switchyard.command}\`, alias → groq/ at the mock via api_base, master_key on.`,
    ].join('\n');
    const section = [header, '', f.table, '', f.notes.map((n) => `- ${n}`).join('\n'), '', f.targetTable].join('\n');
    console.log(`\n${section}\n`);
    if (failures.length > 0) throw new Error(`requests failed during the runs:\n  ${failures.join('\n  ')}`);
    if (!SMOKE && !flag('--no-write')) {
      replaceSection(README, 'bench:figures', section);
      log(`wrote the figures into ${README}`);
    }
    const missed = f.checks.filter((c) => !c.ok);
    if (missed.length > 0 && !SMOKE) log(`missed: ${missed.map((c) => c.what).join('; ')} → profile with \`node bench/run.mjs --profile\``);
  }
  log(`done  [${elapsed()}]`);
  await shutdown(0);
} catch (err) {
  // The message may have grown (a child's stderr) after the stack was captured.
  const frames = err?.stack?.split('\n').filter((l) => /^\s+at /.test(l)).join('\n');
  log(`bench failed: ${err?.message ?? err}${frames ? `\n${frames}` : ''}`);
  await shutdown(1);
}
