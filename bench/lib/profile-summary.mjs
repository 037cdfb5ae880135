#!/usr/bin/env node
// Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time per
// function and per code origin, inclusive time of Switchyard's own functions.
// Idle time is left out, and so is start-up (samples under Node's bootstrap
// and module loader: loading, compiling and evaluating modules, reading the config).
//
//   node bench/lib/profile-summary.mjs <file.cpuprofile> [topN]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where a function's code lives, coarsely: which package or part of Node. */
function origin(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native: V8 builtins, syscalls)';
  if (url.includes('/node_modules/undici/')) return 'undici';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  if (url.includes('/dist/')) return 'switchyard (dist/)';
  if (url.includes('/bench/')) return 'bench target (bench/)';
  const internal = /^node:internal\/([^/.]+(?:\/[^/.]+)?)/.exec(url);
  if (internal) return `node:${internal[1]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) return url.slice(nm + '/node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist !== -1) return url.slice(dist + 1);
  const bench = url.lastIndexOf('/bench/');
  if (bench !== -1) return url.slice(bench + 1);
  return url.replace(/^file:\/\//, '');
}

// Frames that only run while the process starts (and evaluates its modules, which reads the config).
const STARTUP = /^node:internal\/(?:modules|main|bootstrap|process\/pre_execution)\//;
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);

/** Totals in microseconds: `{ busy, idle, startup, functions, origins, inclusive }` (the last three are Maps). */
export function summarise(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (cf) => `${cf.functionName || '(anonymous)'}${cf.url ? ` ${shortUrl(cf.url)}:${cf.lineNumber + 1}` : ''}`;

  const out = { busy: 0, idle: 0, startup: 0, functions: new Map(), origins: new Map(), inclusive: new Map() };
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const us = timeDeltas[i + 1] ?? 0; // each sample is charged the time until the next one
    const leaf = byId.get(samples[i]).callFrame;
    if (leaf.functionName === '(idle)') { out.idle += us; continue; }
    const stack = [];
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) stack.push(byId.get(id).callFrame);
    if (stack.some((cf) => STARTUP.test(cf.url))) { out.startup += us; continue; }
    out.busy += us;
    add(out.functions, keyOf(leaf), us);
    add(out.origins, origin(leaf.url, leaf.functionName), us);
    for (const key of new Set(stack.filter((cf) => cf.url.includes('/dist/')).map(keyOf))) add(out.inclusive, key, us);
  }
  return out;
}

const ranked = (map) => [...map].sort((a, b) => b[1] - a[1]);
const code = (name) => `\`${name.replace(/\|/g, '\\|')}\``;

/** Markdown: one profile, figures in ms and % of busy time. */
export function formatSummary(s, topN = 20) {
  const row = ([name, us], quote) => `| ${quote ? code(name) : name} | ${(us / 1000).toFixed(0)} | ${((100 * us) / s.busy).toFixed(1)} |`;
  return [
    `Busy ${(s.busy / 1000).toFixed(0)} ms (start-up ${(s.startup / 1000).toFixed(0)} ms and idle ${(s.idle / 1000).toFixed(0)} ms left out).`,
    '', '| self time by code origin | ms | % |', '|---|---:|---:|',
    ...ranked(s.origins).filter(([, us]) => us / s.busy >= 0.005).map((e) => row(e, false)),
    '', `| top ${topN} functions by self time | ms | % |`, '|---|---:|---:|',
    ...ranked(s.functions).slice(0, topN).map((e) => row(e, true)),
    '', '| Switchyard functions by inclusive time | ms | % |', '|---|---:|---:|',
    ...ranked(s.inclusive).slice(0, 15).map((e) => row(e, true)),
  ].join('\n');
}

/**
 * Markdown: the bare proxy's and Switchyard's profiles of the same workload
 * side by side, in CPU microseconds per request served. Each argument is
 * `{ summary, requests, procCpuUs }` (procCpuUs: CPU per request from /proc).
 */
export function formatComparison(bare, sy, topN = 15) {
  const f = (x) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  const diff = (b, s) => `${s >= b ? '+' : '−'}${f(Math.abs(s - b))}`;
  const per = (p, us) => us / p.requests;
  const origins = new Set([...bare.summary.origins.keys(), ...sy.summary.origins.keys()]);
  const rows = [...origins]
    .map((o) => [o, per(bare, bare.summary.origins.get(o) ?? 0), per(sy, sy.summary.origins.get(o) ?? 0)])
    .filter(([, b, s]) => Math.max(b, s) >= 1)
    .sort((a, b) => b[2] - b[1] - (a[2] - a[1]));
  const totalB = per(bare, bare.summary.busy);
  const totalS = per(sy, sy.summary.busy);
  const syRow = ([name, us]) => `| ${code(name)} | ${f(per(sy, us))} | ${((100 * us) / sy.summary.busy).toFixed(1)} |`;
  return [
    `Requests served: bare proxy ${bare.requests.toLocaleString('en-US')}, Switchyard ${sy.requests.toLocaleString('en-US')}.`,
    '', '| CPU µs per request, by code origin | bare proxy | Switchyard | difference |', '|---|---:|---:|---:|',
    `| /proc utime+stime (whole run, profiler included) | ${f(bare.procCpuUs)} | ${f(sy.procCpuUs)} | ${diff(bare.procCpuUs, sy.procCpuUs)} |`,
    `| **profiled total** | **${f(totalB)}** | **${f(totalS)}** | **${diff(totalB, totalS)}** |`,
    `| of which \`writev\` (socket writes; see the note above) | ${f(per(bare, bare.summary.functions.get('writev') ?? 0))} | ${f(per(sy, sy.summary.functions.get('writev') ?? 0))} | ${diff(per(bare, bare.summary.functions.get('writev') ?? 0), per(sy, sy.summary.functions.get('writev') ?? 0))} |`,
    ...rows.map(([o, b, s]) => `| ${o} | ${f(b)} | ${f(s)} | ${diff(b, s)} |`),
    '', `| Switchyard: top ${topN} functions by self time | µs/request | % |`, '|---|---:|---:|',
    ...ranked(sy.summary.functions).slice(0, topN).map(syRow),
    '', '| Switchyard: its own functions by inclusive time (self + callees) | µs/request | % |', '|---|---:|---:|',
    ...ranked(sy.summary.inclusive).slice(0, 12).map(syRow),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/lib/profile-summary.mjs <file.cpuprofile> [topN]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatSummary(summarise(file), Number(top ?? 20))}\n`);
}
