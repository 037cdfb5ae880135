// The Store shared by many Switchyard instances (or --num_workers): the same
// GCRA, slots, cooldowns, failure window and statistics as MemoryStore, kept
// in Redis. Every operation is ONE round trip: a Lua script (EVALSHA through
// ioredis' defineCommand, EVAL once per connection), atomic in Redis, timed
// by Redis's clock. This class only talks to Redis: when Redis fails its
// promises reject, and FailoverStore decides what to do about it.
//
// Keys (all under `prefix`, default "switchyard:"; every key expires):
//
// | key                          | type   | contents                                    | expires                               |
// |------------------------------|--------|---------------------------------------------|---------------------------------------|
// | budget:rpm:<deployment>      | hash   | l = GCRA level (requests), t = as of (ms)    | when the bucket is empty again + 1 s  |
// | budget:tpm:<deployment>      | hash   | l = GCRA level (tokens),   t = as of (ms)    | when the bucket is empty again + 1 s  |
// | slots:par:<deployment>       | hash   | <instance> = "held leaseUntilMs"             | lease (60 s), renewed while held      |
// | cooldown:<deployment>        | string | JSON { reason, message }                     | at the cooldown's end (PX)            |
// | failures:<deployment>        | zset   | one member per failure, score = Redis ms     | the failure window + 1 s              |
// | inflight:<deployment>        | hash   | <instance> = "calls leaseUntilMs"            | lease (60 s), renewed while in flight |
// | usage:<deployment>           | hash   | <second mod 60> = "second requests tokens"   | 61 s after the last call              |
// | latency:<deployment>         | string | smoothed latency (ms) of successful calls    | 1 h after the last call               |
//
// `budget:` and `slots:` wrap the limiter's own keys (`rpm:<id>`, `tpm:<id>`,
// `par:<id>`, see limits/limiter.ts), so a new kind of budget needs no change here.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ACQUIRE, ADJUST, CALL_ENDED, CALL_STARTED, COOLDOWNS, MERGE_COOLDOWNS, RECORD_FAILURE, RELEASE, RENEW, STATS, TAKE } from './redis-scripts.js';
import { NEVER_FITS, type Admission, type Clock, type Cooldown, type DeploymentStats, type RateBudget, type Store } from './store.js';

export interface RedisStoreOptions {
  /** Namespace of every key. Default "switchyard:". Instances share state exactly when they share Redis and prefix. */
  prefix?: string;
  /** Converts cooldown ends (epoch ms, the Store's unit) to and from Redis TTLs. Default Date.now. */
  clock?: Clock;
  /** This instance's name in lease hashes. Default: a random UUID (one per process). */
  instanceId?: string;
  /** How long a slot or in-flight count survives its instance's silence (a crash). Default 60 s; renewed every third of it. */
  leaseMs?: number;
  /** How long latency statistics outlive the last call. Default 1 h (as MemoryStore). */
  statsRetentionMs?: number;
  /** Failures kept per deployment; `recordFailure` saturates at it. Default 1000 (as MemoryStore). */
  maxFailuresPerKey?: number;
  /** Whether close() also closes the client. Default true. */
  ownsClient?: boolean;
}

/** Smoothing of the latency average, as MemoryStore: 0.3 weights the newest call. */
const LATENCY_ALPHA = 0.3;
/** Budgets outlive their empty moment by this much, so a read at the edge still finds them. */
const BUDGET_MARGIN_MS = 1000;
/** How long close() waits for QUIT before cutting the connection. */
const QUIT_TIMEOUT_MS = 500;

type Reply = Promise<unknown>;

/** The scripts as ioredis commands (defineCommand adds them at run time). */
interface ScriptCommands {
  syTake(key: string, limit: number, periodMs: number, cost: number, marginMs: number): Reply;
  syAdjust(key: string, limit: number, periodMs: number, delta: number, marginMs: number): Reply;
  syAcquire(key: string, max: number, instance: string, leaseMs: number): Reply;
  syRelease(key: string, instance: string, leaseMs: number): Reply;
  syRenew(numKeys: number, ...args: Array<string | number>): Reply;
  syCooldowns(numKeys: number, ...keys: string[]): Reply;
  syMergeCooldowns(numKeys: number, ...args: Array<string | number>): Reply;
  syRecordFailure(key: string, windowMs: number, cap: number, nonce: string): Reply;
  syCallStarted(inflight: string, usage: string, instance: string, leaseMs: number): Reply;
  syCallEnded(inflight: string, usage: string, latency: string, instance: string, leaseMs: number, hasOutcome: number, latencyMs: number, tokens: number, alpha: number, retentionMs: number): Reply;
  syStats(numKeys: number, ...keys: string[]): Reply;
}

const SCRIPTS: ReadonlyArray<[keyof ScriptCommands, string, number | undefined]> = [
  ['syTake', TAKE, 1],
  ['syAdjust', ADJUST, 1],
  ['syAcquire', ACQUIRE, 1],
  ['syRelease', RELEASE, 1],
  ['syRenew', RENEW, undefined],
  ['syCooldowns', COOLDOWNS, undefined],
  ['syMergeCooldowns', MERGE_COOLDOWNS, undefined],
  ['syRecordFailure', RECORD_FAILURE, 1],
  ['syCallStarted', CALL_STARTED, 2],
  ['syCallEnded', CALL_ENDED, 3],
  ['syStats', STATS, undefined],
];

export class RedisStore implements Store {
  readonly prefix: string;
  readonly instanceId: string;
  private readonly commands: ScriptCommands;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly statsRetentionMs: number;
  private readonly maxFailures: number;
  private readonly ownsClient: boolean;
  /** Lease hashes (slots, in-flight) this instance holds a count in, with the count: what the heartbeat renews. */
  private readonly held = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | undefined;
  private failureNonce = 0;

  constructor(
    readonly client: Redis,
    options: RedisStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'switchyard:';
    this.instanceId = options.instanceId ?? randomUUID();
    this.clock = options.clock ?? Date.now;
    this.leaseMs = Math.max(1000, Math.round(options.leaseMs ?? 60_000));
    this.statsRetentionMs = Math.max(1000, Math.round(options.statsRetentionMs ?? 3_600_000));
    this.maxFailures = Math.max(1, Math.floor(options.maxFailuresPerKey ?? 1000));
    this.ownsClient = options.ownsClient ?? true;
    for (const [name, lua, numberOfKeys] of SCRIPTS) {
      // defineCommand twice on one client (two stores sharing it) would only redefine the same script.
      if (typeof (client as unknown as Record<string, unknown>)[name] !== 'function') client.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
    }
    this.commands = client as unknown as ScriptCommands;
  }

  // ── rate budgets (GCRA) ──────────────────────────────────────────────

  async take(key: string, budget: RateBudget, cost: number): Promise<Admission> {
    checkBudget(budget, cost, 'cost');
    if (cost < 0) throw new RangeError(`GCRA cost must be >= 0, got ${cost}; refunds go through adjust`);
    const reply = (await this.commands.syTake(this.prefix + 'budget:' + key, budget.limit, budget.periodMs, cost, BUDGET_MARGIN_MS)) as [number, string];
    if (reply[0] === 1) return { allowed: true, retryAfterMs: 0 };
    const retryAfterMs = Number(reply[1]);
    return { allowed: false, retryAfterMs: retryAfterMs < 0 ? NEVER_FITS : retryAfterMs };
  }

  async adjust(key: string, budget: RateBudget, delta: number): Promise<void> {
    checkBudget(budget, delta, 'delta');
    await this.commands.syAdjust(this.prefix + 'budget:' + key, budget.limit, budget.periodMs, delta, BUDGET_MARGIN_MS);
  }

  // ── concurrency slots (leases) ───────────────────────────────────────

  async acquireSlot(key: string, max: number): Promise<boolean> {
    const redisKey = this.prefix + 'slots:' + key;
    // -1: no cap (an infinite max does not survive the trip to Lua).
    const cap = Number.isFinite(max) ? Math.max(0, max) : -1;
    const acquired = (await this.commands.syAcquire(redisKey, cap, this.instanceId, this.leaseMs)) === 1;
    if (acquired) this.hold(redisKey, 1);
    return acquired;
  }

  async releaseSlot(key: string): Promise<void> {
    const redisKey = this.prefix + 'slots:' + key;
    // Forget it locally first: if Redis fails now, the heartbeat stops renewing the lease, which then frees itself.
    this.hold(redisKey, -1);
    await this.commands.syRelease(redisKey, this.instanceId, this.leaseMs);
  }

  // ── cooldowns and failures ───────────────────────────────────────────

  async setCooldown(deploymentId: string, cooldown: Cooldown): Promise<void> {
    const key = this.prefix + 'cooldown:' + deploymentId;
    const ttl = Math.ceil(cooldown.until - this.clock());
    if (ttl <= 0) await this.client.del(key);
    else await this.client.set(key, JSON.stringify({ reason: cooldown.reason, message: cooldown.message }), 'PX', ttl);
  }

  async cooldowns(deploymentIds: readonly string[]): Promise<ReadonlyMap<string, Cooldown>> {
    const active = new Map<string, Cooldown>();
    if (deploymentIds.length === 0) return active;
    const reply = (await this.commands.syCooldowns(deploymentIds.length, ...deploymentIds.map((id) => this.prefix + 'cooldown:' + id))) as Array<string | number | null>;
    const now = this.clock();
    deploymentIds.forEach((id, i) => {
      const value = reply[2 * i];
      const ttl = Number(reply[2 * i + 1]);
      if (typeof value !== 'string' || !(ttl > 0)) return;
      const parsed = parseCooldown(value);
      if (parsed !== undefined) active.set(id, { until: now + ttl, ...parsed });
    });
    return active;
  }

  /** Writes cooldowns learned elsewhere (while Redis was away), keeping any longer one Redis already has. One round trip. */
  async mergeCooldowns(cooldowns: ReadonlyMap<string, Cooldown>): Promise<void> {
    const now = this.clock();
    const keys: string[] = [];
    const args: Array<string | number> = [];
    for (const [id, cooldown] of cooldowns) {
      const ttl = Math.ceil(cooldown.until - now);
      if (ttl <= 0) continue;
      keys.push(this.prefix + 'cooldown:' + id);
      args.push(JSON.stringify({ reason: cooldown.reason, message: cooldown.message }), ttl);
    }
    if (keys.length > 0) await this.commands.syMergeCooldowns(keys.length, ...keys, ...args);
  }

  async recordFailure(deploymentId: string, windowMs: number): Promise<number> {
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) throw new RangeError(`failure window must be a finite number > 0, got ${windowMs}`);
    // Two failures in the same microsecond must still be two members of the set.
    const nonce = `${this.instanceId}:${++this.failureNonce}`;
    return Number(await this.commands.syRecordFailure(this.prefix + 'failures:' + deploymentId, windowMs, this.maxFailures, nonce));
  }

  // ── statistics ───────────────────────────────────────────────────────

  async callStarted(deploymentId: string): Promise<void> {
    const inflight = this.prefix + 'inflight:' + deploymentId;
    this.hold(inflight, 1);
    try {
      await this.commands.syCallStarted(inflight, this.prefix + 'usage:' + deploymentId, this.instanceId, this.leaseMs);
    } catch (error) {
      // Not counted in Redis: nothing for the heartbeat to renew.
      this.hold(inflight, -1);
      throw error;
    }
  }

  async callEnded(deploymentId: string, outcome: { latencyMs: number; tokens: number } | undefined): Promise<void> {
    const inflight = this.prefix + 'inflight:' + deploymentId;
    this.hold(inflight, -1);
    const tokens = outcome !== undefined && Number.isFinite(outcome.tokens) && outcome.tokens > 0 ? outcome.tokens : 0;
    const latencyMs = outcome !== undefined && Number.isFinite(outcome.latencyMs) ? Math.max(0, outcome.latencyMs) : 0;
    await this.commands.syCallEnded(
      inflight, this.prefix + 'usage:' + deploymentId, this.prefix + 'latency:' + deploymentId,
      this.instanceId, this.leaseMs, outcome === undefined ? 0 : 1, latencyMs, tokens, LATENCY_ALPHA, this.statsRetentionMs,
    );
  }

  async stats(deploymentIds: readonly string[]): Promise<Map<string, DeploymentStats>> {
    const result = new Map<string, DeploymentStats>();
    if (deploymentIds.length === 0) return result;
    const keys = deploymentIds.flatMap((id) => [this.prefix + 'inflight:' + id, this.prefix + 'usage:' + id, this.prefix + 'latency:' + id]);
    const reply = (await this.commands.syStats(keys.length, ...keys)) as Array<string | number>;
    deploymentIds.forEach((id, i) => {
      const latency = reply[4 * i + 1];
      result.set(id, {
        inFlight: Number(reply[4 * i]),
        latencyMs: latency === '' || latency === undefined ? undefined : Number(latency),
        requestsThisMinute: Number(reply[4 * i + 2]),
        tokensThisMinute: Number(reply[4 * i + 3]),
      });
    });
    return result;
  }

  /**
   * Gives up this instance's claim on a slot / an in-flight call without
   * asking Redis (it is away): the heartbeat stops renewing it, and the lease
   * ends on its own within `leaseMs`.
   */
  abandonSlot(key: string): void {
    this.hold(this.prefix + 'slots:' + key, -1);
  }

  abandonCall(deploymentId: string): void {
    this.hold(this.prefix + 'inflight:' + deploymentId, -1);
  }

  /** One PING: whether Redis answers now (FailoverStore's probe). */
  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    this.stopHeartbeat();
    this.held.clear();
    if (!this.ownsClient || this.client.status === 'end') return;
    // QUIT lets Redis finish what is in flight; a dead Redis gets no say in how long shutdown takes.
    await Promise.race([this.client.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS).unref())]);
    this.client.disconnect();
  }

  // ── leases: the heartbeat that keeps this instance's counts alive ──

  private hold(key: string, delta: number): void {
    const count = (this.held.get(key) ?? 0) + delta;
    if (count > 0) this.held.set(key, count);
    else this.held.delete(key);
    if (this.held.size > 0 && this.heartbeat === undefined) {
      this.heartbeat = setInterval(() => void this.renew(), Math.floor(this.leaseMs / 3));
      // A heartbeat must never keep the process alive on its own.
      this.heartbeat.unref();
    } else if (this.held.size === 0) {
      this.stopHeartbeat();
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private async renew(): Promise<void> {
    const keys = [...this.held.keys()];
    if (keys.length === 0) return;
    // Best effort: while Redis is away there is nothing to renew, and the leases end on their own.
    await this.commands.syRenew(keys.length, ...keys, this.instanceId, this.leaseMs).catch(() => undefined);
  }
}

/** The same argument checks as gcra.ts, so both stores reject the same mistakes the same way. */
function checkBudget(budget: RateBudget, amount: number, what: string): void {
  if (!(budget.limit >= 0) || !Number.isFinite(budget.limit)) throw new RangeError(`GCRA limit must be a finite number >= 0, got ${budget.limit}`);
  if (!(budget.periodMs > 0) || !Number.isFinite(budget.periodMs)) throw new RangeError(`GCRA periodMs must be a finite number > 0, got ${budget.periodMs}`);
  if (!Number.isFinite(amount)) throw new RangeError(`GCRA ${what} must be finite, got ${amount}`);
}

function parseCooldown(value: string): Omit<Cooldown, 'until'> | undefined {
  try {
    const parsed = JSON.parse(value) as { reason?: unknown; message?: unknown };
    return { reason: String(parsed.reason ?? 'unknown'), message: String(parsed.message ?? '') };
  } catch {
    // Written by something else under our prefix: not a cooldown we can explain, so not one we honour.
    return undefined;
  }
}
