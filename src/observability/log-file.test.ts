import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingLogFile } from './log-file.js';



test('rotates by size: switchyard.log → .1 → .2, the oldest goes, no line lost or split among those kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-logfile-'));
  const file = new RotatingLogFile(join(dir, 'nested'), { maxBytes: 1024, keep: 2 });
  const line = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(80) }) + '\n';
  // Batches of 3 lines (~300 bytes), as the logger hands them over.
  for (let n = 0; n < 60; n += 3) {
    file.append(line(n) + line(n + 1) + line(n + 2));
    await file.written();
  }
  const names = readdirSync(join(dir, 'nested')).sort();
  assert.deepEqual(names, ['switchyard.1.log', 'switchyard.2.log', 'switchyard.log']);
  const read = (name: string) => readFileSync(join(dir, 'nested', name), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { n: number }).n);
  const kept = [...read('switchyard.2.log'), ...read('switchyard.1.log'), ...read('switchyard.log')];
  for (const name of names) assert.ok(readFileSync(join(dir, 'nested', name)).length <= 1024, name);
  // Consecutive and ending with the last line: the newest are kept, in order.
  assert.equal(kept.at(-1), 59);
  assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => 60 - kept.length + i));
  assert.ok(kept.length < 60, 'older files were deleted');
});

test('lines appended while a write is in flight keep their order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-logfile-'));
  const file = new RotatingLogFile(dir);
  for (let n = 0; n < 200; n++) file.append(`${n}\n`);
  await file.written();
  assert.deepEqual(readFileSync(file.path, 'utf8').split('\n').filter(Boolean).map(Number), Array.from({ length: 200 }, (_, i) => i));
});
