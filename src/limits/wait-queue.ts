// Where requests wait for rate-limit capacity: each waiter sleeps until its
// own timer (the soonest time a budget refills) or until capacity frees on one
// of the deployments it can use (a parallel slot released, tokens refunded),
// whichever comes first. Waking is per deployment, oldest first, one waiter
// at a time; the limiter passes the wake-up on while waiters keep getting in,
// so a freed slot costs one or two attempts, not a stampede of all waiters.
//
// "Oldest" is by ticket, the request's arrival order, kept across its waits:
// a waiter woken but beaten to the slot goes back to its place in line, not
// to the end. Per deployment the waiters sit in an array sorted by ticket
// (binary-search insert; at most `maxQueue` long, so the splice is cheap).

/** setTimeout/clearTimeout, injectable so tests drive time by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

import type { CancelSignal } from '../util/cancel-signal.js';

interface Waiter {
  ticket: number;
  keys: readonly string[];
  resolve(wokenBy: string | undefined): void;
  timer: unknown;
  signal: CancelSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}

/** Index of the first waiter with a ticket >= `ticket` in a ticket-sorted array. */
function lowerBound(line: readonly Waiter[], ticket: number): number {
  let low = 0;
  let high = line.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (line[mid]!.ticket < ticket) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class WaitQueue {
  /** Waiters per deployment key, oldest ticket first. */
  private readonly lines = new Map<string, Waiter[]>();
  private asleep = 0;
  private nextTicket = 0;

  constructor(private readonly timers: Timers = realTimers) {}

  /** Requests asleep right now. */
  get size(): number {
    return this.asleep;
  }

  /** A place in line for a new request; pass it to every `wait` of that request. */
  ticket(): number {
    return this.nextTicket++;
  }

  /**
   * Sleeps up to `ms`. Resolves with the key whose capacity freed (a wake-up),
   * or undefined when the time passed; rejects with the signal's reason on
   * abort. Whatever happens, the waiter is gone from the queue afterwards.
   */
  wait(ticket: number, keys: readonly string[], ms: number, signal?: CancelSignal): Promise<string | undefined> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise<string | undefined>((resolve, reject) => {
      const waiter: Waiter = { ticket, keys, resolve: () => undefined, timer: undefined, signal, onAbort: undefined, settled: false };
      waiter.resolve = (wokenBy) => {
        this.remove(waiter);
        resolve(wokenBy);
      };
      waiter.timer = this.timers.setTimeout(() => {
        waiter.timer = undefined;
        waiter.resolve(undefined);
      }, Math.max(0, Math.ceil(ms)));
      if (signal !== undefined) {
        waiter.onAbort = () => {
          this.remove(waiter);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      for (const key of new Set(keys)) {
        let line = this.lines.get(key);
        if (line === undefined) this.lines.set(key, (line = []));
        line.splice(lowerBound(line, ticket), 0, waiter);
      }
      this.asleep++;
    });
  }

  /** Wakes the oldest waiter that can use `key`; false when none waits for it. */
  wakeOne(key: string): boolean {
    const oldest = this.lines.get(key)?.[0];
    if (oldest === undefined) return false;
    oldest.resolve(key);
    return true;
  }

  private remove(waiter: Waiter): void {
    if (waiter.settled) return;
    waiter.settled = true;
    for (const key of new Set(waiter.keys)) {
      const line = this.lines.get(key);
      if (line === undefined) continue;
      const at = line.indexOf(waiter, lowerBound(line, waiter.ticket));
      if (at >= 0) line.splice(at, 1);
      if (line.length === 0) this.lines.delete(key);
    }
    this.asleep--;
    if (waiter.timer !== undefined) this.timers.clearTimeout(waiter.timer);
    waiter.timer = undefined;
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }
}
