import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../errors/gateway-error.js';
import type { Deployment } from '../router/deployment.js';
import { MemoryStore } from '../state/memory-store.js';
import { isPermit, Limiter, type Denied, type LimiterOptions, type Permit } from './limiter.js';
import type { Timers } from './wait-queue.js';

/** Time that moves only when the test says so: one clock for the store, the limiter and their timers. */
class FakeTime {
  now = 1_700_000_000_000;
  private pending: Array<{ at: number; seq: number; fire: () => void }> = [];
  private seq = 0;
  readonly clock = (): number => this.now;
  readonly timers: Timers = {
    setTimeout: (fire, ms) => {
      const timer = { at: this.now + ms, seq: this.seq++, fire };
      this.pending.push(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      this.pending = this.pending.filter((t) => t !== handle);
    },
  };

  get timerCount(): number {
    return this.pending.length;
  }

  /** Moves time forward, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await settle();
    for (;;) {
      const due = this.pending.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.pending = this.pending.filter((t) => t !== due);
      this.now = Math.max(this.now, due.at);
      due.fire();
      await settle();
    }
    this.now = target;
    await settle();
  }
}

/** All pending promise work runs before a macrotask: nothing here does real I/O. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function deployment(id: string, limits: { rpm?: number; tpm?: number; maxParallelRequests?: number } = {}, alias = 'groq-70b'): Deployment {
  return {
    id,
    alias,
    provider: 'groq',
    upstreamModel: 'llama-3.3-70b-versatile',
    config: { rpm: limits.rpm, tpm: limits.tpm, maxParallelRequests: limits.maxParallelRequests },
    contextWindow: undefined,
    adapter: undefined,
  } as unknown as Deployment;
}

function setup(options: LimiterOptions = {}) {
  const time = new FakeTime();
  const store = new MemoryStore({ clock: time.clock });
  const limiter = new Limiter(store, { clock: time.clock, timers: time.timers, ...options });
  return { time, store, limiter };
}

function denied(result: Permit | Denied): Denied {
  assert.ok(!isPermit(result), 'expected a denial');
  return result;
}

function permit(result: Permit | Denied): Permit {
  assert.ok(isPermit(result), `expected a permit, got ${JSON.stringify(result)}`);
  return result;
}

/** Records how a promise ends without letting a rejection go unhandled. */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

function assertNoLeftovers(limiter: Limiter, time: FakeTime): void {
  assert.equal(limiter.waiting, 0, 'no request counted as waiting');
  assert.equal(limiter.queued, 0, 'no waiter left in the queue');
  assert.equal(time.timerCount, 0, 'no timer left behind');
}

test('tryAdmit: rpm exactly, then the wait until the next one', async () => {
  const { time, limiter } = setup();
  const d = deployment('groq-70b#0', { rpm: 30 });
  for (let i = 0; i < 30; i++) permit(await limiter.tryAdmit(d, 0));
  const refusal = denied(await limiter.tryAdmit(d, 0));
  assert.deepEqual({ reason: refusal.reason, retryAfterMs: refusal.retryAfterMs }, { reason: 'rpm', retryAfterMs: 2000 });
  await time.advance(2000);
  permit(await limiter.tryAdmit(d, 0));
});

test('tryAdmit is all or nothing: rpm is given back when tpm refuses', async () => {
  const { limiter } = setup();
  const d = deployment('d', { rpm: 2, tpm: 100 });
  permit(await limiter.tryAdmit(d, 80));
  const refusal = denied(await limiter.tryAdmit(d, 30));
  assert.equal(refusal.reason, 'tpm');
  assert.ok(Math.abs(refusal.retryAfterMs - 10 * 600) < 1e-6, String(refusal.retryAfterMs)); // 10 tokens over, 600 ms each
  // Had the refused request kept its rpm unit, this second request of the minute would be refused.
  permit(await limiter.tryAdmit(d, 20));
  assert.equal(denied(await limiter.tryAdmit(d, 0)).reason, 'rpm');
});

test('tryAdmit is all or nothing: rpm and tpm are given back when no parallel slot is free', async () => {
  const { limiter } = setup({ parallelRecheckMs: 250 });
  const d = deployment('d', { rpm: 2, tpm: 100, maxParallelRequests: 1 });
  const held = permit(await limiter.tryAdmit(d, 50));
  const refusal = denied(await limiter.tryAdmit(d, 50));
  assert.deepEqual({ reason: refusal.reason, retryAfterMs: refusal.retryAfterMs }, { reason: 'parallel', retryAfterMs: 250 });
  await held.release();
  // rpm 2 and tpm 100 are still whole for this second request.
  permit(await limiter.tryAdmit(d, 50));
});

test('a request larger than every tpm is refused at once as request_too_large, charging nothing', async () => {
  const { limiter, time } = setup();
  const d0 = deployment('groq-70b#0', { rpm: 1, tpm: 6000 });
  const d1 = deployment('groq-70b#1', { tpm: 5000 });
  const refusal = denied(await limiter.tryAdmit(d0, 8000));
  assert.deepEqual({ reason: refusal.reason, never: refusal.never, retryAfterMs: refusal.retryAfterMs }, { reason: 'tpm', never: true, retryAfterMs: -1 });
  await assert.rejects(limiter.admit([d0, d1], 8000), (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, 'request_too_large');
    assert.equal(err.status, 413);
    assert.equal(err.retryable, false);
    assert.match(err.message, /~8,000 tokens/);
    assert.match(err.message, /groq-70b#0: tpm 6,000/);
    return true;
  });
  permit(await limiter.tryAdmit(d0, 6000)); // rpm 1 unused, tpm whole
  assertNoLeftovers(limiter, time);
});

test('admit takes the first candidate with capacity, in the order given', async () => {
  const { limiter } = setup();
  const d0 = deployment('groq-70b#0', { rpm: 1 });
  const d1 = deployment('groq-70b#1', { rpm: 1 });
  assert.equal((await limiter.admit([d0, d1], 0)).deployment.id, 'groq-70b#0');
  assert.equal((await limiter.admit([d0, d1], 0)).deployment.id, 'groq-70b#1');
  assert.equal((await limiter.admit([d1, d0], 0, undefined).catch((e: GatewayError) => e.code)), 'gateway_rate_limited');
});

test('admit waits in the queue and gets in as soon as a parallel slot is released', async () => {
  const { time, limiter } = setup();
  const d = deployment('groq-70b#0', { maxParallelRequests: 1 });
  const first = await limiter.admit([d], 0);
  const second = track(limiter.admit([d], 0));
  await time.advance(0);
  assert.equal(second.done, false);
  assert.equal(limiter.waiting, 1);
  assert.equal(limiter.queued, 1);
  await first.permit.release();
  await time.advance(0); // no time passes: the release wakes it
  assert.equal(second.done, true);
  assert.equal(second.value?.deployment.id, 'groq-70b#0');
  await second.value!.permit.release();
  assertNoLeftovers(limiter, time);
});

test('one release wakes one waiter per free slot, and every waiter gets in as slots free', async () => {
  const { time, limiter } = setup();
  const d = deployment('d', { maxParallelRequests: 2 });
  const held = [await limiter.admit([d], 0), await limiter.admit([d], 0)];
  const waiters = [track(limiter.admit([d], 0)), track(limiter.admit([d], 0)), track(limiter.admit([d], 0))];
  await time.advance(0);
  assert.equal(limiter.waiting, 3);
  await held[0]!.permit.release();
  await time.advance(0);
  assert.deepEqual(waiters.map((w) => w.done), [true, false, false], 'FIFO: the oldest waiter first');
  await held[1]!.permit.release();
  await time.advance(0);
  assert.deepEqual(waiters.map((w) => w.done), [true, true, false]);
  await waiters[0]!.value!.permit.release();
  await time.advance(0);
  assert.deepEqual(waiters.map((w) => w.done), [true, true, true]);
  for (const w of waiters.slice(1)) await w.value!.permit.release();
  assertNoLeftovers(limiter, time);
});

test('admit waits exactly until the rpm budget refills', async () => {
  const { time, limiter } = setup();
  const d = deployment('d', { rpm: 60 }); // one per second
  for (let i = 0; i < 60; i++) await limiter.admit([d], 0);
  const next = track(limiter.admit([d], 0));
  await time.advance(999);
  assert.equal(next.done, false);
  await time.advance(1);
  assert.equal(next.done, true);
  assert.equal(next.error, undefined);
  assertNoLeftovers(limiter, time);
});

test('no capacity within maxWaitMs: gateway_rate_limited naming each deployment and limit, with retry-after', async () => {
  const { time, limiter } = setup({ maxWaitMs: 5000 });
  const d0 = deployment('groq-70b#0', { maxParallelRequests: 1 });
  const d1 = deployment('groq-70b#1', { rpm: 1 });
  const held = await limiter.admit([d0], 0);
  await limiter.admit([d1], 0);
  const started = time.now;
  const waiting = track(limiter.admit([d0, d1], 0));
  await time.advance(4999);
  assert.equal(waiting.done, false);
  await time.advance(1);
  assert.equal(waiting.done, true);
  assert.equal(time.now - started, 5000, 'no longer than maxWaitMs');
  const err = waiting.error;
  assert.ok(err instanceof GatewayError);
  assert.equal(err.code, 'gateway_rate_limited');
  assert.equal(err.status, 429);
  assert.equal(err.details.retryAfter, 1, 'the soonest: a parallel slot, re-checked every second');
  assert.match(err.message, /"groq-70b"/);
  assert.match(err.message, /groq-70b#0 at its max_parallel_requests 1, free when one of its calls finishes/);
  assert.match(err.message, /groq-70b#1 at its rpm 1, free in 55 s/);
  assert.match(err.message, /after waiting 5 s/);
  await held.permit.release();
  assertNoLeftovers(limiter, time);
});

test('a wait longer than maxWaitMs is refused at once with the real retry-after', async () => {
  const { time, limiter } = setup({ maxWaitMs: 5000 });
  const d = deployment('groq-70b#0', { rpm: 30 });
  for (let i = 0; i < 30; i++) await limiter.admit([d], 0);
  await time.advance(1000);
  // The next unit is due in 1 s: worth waiting for.
  const soon = track(limiter.admit([d], 0));
  await time.advance(1000);
  assert.equal(soon.done, true);
  assert.equal(soon.error, undefined);
  // Now the next is 2 s away; with maxWaitMs 1000 waiting cannot help.
  const impatient = new Limiter((limiter as unknown as { store: MemoryStore }).store, { clock: time.clock, timers: time.timers, maxWaitMs: 1000 });
  const err = await impatient.admit([d], 0).catch((e: unknown) => e);
  assert.ok(err instanceof GatewayError);
  assert.equal(err.code, 'gateway_rate_limited');
  assert.equal(err.details.retryAfter, 2);
  assert.match(err.message, /groq-70b#0 at its rpm 30, free in 2 s/);
  assert.doesNotMatch(err.message, /after waiting/);
  assertNoLeftovers(impatient, time);
});

test('queue_full when maxQueue requests already wait', async () => {
  const { time, limiter } = setup({ maxQueue: 2 });
  const d = deployment('d', { maxParallelRequests: 1 });
  const held = await limiter.admit([d], 0);
  const waiters = [track(limiter.admit([d], 0)), track(limiter.admit([d], 0))];
  await time.advance(0);
  const err = await limiter.admit([d], 0).catch((e: unknown) => e);
  assert.ok(err instanceof GatewayError);
  assert.equal(err.code, 'queue_full');
  assert.equal(err.status, 503);
  assert.equal(err.details.retryAfter, 1);
  assert.equal(limiter.waiting, 2, 'the refused one never queued');
  await held.permit.release();
  await time.advance(0);
  await waiters[0]!.value!.permit.release();
  await time.advance(0);
  await waiters[1]!.value!.permit.release();
  assertNoLeftovers(limiter, time);
});

test('abort while waiting rejects at once with the signal reason and leaves no waiter', async () => {
  const { time, limiter } = setup();
  const d = deployment('d', { maxParallelRequests: 1, rpm: 100 });
  const held = await limiter.admit([d], 0);
  const controller = new AbortController();
  const waiting = track(limiter.admit([d], 0, controller.signal));
  await time.advance(100);
  assert.equal(limiter.queued, 1);
  const reason = new Error('client went away');
  controller.abort(reason);
  await time.advance(0);
  assert.equal(waiting.done, true);
  assert.equal(waiting.error, reason);
  assertNoLeftovers(limiter, time);
  // Its slot was never taken: the release leaves one free slot, not two.
  await held.permit.release();
  await limiter.admit([d], 0);
  assert.equal(denied(await limiter.tryAdmit(d, 0)).reason, 'parallel');
});

test('an already aborted signal is refused before anything is taken', async () => {
  const { time, limiter } = setup();
  const d = deployment('d', { rpm: 1 });
  const controller = new AbortController();
  controller.abort(new Error('gone'));
  await assert.rejects(limiter.admit([d], 0, controller.signal), /gone/);
  permit(await limiter.tryAdmit(d, 0));
  assertNoLeftovers(limiter, time);
});

test('provider headroom steers to another deployment until the provider resets', async () => {
  const { time, limiter } = setup();
  const d0 = deployment('groq-70b#0');
  const d1 = deployment('groq-70b#1');
  limiter.learn(d0, {
    'x-ratelimit-limit-requests': '14400',
    'x-ratelimit-remaining-requests': '14370',
    'x-ratelimit-reset-requests': '2m59.56s',
    'x-ratelimit-limit-tokens': '18000',
    'x-ratelimit-remaining-tokens': '1200',
    'x-ratelimit-reset-tokens': '7.66s',
  });
  permit(await limiter.tryAdmit(d0, 1000)); // fits in 1,200 …
  const refusal = denied(await limiter.tryAdmit(d0, 1000)); // … but 200 are left after it
  assert.equal(refusal.reason, 'provider');
  assert.equal(refusal.retryAfterMs, 7660);
  assert.match(refusal.detail, /200 tokens left, this request needs ~1,000/);
  assert.equal((await limiter.admit([d0, d1], 1000)).deployment.id, 'groq-70b#1', 'steered before the provider says 429');
  await time.advance(7660);
  assert.equal((await limiter.admit([d0, d1], 1000)).deployment.id, 'groq-70b#0', 'back after the reset');

  // No requests left (Groq: per day) keeps it out until that reset, whatever the tokens.
  limiter.learn(d1, new Headers({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2m59.56s', 'x-ratelimit-remaining-tokens': '18000', 'x-ratelimit-reset-tokens': '1s' }));
  assert.equal(denied(await limiter.tryAdmit(d1, 1)).retryAfterMs, 179_560);
  await time.advance(179_560);
  permit(await limiter.tryAdmit(d1, 1));
  permit(await limiter.tryAdmit(d0, 1));
  assert.equal(limiter.headroom.size, 0, 'expired knowledge is dropped');
});

test('release is idempotent and corrects tpm with the real usage', async () => {
  const { time, limiter } = setup();
  const d = deployment('d', { tpm: 100, maxParallelRequests: 1 });
  const p = permit(await limiter.tryAdmit(d, 50));
  await p.release({ total_tokens: 20 }); // 30 refunded: 20 outstanding
  await p.release({ total_tokens: 100 }); // ignored
  await p.release();
  const q = permit(await limiter.tryAdmit(d, 80)); // 20 + 80 = 100 fits only with the refund
  assert.equal(denied(await limiter.tryAdmit(d, 0)).reason, 'parallel', 'the extra releases freed no extra slot');
  await q.release({ prompt_tokens: 60, completion_tokens: 40 }); // 100 used, 20 more than estimated
  const refusal = denied(await limiter.tryAdmit(d, 1));
  assert.equal(refusal.reason, 'tpm');
  assert.ok(Math.abs(refusal.retryAfterMs - 21 * 600) < 1e-6, String(refusal.retryAfterMs)); // 120 + 1 − 100 over, 600 ms per token
  assertNoLeftovers(limiter, time);
});

test('a refund wakes a request waiting for tokens', async () => {
  const { time, limiter } = setup();
  const d = deployment('d', { tpm: 1000 });
  const big = await limiter.admit([d], 900);
  const waiting = track(limiter.admit([d], 500)); // 400 over: 24 s at 60 ms per token — too long for maxWaitMs …
  await time.advance(0);
  assert.equal(waiting.done, true, '… so refused at once');
  assert.equal((waiting.error as GatewayError).code, 'gateway_rate_limited');
  const small = track(limiter.admit([d], 150)); // 50 over: 3 s
  await time.advance(100);
  assert.equal(small.done, false);
  await big.permit.release({ total_tokens: 300 });
  await time.advance(0);
  assert.equal(small.done, true, 'woken by the refund, not by its timer');
  assert.equal(small.error, undefined);
  assertNoLeftovers(limiter, time);
});

test('abort while the store is answering: a permit obtained meanwhile is handed back', async () => {
  const time = new FakeTime();
  let gate: Promise<void> | undefined;
  class SlowSlots extends MemoryStore {
    override async acquireSlot(key: string, max: number): Promise<boolean> {
      if (gate !== undefined) await gate;
      return super.acquireSlot(key, max);
    }
  }
  const limiter = new Limiter(new SlowSlots({ clock: time.clock }), { clock: time.clock, timers: time.timers });
  const d = deployment('d', { maxParallelRequests: 1 });
  const held = await limiter.admit([d], 0);
  const controller = new AbortController();
  const waiting = track(limiter.admit([d], 0, controller.signal));
  await time.advance(0);
  let open!: () => void;
  gate = new Promise((resolve) => (open = resolve));
  await held.permit.release(); // wakes the waiter, whose slot request now hangs in the store
  await time.advance(0);
  assert.equal(limiter.queued, 0, 'it left the queue to try');
  controller.abort(new Error('client went away'));
  gate = undefined;
  open();
  await time.advance(0);
  assert.match(String(waiting.error), /client went away/);
  assertNoLeftovers(limiter, time);
  await limiter.admit([d], 0); // the slot it got was given back …
  assert.equal(denied(await limiter.tryAdmit(d, 0)).reason, 'parallel', '… exactly once');
});

test('a waiter woken for a slot but beaten to it keeps its place in line', async () => {
  const { time, limiter } = setup();
  const d = deployment('d', { maxParallelRequests: 1 });
  const held = await limiter.admit([d], 0);
  const first = track(limiter.admit([d], 0));
  const second = track(limiter.admit([d], 0));
  await time.advance(0);
  // The slot goes to a newcomer that asks between the release and the woken waiter's try.
  const releasing = held.permit.release();
  const asking = limiter.tryAdmit(d, 0);
  await releasing;
  const newcomer = permit(await asking);
  await time.advance(0);
  assert.equal(limiter.queued, 2, 'the woken waiter went back to sleep');
  assert.deepEqual([first.done, second.done], [false, false]);
  await newcomer.release();
  await time.advance(0);
  assert.deepEqual([first.done, second.done], [true, false], 'the older waiter is still first');
  await first.value!.permit.release();
  await time.advance(0);
  await second.value!.permit.release();
  assertNoLeftovers(limiter, time);
});
