// Measurement primitives: process CPU and memory from /proc, saturation runs
// with autocannon, and latency / time-to-first-byte with undici (sub-ms
// precision; autocannon's histograms are whole milliseconds, and its rate
// limit sends each connection's quota in a burst at the top of every second).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { undici } from './undici.mjs';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
export const TICK_MS = 1000 / CLK_TCK;

/** utime + stime of `pid` in milliseconds (resolution: one clock tick, usually 10 ms). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is fields[0]; utime is field 14 of the full line, stime 15.
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The pid and its descendants (a `--num_workers` primary and its workers), from /proc's children lists. */
export function processTree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const kids = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (kids) out.push(...kids.split(/\s+/).map(Number));
    } catch { /* exited, or no children list */ }
  }
  return out;
}

/** cpuMs of one pid, or summed over a list of pids. */
export const cpuMsOf = (pids) => (Array.isArray(pids) ? pids.reduce((ms, p) => ms + cpuMs(p), 0) : cpuMs(pids));

/**
 * CPU of `pid` and every process under it, live or exited: a process's
 * cutime/cstime hold its reaped children's (and their children's) CPU.
 */
export function treeCpuMs(pid) {
  let ms = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
    } catch { /* exited meanwhile */ }
  }
  return ms;
}

/** Busy CPU time of the whole machine in milliseconds (all cores; /proc/stat, idle and iowait excluded). */
export function machineBusyMs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + (steal ?? 0)) * TICK_MS;
}

/** Resident set size of `pid` (or the sum over a list of pids) in bytes. */
export function rssBytes(pid) {
  if (Array.isArray(pid)) return pid.reduce((sum, p) => sum + rssBytes(p), 0);
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Samples the RSS of `pids` every `everyMs` while active; `max()` gives the peak per pid. */
export function rssSampler(pids, everyMs = 200) {
  const peak = new Map(pids.map((p) => [p, 0]));
  const sample = () => {
    for (const p of pids) {
      try { peak.set(p, Math.max(peak.get(p), rssBytes(p))); } catch { /* exited */ }
    }
  };
  const timer = setInterval(sample, everyMs);
  return { sample, max: (pid) => peak.get(pid), stop: () => clearInterval(timer) };
}

let autocannonModule;
async function loadAutocannon() {
  autocannonModule ??= (await import('autocannon')).default;
  return autocannonModule;
}

/**
 * A closed-loop saturation run: `connections` keep-alive connections each
 * sending the next request as soon as the previous answer arrived, until
 * `amount` answers (a fixed count) or `maxSeconds` elapsed. CPU of
 * `cpuPids` (each a pid or a list of pids) is read before and after.
 * `bodies`, instead of `body`, makes each connection cycle through them.
 */
export async function saturate({ url, path, headers, body, bodies, connections, amount, maxSeconds, cpuPids = [] }) {
  const autocannon = await loadAutocannon();
  const cpu0 = cpuPids.map(cpuMsOf);
  const t0 = performance.now();
  // sampleInt: autocannon notices the end only at its next sample tick (1 s by
  // default); the rate is taken up to the last answer anyway.
  const requests = bodies?.map((b) => ({ method: 'POST', path, headers, body: b }));
  const instance = autocannon({ url: url + path, method: 'POST', headers, body, requests, connections, amount, timeout: 10, sampleInt: 100 });
  let last = t0;
  instance.on('response', () => { last = performance.now(); });
  const guard = setTimeout(() => instance.stop(), maxSeconds * 1000);
  const result = await instance;
  clearTimeout(guard);
  const seconds = (last - t0) / 1000;
  const cpu = cpuPids.map((pid, i) => cpuMsOf(pid) - cpu0[i]);
  const ok = result['2xx'];
  return {
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    seconds,
    rps: ok / seconds,
    cpuMsPerRequest: cpu.map((ms) => ms / Math.max(ok, 1)),
  };
}

function client(url, connections) {
  const options = { pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 };
  return connections === 1 ? new undici.Client(url, options) : new undici.Pool(url, { ...options, connections });
}

async function timedRequest(dispatcher, path, headers, body) {
  const t0 = performance.now();
  const res = await dispatcher.request({ method: 'POST', path, headers, body });
  await res.body.dump({ limit: Infinity });
  const ms = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  return ms;
}

/** One connection, `count` requests one after the other (after `warm` unrecorded ones); latencies in ms. */
export async function sequentialLatency({ url, path, headers, body, count, warm = 50 }) {
  const c = client(url, 1);
  try {
    for (let i = 0; i < warm; i++) await timedRequest(c, path, headers, body);
    const samples = new Float64Array(count);
    for (let i = 0; i < count; i++) samples[i] = await timedRequest(c, path, headers, body);
    return samples;
  } finally {
    await c.destroy();
  }
}

/**
 * `connections` single-connection clients taking requests in turn: each
 * connection carries the same share, as many independent clients would.
 * (A pool hands each request to its first free connection, so at a moderate
 * rate one or two connections carry nearly everything: with --num_workers,
 * that is one worker.)
 */
function roundRobin(url, connections) {
  const clients = Array.from({ length: connections }, () => client(url, 1));
  let next = 0;
  return {
    request: (options) => clients[next++ % connections].request(options),
    destroy: () => Promise.all(clients.map((c) => c.destroy())),
  };
}

/**
 * Open-loop load at a fixed `rate` (req/s) for `seconds`: requests start on a
 * schedule whether or not earlier ones finished (a pool of `connections`
 * carries them; with `spread`, every connection in turn). Latency runs from
 * the actual start of each request.
 */
export async function pacedLatency({ url, path, headers, body, rate, seconds, connections = 32, spread = false }) {
  const pool = spread ? roundRobin(url, connections) : client(url, connections);
  const total = Math.round(rate * seconds);
  const warm = spread ? connections : Math.min(connections, 16);
  const samples = [];
  let failed = 0;
  const inflight = new Set();
  const fire = () => {
    const p = timedRequest(pool, path, headers, body).then((ms) => { samples.push(ms); }, () => { failed++; });
    inflight.add(p);
    p.finally(() => inflight.delete(p));
  };
  try {
    // Open the connections and warm them before the clock starts.
    await Promise.all(Array.from({ length: warm }, () => timedRequest(pool, path, headers, body)));
    const interval = 1000 / rate;
    const start = performance.now();
    let sent = 0;
    await new Promise((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
        while (sent < due) { fire(); sent++; }
        if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
        else resolve();
      };
      tick();
    });
    const elapsed = (performance.now() - start) / 1000;
    const deadline = setTimeout(() => pool.destroy(), 15_000);
    await Promise.allSettled([...inflight]);
    clearTimeout(deadline);
    return { samples: Float64Array.from(samples), failed, achievedRate: total / elapsed, served: samples.length + warm };
  } finally {
    await pool.destroy();
  }
}

/**
 * Streaming time-to-first-byte: `count` sequential stream:true requests on one
 * connection; for each, ms until the first body byte (the first SSE event)
 * and until the end of the stream, which must be `data: [DONE]`.
 */
export async function streamTtfb({ url, path, headers, body, count, warm = 30 }) {
  const c = client(url, 1);
  const one = async () => {
    const t0 = performance.now();
    const res = await c.request({ method: 'POST', path, headers, body });
    let first;
    let tail = '';
    for await (const chunk of res.body) {
      first ??= performance.now();
      tail = (tail + chunk.toString('latin1')).slice(-64);
    }
    const end = performance.now();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    if (!tail.trimEnd().endsWith('data: [DONE]')) throw new Error(`stream did not end with [DONE]: …${JSON.stringify(tail)}`);
    return [first - t0, end - t0];
  };
  try {
    for (let i = 0; i < warm; i++) await one();
    const ttfb = new Float64Array(count);
    const total = new Float64Array(count);
    for (let i = 0; i < count; i++) [ttfb[i], total[i]] = await one();
    return { ttfb, total };
  } finally {
    await c.destroy();
  }
}

/** Nearest-rank percentile of an unsorted array (0 < p ≤ 100). */
export function percentile(values, p) {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values) => percentile(values, 50);

export function concat(arrays) {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) { out.set(a, at); at += a.length; }
  return out;
}
