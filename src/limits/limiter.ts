// Switchyard's own admission control per deployment: the `rpm`, `tpm` and
// `max_parallel_requests` a config sets (only those set), plus what the
// provider's headers say is left. `tryAdmit` answers at once; `admit` is the
// bounded queue the router uses: it tries the candidates in the router's
// order and, when none has capacity, waits a bounded time for one.
//
// Budgets live in the Store (memory or Redis: same keys, same GCRA), so
// several instances share them; the wait queue and the provider headroom are
// per process.

import { GatewayError } from '../errors/gateway-error.js';
import type { Deployment } from '../router/deployment.js';
import { NEVER_FITS, type Admission, type Clock, type RateBudget, type Store } from '../state/store.js';
import type { CancelSignal } from '../util/cancel-signal.js';
import { ProviderHeadroom, type HeaderSource } from './provider-headroom.js';
import { realTimers, WaitQueue, type Timers } from './wait-queue.js';

export type LimitReason = 'rpm' | 'tpm' | 'parallel' | 'provider';

export interface Denied {
  /** ms until the deployment may have capacity; NEVER_FITS (-1) with `never`. For 'parallel', a re-check interval. */
  retryAfterMs: number;
  reason: LimitReason;
  /** The request can never fit this deployment (its estimate exceeds the whole tpm). */
  never?: true;
  /** For messages: "at its rpm 30". */
  detail: string;
}

/** Usage as providers report it; `total_tokens` wins, else prompt + completion. */
export interface Usage {
  total_tokens?: number;
  prompt_tokens?: number;
  completion_tokens?: number;
}

export interface Permit {
  readonly deployment: Deployment;
  readonly estimatedTokens: number;
  /**
   * Frees the parallel slot and corrects the tpm charge with the real usage
   * (charges the difference: actual − estimated). Idempotent; never rejects
   * (store failures go to `onReleaseError`). Without usage, the estimate stands.
   */
  release(usage?: Usage): Promise<void>;
}

export function isPermit(result: Permit | Denied): result is Permit {
  return 'release' in result;
}

export interface LimiterOptions {
  /** Longest a request waits for capacity before `gateway_rate_limited`. Default 5000 ms; 0 disables waiting. */
  maxWaitMs?: number;
  /** Requests allowed to wait at once; beyond it `queue_full`. Default 1000. */
  maxQueue?: number;
  /**
   * How often a waiter re-checks a deployment that is only short of a parallel
   * slot: a release in this process wakes it at once, but one in another
   * instance (shared Redis store) cannot. Default 1000 ms.
   */
  parallelRecheckMs?: number;
  clock?: Clock;
  timers?: Timers;
  headroom?: ProviderHeadroom;
  /** Store failures while releasing a permit (release itself never rejects). Default: a process warning. */
  onReleaseError?: (error: unknown) => void;
}

const MINUTE_MS = 60_000;

export const limitKeys = {
  rpm: (deploymentId: string): string => `rpm:${deploymentId}`,
  tpm: (deploymentId: string): string => `tpm:${deploymentId}`,
  parallel: (deploymentId: string): string => `par:${deploymentId}`,
};

const perMinute = (limit: number): RateBudget => ({ limit, periodMs: MINUTE_MS });
const count = (n: number): string => n.toLocaleString('en-US');

/** "2 s", "0.4 s", "12 s": tenths below 10 s, whole seconds above; always rounded up. */
function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 10 ? `${Math.ceil(s)} s` : `${Math.ceil(s * 10) / 10} s`;
}

function totalTokens(usage: Usage | undefined): number | undefined {
  if (usage === undefined) return undefined;
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (valid(usage.total_tokens)) return usage.total_tokens;
  if (valid(usage.prompt_tokens) && valid(usage.completion_tokens)) return usage.prompt_tokens + usage.completion_tokens;
  return undefined;
}

function aliasesOf(deployments: readonly Deployment[]): string {
  return [...new Set(deployments.map((d) => `"${d.alias}"`))].join(' and ');
}

interface Refusal {
  deployment: Deployment;
  denied: Denied;
}

interface Round {
  permit: Permit | undefined;
  refusals: Refusal[];
}

export class Limiter {
  readonly headroom: ProviderHeadroom;
  private readonly queue: WaitQueue;
  private readonly clock: Clock;
  private readonly maxWaitMs: number;
  private readonly maxQueue: number;
  private readonly parallelRecheckMs: number;
  private readonly onReleaseError: (error: unknown) => void;
  private waitingCount = 0;

  constructor(
    private readonly store: Store,
    options: LimiterOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.queue = new WaitQueue(options.timers ?? realTimers);
    this.headroom = options.headroom ?? new ProviderHeadroom({ clock: this.clock });
    this.maxWaitMs = Math.max(0, options.maxWaitMs ?? 5000);
    this.maxQueue = Math.max(0, options.maxQueue ?? 1000);
    this.parallelRecheckMs = Math.max(1, options.parallelRecheckMs ?? 1000);
    this.onReleaseError = options.onReleaseError ?? ((error) => process.emitWarning(`Switchyard could not release a rate-limit permit: ${String(error)}`));
  }

  /** Requests waiting for capacity now (asleep or re-trying). */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Requests asleep in the queue now (a subset of `waiting`); 0 when idle means no waiter leaked. */
  get queued(): number {
    return this.queue.size;
  }

  /** Remembers the provider's `x-ratelimit-*` headers from an answer by this deployment. */
  learn(deployment: Deployment, headers: HeaderSource): void {
    this.headroom.learn(deployment.id, headers, deployment.config.id);
  }

  /**
   * Admits one request to one deployment now, or says why not. All or
   * nothing: a budget taken before a later one refuses is given back.
   */
  async tryAdmit(deployment: Deployment, estimatedTokens: number): Promise<Permit | Denied> {
    const { rpm, tpm, maxParallelRequests: parallel } = deployment.config;
    const tokens = Number.isFinite(estimatedTokens) && estimatedTokens > 0 ? estimatedTokens : 0;

    // Checked before anything is taken: no wait helps, so nothing to charge or refund.
    if (tpm !== undefined && tokens > tpm) {
      return { reason: 'tpm', retryAfterMs: NEVER_FITS, never: true, detail: `needs ~${count(tokens)} tokens, more than its whole tpm ${count(tpm)}` };
    }
    // The provider's word first: it costs no store round trip.
    const provider = this.headroom.check(deployment.id, tokens);
    if (provider !== undefined) return { reason: 'provider', retryAfterMs: provider.retryAfterMs, detail: provider.detail };
    // No budget of its own (most deployments): nothing to take from the store, nothing to refund.
    if (rpm === undefined && tpm === undefined && parallel === undefined) return this.permit(deployment, tokens, undefined, undefined);

    const taken: Array<{ key: string; budget: RateBudget; cost: number }> = [];
    const refund = async (): Promise<void> => {
      for (const { key, budget, cost } of taken) await this.store.adjust(key, budget, -cost);
    };
    try {
      if (rpm !== undefined) {
        const budget = perMinute(rpm);
        const admission = await this.store.take(limitKeys.rpm(deployment.id), budget, 1);
        if (!admission.allowed) return denial('rpm', admission, `at its rpm ${count(rpm)}`);
        taken.push({ key: limitKeys.rpm(deployment.id), budget, cost: 1 });
      }
      if (tpm !== undefined && tokens > 0) {
        const budget = perMinute(tpm);
        const admission = await this.store.take(limitKeys.tpm(deployment.id), budget, tokens);
        if (!admission.allowed) {
          await refund();
          return denial('tpm', admission, `at its tpm ${count(tpm)} (this request ~${count(tokens)} tokens)`);
        }
        taken.push({ key: limitKeys.tpm(deployment.id), budget, cost: tokens });
      }
      if (parallel !== undefined && !(await this.store.acquireSlot(limitKeys.parallel(deployment.id), parallel))) {
        await refund();
        return { reason: 'parallel', retryAfterMs: this.parallelRecheckMs, detail: `at its max_parallel_requests ${count(parallel)}` };
      }
    } catch (error) {
      // A store failure half-way: give back what was taken, best effort, and report the failure.
      await refund().catch(() => undefined);
      throw error;
    }
    return this.permit(deployment, tokens, parallel === undefined ? undefined : limitKeys.parallel(deployment.id), tpm === undefined ? undefined : perMinute(tpm));
  }

  private permit(deployment: Deployment, tokens: number, slotKey: string | undefined, tpm: RateBudget | undefined): LimiterPermit {
    this.headroom.consume(deployment.id, tokens);
    return new LimiterPermit(deployment, tokens, {
      store: this.store,
      slotKey,
      tpm,
      wake: () => this.queue.wakeOne(deployment.id),
      onError: this.onReleaseError,
    });
  }

  /**
   * Admits the request to the first of `deployments` (the router's order of
   * preference) with capacity, waiting up to `maxWaitMs` for one. Throws
   * `request_too_large` when it can never fit any, `queue_full` when too many
   * already wait, `gateway_rate_limited` when no capacity comes in time (or
   * cannot come in time), and the signal's reason on abort.
   */
  async admit(deployments: readonly Deployment[], estimatedTokens: number, signal?: CancelSignal): Promise<{ deployment: Deployment; permit: Permit }> {
    if (deployments.length === 0) throw new RangeError('Limiter.admit needs at least one deployment');
    signal?.throwIfAborted();
    const started = this.clock();
    const deadline = started + this.maxWaitMs;
    let keys: string[] | undefined; // only a request that waits needs them
    let wokenBy: string | undefined;
    let queued = false;
    let ticket = 0;
    try {
      for (;;) {
        const round = await this.round(deployments, estimatedTokens);
        if (signal?.aborted === true) {
          // Aborted while the store answered: hand back what we got, and any wake-up meant for us.
          if (round.permit !== undefined) await round.permit.release();
          else if (wokenBy !== undefined) this.queue.wakeOne(wokenBy);
          throw signal.reason;
        }
        if (round.permit !== undefined) {
          // Capacity came free and we got in: there may be more, so pass the wake-up on.
          if (wokenBy !== undefined) this.queue.wakeOne(wokenBy);
          return { deployment: round.permit.deployment, permit: round.permit };
        }
        if (round.refusals.every((r) => r.denied.never === true)) throw this.tooLarge(round.refusals, estimatedTokens);

        const now = this.clock();
        const remaining = deadline - now;
        const next = soonest(round.refusals);
        // Waiting is pointless when the soonest certain refill is after the deadline; say so now.
        if (remaining <= 0 || (next.certain && next.ms > remaining)) throw this.rateLimited(round.refusals, now - started);
        if (!queued) {
          if (this.waitingCount >= this.maxQueue) throw this.queueFull(deployments);
          this.waitingCount++;
          queued = true;
          ticket = this.queue.ticket();
        }
        keys ??= deployments.map((d) => d.id);
        wokenBy = await this.queue.wait(ticket, keys, Math.min(next.ms, remaining), signal);
      }
    } finally {
      if (queued) this.waitingCount--;
    }
  }

  private async round(deployments: readonly Deployment[], estimatedTokens: number): Promise<Round> {
    const refusals: Refusal[] = [];
    for (const deployment of deployments) {
      const result = await this.tryAdmit(deployment, estimatedTokens);
      if (isPermit(result)) return { permit: result, refusals };
      refusals.push({ deployment, denied: result });
    }
    return { permit: undefined, refusals };
  }

  private rateLimited(refusals: readonly Refusal[], waitedMs: number): GatewayError {
    const next = soonest(refusals);
    const retryAfter = Math.max(1, Math.ceil(next.ms / 1000));
    const parts = refusals.map(({ deployment, denied }) => {
      if (denied.never === true) return `${deployment.id} ${denied.detail} (can never fit)`;
      if (denied.reason === 'parallel') return `${deployment.id} ${denied.detail}, free when one of its calls finishes`;
      return `${deployment.id} ${denied.detail}, free in ${seconds(denied.retryAfterMs)}`;
    });
    const waited = waitedMs > 0 ? ` after waiting ${seconds(waitedMs)}` : '';
    const deployments = refusals.map((r) => r.deployment);
    return new GatewayError(
      'gateway_rate_limited',
      `Every deployment of ${aliasesOf(deployments)} is at Switchyard's own limits${waited}: ${parts.join('; ')}. Retry in ${retryAfter} s, or raise these limits or add deployments.`,
      {
        details: {
          retryAfter,
          waited_ms: Math.round(waitedMs),
          limits: refusals.map(({ deployment, denied }) => ({
            deployment: deployment.id,
            limit: denied.reason,
            ...(denied.never === true ? { never: true } : { retry_after_ms: Math.ceil(denied.retryAfterMs) }),
          })),
        },
      },
    );
  }

  private queueFull(deployments: readonly Deployment[]): GatewayError {
    return new GatewayError(
      'queue_full',
      `Switchyard is overloaded: ${count(this.waitingCount)} requests already wait for rate-limit capacity (the most it queues is ${count(this.maxQueue)}), so this request for ${aliasesOf(deployments)} was turned away at once. Retry in 1 s, send fewer concurrent requests, or add deployments.`,
      { details: { retryAfter: 1, waiting: this.waitingCount, max_queue: this.maxQueue } },
    );
  }

  private tooLarge(refusals: readonly Refusal[], estimatedTokens: number): GatewayError {
    const deployments = refusals.map((r) => r.deployment);
    const limits = deployments.map((d) => `${d.id}: tpm ${count(d.config.tpm ?? 0)}`).join(', ');
    return new GatewayError(
      'request_too_large',
      `The request needs ~${count(estimatedTokens)} tokens (prompt plus max_tokens, estimated), more than the whole per-minute token limit of every deployment of ${aliasesOf(deployments)} (${limits}), so it can never be admitted. Shorten it, lower max_tokens, or use a deployment with a higher tpm.`,
      { details: { estimated_tokens: estimatedTokens, limits: deployments.map((d) => ({ deployment: d.id, tpm: d.config.tpm })) } },
    );
  }
}

function denial(reason: 'rpm' | 'tpm', admission: Admission, detail: string): Denied {
  return admission.retryAfterMs === NEVER_FITS
    ? { reason, retryAfterMs: NEVER_FITS, never: true, detail }
    : { reason, retryAfterMs: admission.retryAfterMs, detail };
}

/** The soonest retry among refusals that can fit, and whether it is certain (a parallel slot may free any moment). */
function soonest(refusals: readonly Refusal[]): { ms: number; certain: boolean } {
  let ms = Number.POSITIVE_INFINITY;
  let certain = true;
  for (const { denied } of refusals) {
    if (denied.never === true) continue;
    if (denied.reason === 'parallel') certain = false;
    ms = Math.min(ms, Math.max(0, denied.retryAfterMs));
  }
  return { ms, certain };
}

interface PermitDeps {
  store: Store;
  slotKey: string | undefined;
  tpm: RateBudget | undefined;
  wake: () => void;
  onError: (error: unknown) => void;
}

class LimiterPermit implements Permit {
  private released = false;

  constructor(
    readonly deployment: Deployment,
    readonly estimatedTokens: number,
    private readonly deps: PermitDeps,
  ) {}

  async release(usage?: Usage): Promise<void> {
    if (this.released) return;
    this.released = true;
    const { store, slotKey, tpm, wake, onError } = this.deps;
    let freed = false;
    try {
      if (slotKey !== undefined) {
        await store.releaseSlot(slotKey);
        freed = true;
      }
      const actual = totalTokens(usage);
      if (tpm !== undefined && actual !== undefined && actual !== this.estimatedTokens) {
        const delta = actual - this.estimatedTokens;
        await store.adjust(limitKeys.tpm(this.deployment.id), tpm, delta);
        if (delta < 0) freed = true;
      }
    } catch (error) {
      onError(error);
    }
    // Capacity freed on this deployment: the oldest waiter that can use it tries now.
    if (freed) wake();
  }
}
