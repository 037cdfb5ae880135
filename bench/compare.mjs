#!/usr/bin/env node
// Two builds of Switchyard side by side: the work tree against a commit (or
// two commits), interleaved round by round against one mock upstream, so the
// machine's noise hits both alike. What a change to the hot path is worth,
// to a few per cent: whole `npm run bench` runs differ by more than that from
// one run to the next on this kind of machine.
//
//   node bench/compare.mjs REV                 REV (built alone) against the work tree (npm run build first)
//   node bench/compare.mjs REV1 REV2           two commits
//   options: --rounds N (default 8), --workloads small,stream,agent (default all three), --no-build
//
// Per workload and round: CPU per request of each build's process at
// saturation (50 connections, a fixed count of requests), at a steady rate,
// and with both saturated at once (the steadiest of the three); the ratio
// B/A is taken within the round, the median over rounds is reported with
// its min–max. Prints a table; writes nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { agentBody, smallBody, smallStreamBody } from './lib/bodies.mjs';
import { MASTER_KEY, REPO, startMock, startSwitchyard, stopAll, killAllNow } from './lib/processes.mjs';
import { cpuMs, pacedLatency, saturate } from './lib/measure.mjs';
import { fmt, markdownTable, medianOf, spread } from './lib/report.mjs';
import { buildSnapshot, git, run } from './lib/snapshot.mjs';

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const refs = argv.filter((a, i) => !a.startsWith('--') && !['--rounds', '--workloads'].includes(argv[i - 1]));
if (refs.length < 1 || refs.length > 2) {
  process.stderr.write('usage: node bench/compare.mjs REV [REV2] [--rounds N] [--workloads small,stream,agent] [--no-build]\n');
  process.exit(2);
}
const rounds = Number(option('--rounds') ?? 8);
const WORKLOADS = {
  small: { body: smallBody, label: 'small chat body, non-stream', amount: 8000, rate: 1000 },
  stream: { body: smallStreamBody, label: 'small chat body, stream', amount: 6000, rate: 1000 },
  agent: { body: agentBody, label: 'agent request (50 KiB, 16 tools, stream + usage)', amount: 3000, rate: 400 },
};
const chosen = (option('--workloads') ?? 'small,stream,agent').split(',');
for (const w of chosen) if (!WORKLOADS[w]) throw new Error(`--workloads: one of ${Object.keys(WORKLOADS).join(', ')}`);
const PATH = '/v1/chat/completions';
const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` };
const log = (s) => process.stderr.write(`${s}\n`);
/** Three decimals: the differences looked for are a few per cent. */
const ratio3 = (n) => `${n.toFixed(3)}×`;

process.on('exit', killAllNow);
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

if (!existsSync(join(REPO, 'bench', 'node_modules', 'autocannon'))) run('npm', ['ci', '--prefix', join(REPO, 'bench'), '--no-audit', '--no-fund', '--omit=optional'], { cwd: REPO });
const a = buildSnapshot(refs[0], log);
let b;
if (refs[1] !== undefined) b = buildSnapshot(refs[1], log);
else {
  if (!argv.includes('--no-build')) run('npm', ['run', 'build', '--silent'], { cwd: REPO });
  const dirty = git(['status', '--porcelain', '--', 'src']) ? ' + uncommitted changes' : '';
  b = { root: REPO, rev: `work tree (${git(['rev-parse', '--short', 'HEAD'])}${dirty})` };
}

const mock = await startMock();
const targets = { A: await startSwitchyard(mock.url, { root: a.root, name: 'A' }), B: await startSwitchyard(mock.url, { root: b.root, name: 'B' }) };
const rows = [];
for (const name of chosen) {
  const w = WORKLOADS[name];
  log(`${w.label}: warming both, then ${rounds} interleaved rounds`);
  for (const t of Object.values(targets)) await saturate({ url: t.url, path: PATH, headers: HEADERS, body: w.body, connections: 50, amount: 1e9, maxSeconds: 2 });
  const cpu = { A: [], B: [] }, paced = { A: [], B: [] }, rps = { A: [], B: [] };
  const both = { A: [], B: [] };
  const satRatio = [], pacedRatio = [], bothRatio = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
    for (const k of order) {
      const t = targets[k];
      const res = await saturate({ url: t.url, path: PATH, headers: HEADERS, body: w.body, connections: 50, amount: w.amount, maxSeconds: 10, cpuPids: [t.pid] });
      if (res.failed > 0) throw new Error(`${k}: ${res.failed} requests failed`);
      cpu[k].push(res.cpuMsPerRequest[0] * 1000);
      rps[k].push(res.rps);
    }
    satRatio.push(cpu.B.at(-1) / cpu.A.at(-1));
    for (const k of order) {
      const t = targets[k];
      const before = cpuMs(t.pid);
      const res = await pacedLatency({ url: t.url, path: PATH, headers: HEADERS, body: w.body, rate: w.rate, seconds: 1.5 });
      if (res.failed > 0) throw new Error(`${k}: ${res.failed} requests failed`);
      paced[k].push(((cpuMs(t.pid) - before) * 1000) / res.served);
    }
    pacedRatio.push(paced.B.at(-1) / paced.A.at(-1));
    // Both at once, 25 connections each, over the same seconds: every moment of the machine's noise hits both.
    const [ra, rb] = await Promise.all(['A', 'B'].map((k) => saturate({ url: targets[k].url, path: PATH, headers: HEADERS, body: w.body, connections: 25, amount: 1e9, maxSeconds: 1.5, cpuPids: [targets[k].pid] })));
    if (ra.failed + rb.failed > 0) throw new Error(`${ra.failed + rb.failed} requests failed`);
    both.A.push(ra.cpuMsPerRequest[0] * 1000);
    both.B.push(rb.cpuMsPerRequest[0] * 1000);
    bothRatio.push(both.B.at(-1) / both.A.at(-1));
  }
  rows.push(
    [`${w.label}: CPU µs per request at saturation`, fmt.ms(medianOf(cpu.A), 1), fmt.ms(medianOf(cpu.B), 1), spread(satRatio, ratio3)],
    [`${w.label}: CPU µs per request at ${w.rate} req/s`, fmt.ms(medianOf(paced.A), 1), fmt.ms(medianOf(paced.B), 1), spread(pacedRatio, ratio3)],
    [`${w.label}: CPU µs per request, both saturated at once`, fmt.ms(medianOf(both.A), 1), fmt.ms(medianOf(both.B), 1), spread(bothRatio, ratio3)],
    [`${w.label}: requests/s at saturation`, fmt.int(medianOf(rps.A)), fmt.int(medianOf(rps.B)), spread(rps.B.map((v, i) => v / rps.A[i]), ratio3)],
  );
}
await stopAll();
console.log(`\`node bench/compare.mjs ${argv.join(' ')}\`, ${rounds} interleaved rounds; A = ${a.rev}, B = ${b.rev}\n`);
console.log(markdownTable(['Measure', 'A', 'B', 'B / A (median, min–max over rounds)'], rows));
