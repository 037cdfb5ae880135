import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineSweep } from './deadline-sweep.js';

test('a deadline fires once, at most one interval late; a cleared one never fires', async () => {
  const sweep = new DeadlineSweep(20);
  const fired: string[] = [];
  const started = performance.now();
  let firedAfter = 0;
  sweep.add(50, () => {
    fired.push('a');
    firedAfter = performance.now() - started;
  });
  const b = sweep.add(50, () => fired.push('b'));
  sweep.clear(b);
  await sleep(150);
  assert.deepEqual(fired, ['a']);
  assert.ok(firedAfter >= 49 && firedAfter < 120, `fired after ${firedAfter} ms`);
  assert.equal(sweep.size, 0);
});

test('the interval runs only while deadlines are pending', async () => {
  let now = 0;
  const sweep = new DeadlineSweep(10, () => now);
  const fired: number[] = [];
  sweep.add(100, () => fired.push(1));
  sweep.add(300, () => fired.push(3));
  now = 150;
  await sleep(40);
  assert.deepEqual(fired, [1]);
  assert.equal(sweep.size, 1);
  now = 400;
  await sleep(40);
  assert.deepEqual(fired, [1, 3]);
  const handles = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === 'Timeout');
  assert.equal(handles.length, 0, 'no interval left once nothing is pending');
});
