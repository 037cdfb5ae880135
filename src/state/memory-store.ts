// The Store for a single instance: everything in this process's memory. Every
// operation is O(1) amortized with no timer per key; idle keys are dropped
// lazily by SweptMap as the maps are written, so a stream of distinct keys
// (a million over a day) cannot grow memory without bound.

import { emptyAt, gcraAdjust, gcraTake, type GcraState } from './gcra.js';
import { MinuteWindow } from './minute-window.js';
import type { Admission, Clock, Cooldown, DeploymentStats, RateBudget, Store } from './store.js';
import { SweptMap } from './swept-map.js';

/** Shared by every request while nothing cools down (read-only to its callers). */
const NONE_COOLING: ReadonlyMap<string, Cooldown> = new Map();

export interface MemoryStoreOptions {
  /** Defaults to Date.now; tests pass a clock they move by hand. */
  clock?: Clock;
  /** How long statistics (latency) of a deployment with no calls are kept. Default 1 h. */
  statsRetentionMs?: number;
  /** Failure timestamps kept per deployment; beyond it `recordFailure` saturates at this count. Default 1000. */
  maxFailuresPerKey?: number;
}

/** Smoothing of the latency average: 0.3 weights the newest call, 0.7 the history. */
const LATENCY_ALPHA = 0.3;

interface BudgetEntry extends GcraState {
  /** When the bucket is empty again (TAT): after it, the entry says nothing and may go. */
  idleAt: number;
}

/** Failure times in a sliding window: an array used as a queue (head index, compacted now and then). */
interface FailureEntry {
  times: number[];
  head: number;
  windowMs: number;
}

interface StatsEntry {
  inFlight: number;
  latencyMs: number | undefined;
  window: MinuteWindow;
  lastActivity: number;
}

export class MemoryStore implements Store {
  private readonly clock: Clock;
  private readonly statsRetentionMs: number;
  private readonly maxFailures: number;

  private readonly budgets = new SweptMap<BudgetEntry>((entry, now) => entry.idleAt <= now);
  /** Held slots per key; a key leaves the map when its count returns to 0, so no sweeping is needed. */
  private readonly slots = new Map<string, number>();
  private readonly cooling = new SweptMap<Cooldown>((cooldown, now) => cooldown.until <= now);
  private readonly failures = new SweptMap<FailureEntry>((entry, now) => {
    const newest = entry.times[entry.times.length - 1];
    return newest === undefined || newest <= now - entry.windowMs;
  });
  private readonly usage = new SweptMap<StatsEntry>((entry, now) => entry.inFlight === 0 && now - entry.lastActivity >= this.statsRetentionMs);

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.statsRetentionMs = options.statsRetentionMs ?? 3_600_000;
    this.maxFailures = Math.max(1, options.maxFailuresPerKey ?? 1000);
  }

  // ── rate budgets (GCRA) ──────────────────────────────────────────────

  async take(key: string, budget: RateBudget, cost: number): Promise<Admission> {
    const now = this.clock();
    const decision = gcraTake(this.budgets.get(key), budget, cost, now);
    if (decision.allowed) this.putBudget(key, decision.state, budget, now);
    return { allowed: decision.allowed, retryAfterMs: decision.retryAfterMs };
  }

  async adjust(key: string, budget: RateBudget, delta: number): Promise<void> {
    const now = this.clock();
    const current = this.budgets.get(key);
    // Refunding a key we no longer hold (already drained and swept) changes nothing.
    if (current === undefined && delta <= 0) return;
    this.putBudget(key, gcraAdjust(current, budget, delta, now), budget, now);
  }

  private putBudget(key: string, state: GcraState, budget: RateBudget, now: number): void {
    const idleAt = emptyAt(state, budget);
    if (idleAt <= now) {
      this.budgets.delete(key);
      this.budgets.sweep(now);
      return;
    }
    this.budgets.set(key, { level: state.level, at: state.at, idleAt }, now);
  }

  // ── concurrency slots ────────────────────────────────────────────────

  async acquireSlot(key: string, max: number): Promise<boolean> {
    const held = this.slots.get(key) ?? 0;
    if (held >= max) return false;
    this.slots.set(key, held + 1);
    return true;
  }

  async releaseSlot(key: string): Promise<void> {
    const held = this.slots.get(key) ?? 0;
    // Never below zero: a double release must not grant an extra slot later.
    if (held <= 1) this.slots.delete(key);
    else this.slots.set(key, held - 1);
  }

  // ── cooldowns and failures ───────────────────────────────────────────

  async setCooldown(deploymentId: string, cooldown: Cooldown): Promise<void> {
    const now = this.clock();
    if (cooldown.until <= now) {
      this.cooling.delete(deploymentId);
      return;
    }
    this.cooling.set(deploymentId, { ...cooldown }, now);
  }

  async cooldowns(deploymentIds: readonly string[]): Promise<ReadonlyMap<string, Cooldown>> {
    if (this.cooling.size === 0) return NONE_COOLING; // the usual answer: no lookup per deployment, no new Map
    const active = new Map<string, Cooldown>();
    const now = this.clock();
    for (const id of deploymentIds) {
      const cooldown = this.cooling.get(id);
      if (cooldown === undefined) continue;
      if (cooldown.until <= now) this.cooling.delete(id);
      else active.set(id, { ...cooldown });
    }
    return active;
  }

  async recordFailure(deploymentId: string, windowMs: number): Promise<number> {
    const now = this.clock();
    let entry = this.failures.get(deploymentId);
    if (entry === undefined) entry = { times: [], head: 0, windowMs };
    entry.windowMs = windowMs;
    entry.times.push(now);
    // Drop what left the window (strictly older than now − windowMs) …
    const oldest = now - windowMs;
    while (entry.head < entry.times.length && entry.times[entry.head]! <= oldest) entry.head++;
    // … and beyond the cap the oldest still inside it: the count saturates at the cap.
    if (entry.times.length - entry.head > this.maxFailures) entry.head = entry.times.length - this.maxFailures;
    // Compact once the dead prefix is the larger half: amortized O(1) per failure.
    if (entry.head > 32 && entry.head * 2 > entry.times.length) {
      entry.times = entry.times.slice(entry.head);
      entry.head = 0;
    }
    this.failures.set(deploymentId, entry, now);
    return entry.times.length - entry.head;
  }

  // ── statistics ───────────────────────────────────────────────────────

  private statsEntry(deploymentId: string): StatsEntry {
    let entry = this.usage.get(deploymentId);
    if (entry === undefined) entry = { inFlight: 0, latencyMs: undefined, window: new MinuteWindow(), lastActivity: 0 };
    return entry;
  }

  async callStarted(deploymentId: string): Promise<void> {
    const now = this.clock();
    const entry = this.statsEntry(deploymentId);
    entry.inFlight++;
    entry.lastActivity = now;
    // A request counts when it is sent: failed calls spend the provider's rpm too.
    entry.window.add(now, 1, 0);
    this.usage.set(deploymentId, entry, now);
  }

  async callEnded(deploymentId: string, outcome: { latencyMs: number; tokens: number } | undefined): Promise<void> {
    const now = this.clock();
    const entry = this.statsEntry(deploymentId);
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    entry.lastActivity = now;
    if (outcome !== undefined) {
      entry.latencyMs = entry.latencyMs === undefined ? outcome.latencyMs : LATENCY_ALPHA * outcome.latencyMs + (1 - LATENCY_ALPHA) * entry.latencyMs;
      entry.window.add(now, 0, outcome.tokens);
    }
    this.usage.set(deploymentId, entry, now);
  }

  async stats(deploymentIds: readonly string[]): Promise<Map<string, DeploymentStats>> {
    const now = this.clock();
    const result = new Map<string, DeploymentStats>();
    for (const id of deploymentIds) {
      const entry = this.usage.get(id);
      if (entry === undefined) {
        result.set(id, { inFlight: 0, latencyMs: undefined, requestsThisMinute: 0, tokensThisMinute: 0 });
        continue;
      }
      const { requests, tokens } = entry.window.totals(now);
      result.set(id, { inFlight: entry.inFlight, latencyMs: entry.latencyMs, requestsThisMinute: requests, tokensThisMinute: tokens });
    }
    return result;
  }

  async close(): Promise<void> {
    this.budgets.clear();
    this.slots.clear();
    this.cooling.clear();
    this.failures.clear();
    this.usage.clear();
  }

  /** How many keys each map holds: for tests and diagnostics (memory stays bounded). */
  sizes(): { budgets: number; slots: number; cooldowns: number; failures: number; stats: number } {
    return { budgets: this.budgets.size, slots: this.slots.size, cooldowns: this.cooling.size, failures: this.failures.size, stats: this.usage.size };
  }
}
