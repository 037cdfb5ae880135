import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cancellation, toAbortSignal } from './cancel-signal.js';

test('abort runs each listener once, with the reason set, and only the first abort counts', () => {
  const signal = new Cancellation();
  const seen: unknown[] = [];
  signal.addEventListener('abort', () => seen.push(signal.reason));
  signal.addEventListener('abort', () => seen.push('second'));
  assert.equal(signal.aborted, false);
  assert.doesNotThrow(() => signal.throwIfAborted());
  const reason = new Error('client disconnected');
  signal.abort(reason);
  signal.abort(new Error('later'));
  assert.deepEqual(seen, [reason, 'second']);
  assert.equal(signal.aborted, true);
  assert.throws(() => signal.throwIfAborted(), (err) => err === reason);
});

test('a removed listener does not run; one added after the abort neither', () => {
  const signal = new Cancellation();
  let calls = 0;
  const listener = () => calls++;
  signal.addEventListener('abort', listener);
  signal.removeEventListener('abort', listener);
  signal.abort('gone');
  signal.addEventListener('abort', listener);
  assert.equal(calls, 0);
});

test('toAbortSignal follows the signal, also when it aborted already', () => {
  const signal = new Cancellation();
  const follower = toAbortSignal(signal);
  assert.equal(follower.aborted, false);
  signal.abort('gone');
  assert.equal(follower.aborted, true);
  assert.equal(follower.reason, 'gone');
  assert.equal(toAbortSignal(signal).reason, 'gone');
  const real = new AbortController().signal;
  assert.equal(toAbortSignal(real), real);
});
