// Redis when it answers, this process's memory when it does not: Redis is
// optional state, so losing it must cost precision, never requests.
//
// - Healthy ('redis'): every call goes to Redis.
// - A call fails (connection lost, command timeout, Redis loading/read-only…):
//   that same call is answered from the MemoryStore, the store turns
//   'degraded' with one warning (after a timeout: once a PING times out too),
//   and later calls go straight to memory — no request waits on a dead Redis
//   longer than one command timeout.
// - A command that timed out may still have run in Redis: its charge there
//   stands while memory answered the call (at most one extra admission per
//   timed-out call; never a replay, see redis-client.ts).
// - While degraded, limits and cooldowns are per instance (each instance's
//   memory starts empty, so each may admit a full budget), and a probe PINGs
//   Redis every second once ioredis has reconnected.
// - Redis answers again: cooldowns learned meanwhile are written to Redis
//   (keeping any longer one there), then calls go back to Redis. Budgets,
//   failure counts and statistics simply resume from what Redis holds: its
//   budgets have only drained meanwhile, which errs towards admitting.
// - Slots and in-flight counts taken in memory are released in memory, even
//   after Redis is back, so neither store leaks a count.

import type { Logger } from '../observability/logger.js';
import { MemoryStore } from './memory-store.js';
import type { RedisStore } from './redis-store.js';
import type { Admission, Cooldown, DeploymentStats, RateBudget, Store } from './store.js';

export type StoreState = 'redis' | 'degraded';

export interface FailoverOptions {
  /** Where warnings go (Redis lost) and notices (Redis back). */
  log?: Pick<Logger, 'warn' | 'info'>;
  /** `host:port` for messages. */
  address?: string;
  /** How often a degraded store checks whether Redis is back. Default 1000 ms. */
  probeIntervalMs?: number;
  /** The local fallback; a MemoryStore by default. */
  local?: Store;
}

/** What the readiness probe and (later) metrics read. */
export interface FailoverMetrics {
  state: StoreState;
  /** Times Redis was lost while serving (start-up without Redis is not counted). */
  degradedEpisodes: number;
  /** Store calls answered from local state because Redis was away. */
  localCalls: number;
  /** Epoch ms when the current degraded episode began; undefined while healthy. */
  degradedSince: number | undefined;
}

/** The most cooldowns remembered for resynchronisation; deployments are config-bound, so this is only a guard. */
const MAX_PENDING_COOLDOWNS = 10_000;
/** A first connection later than this after start-up is worth a notice (start-up had warned that Redis was away). */
const LATE_CONNECTION_MS = 5000;

export class FailoverStore implements Store {
  private current: StoreState;
  private readonly local: Store;
  private readonly log: Pick<Logger, 'warn' | 'info'> | undefined;
  private readonly address: string;
  private readonly probeIntervalMs: number;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private verifying = false;
  private closing = false;
  private lastError: string | undefined;
  private episodes = 0;
  private fallbacks = 0;
  private since: number | undefined;
  private readonly createdAt = Date.now();
  private readonly healthyWaiters = new Set<(healthy: boolean) => void>();
  /** Deployments cooled down in memory while degraded: written to Redis when it returns. */
  private readonly pendingCooldowns = new Set<string>();
  /** Slot keys / deployments with counts held in memory: their release goes to memory too. */
  private readonly localSlots = new Map<string, number>();
  private readonly localInFlight = new Map<string, number>();

  constructor(
    readonly redis: RedisStore,
    options: FailoverOptions = {},
  ) {
    this.local = options.local ?? new MemoryStore();
    this.log = options.log;
    this.address = options.address ?? 'Redis';
    this.probeIntervalMs = Math.max(10, options.probeIntervalMs ?? 1000);
    const client = redis.client;
    this.current = client.status === 'ready' ? 'redis' : 'degraded';
    if (this.current === 'degraded') this.startProbing();
    // Without an 'error' listener ioredis prints every failed reconnection to the console.
    client.on('error', (error: Error) => {
      this.lastError = describe(error);
    });
    client.on('close', () => this.markDown(this.lastError ?? 'the connection closed'));
    client.on('ready', () => void this.probe());
  }

  get state(): StoreState {
    return this.current;
  }

  metrics(): FailoverMetrics {
    return { state: this.current, degradedEpisodes: this.episodes, localCalls: this.fallbacks, degradedSince: this.since };
  }

  /** Resolves true once calls go to Redis, false after `timeoutMs` (start-up waits on this, briefly). */
  whenHealthy(timeoutMs: number): Promise<boolean> {
    if (this.current === 'redis') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (healthy: boolean): void => {
        clearTimeout(timer);
        this.healthyWaiters.delete(done);
        resolve(healthy);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.healthyWaiters.add(done);
    });
  }

  /** The last connection error ioredis reported (`ECONNREFUSED …`), for start-up messages. */
  get lastConnectionError(): string | undefined {
    return this.lastError;
  }

  // ── the Store, each call on Redis or, failing that, in memory ────────

  take(key: string, budget: RateBudget, cost: number): Promise<Admission> {
    return this.run(() => this.redis.take(key, budget, cost), () => this.local.take(key, budget, cost));
  }

  adjust(key: string, budget: RateBudget, delta: number): Promise<void> {
    return this.run(() => this.redis.adjust(key, budget, delta), () => this.local.adjust(key, budget, delta));
  }

  async acquireSlot(key: string, max: number): Promise<boolean> {
    let inMemory = false;
    const acquired = await this.run(
      () => this.redis.acquireSlot(key, max),
      () => {
        inMemory = true;
        return this.local.acquireSlot(key, max);
      },
    );
    if (acquired && inMemory) increment(this.localSlots, key, 1);
    return acquired;
  }

  async releaseSlot(key: string): Promise<void> {
    if (increment(this.localSlots, key, -1)) return this.local.releaseSlot(key);
    // Held in Redis. Redis away: its lease ends on its own (memory holds nothing to release).
    if (this.current === 'redis') await this.redis.releaseSlot(key).catch((error: unknown) => this.failed(error));
    else this.redis.abandonSlot(key);
  }

  async setCooldown(deploymentId: string, cooldown: Cooldown): Promise<void> {
    await this.run(
      () => this.redis.setCooldown(deploymentId, cooldown),
      async () => {
        if (this.pendingCooldowns.size < MAX_PENDING_COOLDOWNS) this.pendingCooldowns.add(deploymentId);
        await this.local.setCooldown(deploymentId, cooldown);
      },
    );
  }

  cooldowns(deploymentIds: readonly string[]): Promise<ReadonlyMap<string, Cooldown>> {
    return this.run(() => this.redis.cooldowns(deploymentIds), () => this.local.cooldowns(deploymentIds));
  }

  recordFailure(deploymentId: string, windowMs: number): Promise<number> {
    return this.run(() => this.redis.recordFailure(deploymentId, windowMs), () => this.local.recordFailure(deploymentId, windowMs));
  }

  async callStarted(deploymentId: string): Promise<void> {
    await this.run(
      () => this.redis.callStarted(deploymentId),
      async () => {
        increment(this.localInFlight, deploymentId, 1);
        await this.local.callStarted(deploymentId);
      },
    );
  }

  async callEnded(deploymentId: string, outcome: { latencyMs: number; tokens: number } | undefined): Promise<void> {
    if (increment(this.localInFlight, deploymentId, -1)) return this.local.callEnded(deploymentId, outcome);
    // Started in Redis but Redis is away: let its in-flight lease lapse (the statistics go to memory).
    if (this.current === 'degraded') this.redis.abandonCall(deploymentId);
    await this.run(() => this.redis.callEnded(deploymentId, outcome), () => this.local.callEnded(deploymentId, outcome));
  }

  stats(deploymentIds: readonly string[]): Promise<Map<string, DeploymentStats>> {
    return this.run(() => this.redis.stats(deploymentIds), () => this.local.stats(deploymentIds));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopProbing();
    for (const waiter of [...this.healthyWaiters]) waiter(false);
    await Promise.allSettled([this.redis.close(), this.local.close()]);
  }

  // ── switching ────────────────────────────────────────────────────────

  private async run<T>(remote: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.current === 'redis') {
      try {
        return await remote();
      } catch (error) {
        this.failed(error);
      }
    }
    this.fallbacks++;
    return local();
  }

  /**
   * A Redis call failed. Our own argument errors are the caller's. A lost
   * connection means Redis is not usable now. A timeout alone may be our own
   * event loop having been busy (its timers run before the reply is read), so
   * a PING decides: another timeout or error, and the store turns degraded.
   */
  private failed(error: unknown): void {
    if (error instanceof RangeError) throw error;
    if (isTimeout(error)) void this.verify(describe(error));
    else this.markDown(describe(error));
  }

  private async verify(reason: string): Promise<void> {
    if (this.verifying || this.current === 'degraded') return;
    this.verifying = true;
    try {
      await this.redis.ping();
    } catch (error) {
      this.markDown(isTimeout(error) ? `${reason}, and PING did not answer either` : describe(error));
    } finally {
      this.verifying = false;
    }
  }

  private markDown(reason: string): void {
    if (this.closing || this.current === 'degraded') return;
    this.current = 'degraded';
    this.episodes++;
    this.since = Date.now();
    this.log?.warn(`Redis at ${this.address} is unreachable (${reason}): serving on local state; rate limits and cooldowns apply per instance until it answers again.`, {
      code: 'redis_unreachable',
      redis: this.address,
      error: reason,
    });
    this.startProbing();
  }

  private startProbing(): void {
    if (this.probeTimer !== undefined || this.closing) return;
    this.probeTimer = setInterval(() => void this.probe(), this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private stopProbing(): void {
    if (this.probeTimer !== undefined) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  /** Degraded and ioredis is connected again: PING, resynchronise, switch back. One probe at a time. */
  private async probe(): Promise<void> {
    if (this.current === 'redis' || this.probing || this.closing || this.redis.client.status !== 'ready') return;
    this.probing = true;
    try {
      await this.redis.ping();
      await this.resync();
      if (this.closing) return;
      // A notice when Redis returns after a loss, or arrives late after start-up; not for the first connection.
      const wasLost = this.since !== undefined || Date.now() - this.createdAt > LATE_CONNECTION_MS;
      this.current = 'redis';
      this.since = undefined;
      this.stopProbing();
      if (wasLost) this.log?.info(`Redis at ${this.address} answers again: shared rate limits and cooldowns resume.`, { redis: this.address });
      for (const waiter of [...this.healthyWaiters]) waiter(true);
    } catch (error) {
      this.lastError = describe(error);
    } finally {
      this.probing = false;
    }
  }

  /** Cooldowns learned while degraded and still running go to Redis, so other instances honour them too. */
  private async resync(): Promise<void> {
    if (this.pendingCooldowns.size === 0) return;
    const ids = [...this.pendingCooldowns];
    const active = await this.local.cooldowns(ids);
    await this.redis.mergeCooldowns(active);
    for (const id of ids) this.pendingCooldowns.delete(id);
  }
}

/** What the readiness probe says about the cache: LiteLLM's `cache` field. */
export function cacheStatus(store: Store): 'redis' | 'redis (degraded: local state)' | null {
  if (!(store instanceof FailoverStore)) return null;
  return store.state === 'redis' ? 'redis' : 'redis (degraded: local state)';
}

/** Adds `delta` to a count; false (and no change) when a decrement finds nothing to take. */
function increment(counts: Map<string, number>, key: string, delta: number): boolean {
  const count = (counts.get(key) ?? 0) + delta;
  if (count < 0) return false;
  if (count === 0) counts.delete(key);
  else counts.set(key, count);
  return true;
}

/** ioredis' commandTimeout rejection. */
function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
