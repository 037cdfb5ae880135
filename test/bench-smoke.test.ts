import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

// The benchmark itself is `npm run bench` (minutes, not part of `npm test`).
// This runs its smoke version — every phase with tiny loads, a few seconds —
// only to prove the harness still works against the current build: it asserts
// that every phase ran and no request failed, never anything about the numbers.
// The harness installs its own load generator (`npm ci --prefix bench
// --omit=optional`, without the Portkey peer) on a clean clone.

const REPO = resolve(import.meta.dirname, '..');
const PHASES = ['startup', 'sanity', 'saturation', 'latency', 'ttfb', 'agent', 'rss', 'large-config', 'workers', 'soak'];

test('bench --smoke runs every phase end to end', { timeout: 240_000 }, async () => {
  const child = spawn(process.execPath, ['bench/run.mjs', '--smoke', '--no-write'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  assert.equal(code, 0, `bench --smoke failed:\n${stderr.slice(-4000)}`);
  const ran = /^phases ran: (.*)$/m.exec(stderr)?.[1]?.split(', ') ?? [];
  assert.deepEqual([...ran].sort(), [...PHASES].sort(), stderr.slice(-2000));
  // The figures it would write: the three tables.
  assert.match(stdout, /\| 1\. Throughput/);
  assert.match(stdout, /Start-up to first 200/);
  assert.match(stdout, /\| Target \| measured \| verdict \|/);
});
