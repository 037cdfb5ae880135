// The state that reliability needs — rate budgets, concurrency slots, cooldowns,
// failure counts and routing statistics — behind one small interface, so one
// instance keeps it in memory and many share it through Redis (a later
// implementation of the same interface). No caller knows which one it has.

/** `limit` units per `periodMs` (rpm: requests per 60 000 ms; tpm: tokens per 60 000 ms). */
export interface RateBudget {
  limit: number;
  periodMs: number;
}

export interface Admission {
  allowed: boolean;
  /**
   * When denied: milliseconds until the requested cost would fit. 0 when allowed.
   * NEVER_FITS (-1) when the cost is larger than the whole limit, so no wait helps.
   */
  retryAfterMs: number;
}

/** `Admission.retryAfterMs` for a cost that exceeds the whole budget: never retry. (-1, not Infinity, so it survives JSON and Redis.) */
export const NEVER_FITS = -1;

export interface Cooldown {
  /** Epoch milliseconds when the deployment may be used again. */
  until: number;
  /** The catalog code of the failure that caused it (`rate_limit_exceeded`, `upstream_unreachable`, …). */
  reason: string;
  /** One line for the user: what happened. */
  message: string;
}

export interface DeploymentStats {
  /** Calls in flight now. */
  inFlight: number;
  /** Smoothed latency of recent successful calls (ms), if any. */
  latencyMs: number | undefined;
  /** Requests and tokens used in the current minute. */
  requestsThisMinute: number;
  tokensThisMinute: number;
}

export interface Store {
  /** Takes `cost` from the budget `key` (GCRA), or says how long until it would fit. */
  take(key: string, budget: RateBudget, cost: number): Promise<Admission>;
  /** Charges (positive) or refunds (negative) a budget after the fact, e.g. tpm corrected with reported usage. */
  adjust(key: string, budget: RateBudget, delta: number): Promise<void>;
  /** A concurrency slot; false when `max` are taken. */
  acquireSlot(key: string, max: number): Promise<boolean>;
  releaseSlot(key: string): Promise<void>;

  setCooldown(deploymentId: string, cooldown: Cooldown): Promise<void>;
  /** The active cooldowns among `deploymentIds` (expired ones are absent). */
  cooldowns(deploymentIds: readonly string[]): Promise<ReadonlyMap<string, Cooldown>>;
  /** Counts a failure within a sliding `windowMs`; returns the count including this one. */
  recordFailure(deploymentId: string, windowMs: number): Promise<number>;

  /** A call started / ended: feeds in-flight counts, latency and usage statistics. */
  callStarted(deploymentId: string): Promise<void>;
  callEnded(deploymentId: string, outcome: { latencyMs: number; tokens: number } | undefined): Promise<void>;
  stats(deploymentIds: readonly string[]): Promise<Map<string, DeploymentStats>>;

  close(): Promise<void>;
}

/** Milliseconds since the epoch; injected so tests control time. */
export type Clock = () => number;
