// GCRA (generic cell rate algorithm) with weighted cost, as pure arithmetic on
// plain numbers so the Redis Lua script can be a line-by-line port and both
// stores behave identically.
//
// GCRA has two equivalent textbook forms (ITU-T I.371): "virtual scheduling",
// which stores the theoretical arrival time TAT, and "continuous-state leaky
// bucket", which stores the bucket level at a moment. We store the second:
//
//     level = (TAT − at) / T            TAT = at + level · T
//
// with emission interval T = periodMs / limit and tolerance τ = periodMs (a
// whole period of burst, which is what "30 per minute" means to a user). The
// rule "allow when TAT' − τ ≤ now, TAT' = max(TAT, now) + cost·T" becomes
// "allow when level + cost ≤ limit". Why the level form: TAT is an epoch
// timestamp (~1.7e12 ms) where a double has only ~0.0002 ms of resolution, so
// thousands of fractional additions of T (60000/7 …) drift and an exact burst
// of `limit` can come out one short; the level is a small number in cost
// units, where integer costs stay exact and the retry time is exact too.

import { NEVER_FITS, type RateBudget } from './store.js';

/** A budget's state: `level` units outstanding as of `at` (epoch ms). No state = an empty bucket. */
export interface GcraState {
  level: number;
  at: number;
}

export interface GcraDecision {
  allowed: boolean;
  /** 0 when allowed; ms until `cost` fits when denied; NEVER_FITS (-1) when it never can. */
  retryAfterMs: number;
  /** The state to store (unchanged in meaning when denied: a denial costs nothing). */
  state: GcraState;
}

/**
 * Rounding slack, in time: a cost that would fit within a microsecond fits
 * now. Epoch milliseconds in a double resolve only ~0.0002 ms, so "now +
 * retryAfterMs" can land a hair short; with this slack, waiting exactly
 * `retryAfterMs` is always enough. A microsecond of budget is negligible.
 */
const SLACK_MS = 0.001;

function check(budget: RateBudget, amount: number, what: string): void {
  if (!(budget.limit >= 0) || !Number.isFinite(budget.limit)) throw new RangeError(`GCRA limit must be a finite number >= 0, got ${budget.limit}`);
  if (!(budget.periodMs > 0) || !Number.isFinite(budget.periodMs)) throw new RangeError(`GCRA periodMs must be a finite number > 0, got ${budget.periodMs}`);
  if (!Number.isFinite(amount)) throw new RangeError(`GCRA ${what} must be finite, got ${amount}`);
}

/** The level at `now`: what was outstanding, minus what has drained since (limit per period). */
export function levelAt(state: GcraState | undefined, budget: RateBudget, now: number): number {
  if (state === undefined) return 0;
  const elapsed = now - state.at;
  // A clock that steps back drains nothing rather than adding debt.
  if (elapsed <= 0) return state.level;
  return Math.max(0, state.level - (elapsed * budget.limit) / budget.periodMs);
}

/** TAT: when the bucket is empty again, i.e. when the key carries no information and may be dropped. */
export function emptyAt(state: GcraState, budget: RateBudget): number {
  if (state.level <= 0) return state.at;
  return budget.limit > 0 ? state.at + (state.level * budget.periodMs) / budget.limit : Number.POSITIVE_INFINITY;
}

/** Takes `cost` units at `now`, or says how long until they would fit. */
export function gcraTake(state: GcraState | undefined, budget: RateBudget, cost: number, now: number): GcraDecision {
  check(budget, cost, 'cost');
  if (cost < 0) throw new RangeError(`GCRA cost must be >= 0, got ${cost}; refunds go through adjust`);
  const level = levelAt(state, budget, now);
  const at = state === undefined ? now : Math.max(now, state.at);
  const slack = (budget.limit * SLACK_MS) / budget.periodMs;
  // More than a whole period's budget can never fit, however long one waits.
  if (cost > budget.limit + slack) return { allowed: false, retryAfterMs: NEVER_FITS, state: { level, at } };
  const excess = level + cost - budget.limit;
  if (excess > slack) {
    // The excess drains at limit/period per ms: exactly this long until it fits.
    return { allowed: false, retryAfterMs: (excess * budget.periodMs) / budget.limit, state: { level, at } };
  }
  return { allowed: true, retryAfterMs: 0, state: { level: level + cost, at } };
}

/**
 * Charges (delta > 0) or refunds (delta < 0) after the fact. A refund never
 * takes the level below zero ("TAT never below now"): unused budget from the
 * past cannot be banked as extra burst.
 */
export function gcraAdjust(state: GcraState | undefined, budget: RateBudget, delta: number, now: number): GcraState {
  check(budget, delta, 'delta');
  const level = levelAt(state, budget, now);
  const at = state === undefined ? now : Math.max(now, state.at);
  return { level: Math.max(0, level + delta), at };
}
