import type { Config } from '../config/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/envelope.js';
import type { Limiter, Permit } from '../limits/limiter.js';
import type { Metrics } from '../observability/metrics.js';
import { clearlyExceeds, estimatePromptTokens } from '../providers/context-window.js';
import type { ChatBody, ChatCall, ChatStream, Completion, ProviderAdapter, UpstreamHeaders } from '../providers/types.js';
import type { Clock, Store } from '../state/store.js';
import { Cancellation, type CancelSignal } from '../util/cancel-signal.js';
import { closestMatch } from '../util/suggest.js';
import { retryDelayMs } from './backoff.js';
import { Cooldowns } from './cooldowns.js';
import type { Deployment, ModelGroup } from './deployment.js';
import { failurePolicy, type FailurePolicy } from './failure-policy.js';
import { ModelTable } from './model-table.js';
import { createStrategy } from './strategies/index.js';
import type { RoutingStrategy } from './strategy.js';
import { groupUnavailable } from './unavailable.js';

/** What a call needs besides the body: identity and cancellation. */
export interface CallContext {
  requestId: string;
  signal: CancelSignal;
  /** The request's bytes as the client sent them, when `body` was parsed from them. */
  rawBody?: Buffer;
}

export interface Routed<T> {
  result: T;
  deployment: Deployment;
  /** Upstream calls made, including the successful one. */
  attempts: number;
  /** Fallback aliases tried after the requested one. */
  fallbacks: number;
}

export interface RouterDependencies {
  store: Store;
  limiter: Limiter;
  clock?: Clock;
  /** Waits between retries; injected so tests need not sleep. */
  sleep?: (ms: number, signal: CancelSignal) => Promise<void>;
  random?: () => number;
  env?: NodeJS.ProcessEnv;
  /** Prometheus counters (observability/metrics.ts); none when absent. */
  metrics?: Metrics;
}

const DEFAULT_NUM_RETRIES = 2;
const DEFAULT_REQUEST_TIMEOUT_S = 600;
const DEFAULT_ALLOWED_FAILS = 3;
const DEFAULT_COOLDOWN_S = 5;
/** A cooldown ending sooner than this is waited out rather than reported (a 429 with `retry-after: 0.2`). */
const MAX_COOLDOWN_WAIT_MS = 5_000;

type Invoke<T> = (adapter: ProviderAdapter, call: ChatCall) => Promise<T>;

/**
 * Resolves an alias to its deployment group and runs the call: the only place
 * that decides which deployment serves, whether to try again, and where.
 */
export class Router {
  private readonly callableLists = new WeakMap<ModelGroup, readonly Deployment[]>();
  readonly table: ModelTable;
  private readonly strategy: RoutingStrategy;
  private readonly cooldowns: Cooldowns;
  private readonly store: Store;
  private readonly limiter: Limiter;
  private readonly metrics: Metrics | undefined;
  private readonly clock: Clock;
  private readonly sleep: NonNullable<RouterDependencies['sleep']>;
  private readonly random: () => number;
  private readonly numRetries: number;
  private readonly requestTimeoutMs: number;
  private readonly fallbacks: ReadonlyMap<string, readonly string[]>;
  private readonly contextWindowFallbacks: ReadonlyMap<string, readonly string[]>;
  private readonly contentPolicyFallbacks: ReadonlyMap<string, readonly string[]>;

  constructor(config: Config, deps: RouterDependencies) {
    this.table = new ModelTable(config, deps.env);
    this.store = deps.store;
    this.limiter = deps.limiter;
    this.metrics = deps.metrics;
    this.clock = deps.clock ?? Date.now;
    this.sleep = deps.sleep ?? sleep;
    this.random = deps.random ?? Math.random;
    this.strategy = createStrategy(config.routerSettings.routingStrategy, { lowestLatencyBuffer: config.routerSettings.lowestLatencyBuffer ?? 0 });
    const { routerSettings: router, litellmSettings: litellm } = config;
    this.numRetries = router.numRetries ?? litellm.numRetries ?? DEFAULT_NUM_RETRIES;
    this.requestTimeoutMs = (litellm.requestTimeout ?? router.timeout ?? DEFAULT_REQUEST_TIMEOUT_S) * 1000;
    this.cooldowns = new Cooldowns(this.store, {
      allowedFails: router.allowedFails ?? litellm.allowedFails ?? DEFAULT_ALLOWED_FAILS,
      cooldownMs: (router.cooldownTime ?? litellm.cooldownTime ?? DEFAULT_COOLDOWN_S) * 1000,
      disabled: router.disableCooldowns,
    }, this.clock);
    this.fallbacks = toMap(litellm.fallbacks);
    this.contextWindowFallbacks = toMap(litellm.contextWindowFallbacks);
    this.contentPolicyFallbacks = toMap(litellm.contentPolicyFallbacks);
  }

  resolve(model: string): ModelGroup {
    const group = this.table.resolve(model);
    if (group !== undefined) return group;
    const aliases = this.table.aliases();
    const guess = closestMatch(model, aliases);
    const didYouMean = guess === undefined ? '' : ` Did you mean "${guess}"?`;
    const listed = aliases.length === 0 ? 'No aliases are configured.' : `Configured aliases: ${aliases.join(', ')}.`;
    const patterns = this.table.wildcardPatterns();
    const wildcard = patterns.length === 0 ? '' : ` Wildcard patterns: ${patterns.join(', ')}.`;
    throw new GatewayError('model_not_found', `Model "${model}" is not configured in Switchyard.${didYouMean} ${listed}${wildcard}`, {
      param: 'model',
      details: { ...(guess === undefined ? {} : { suggestion: guess }), available_models: aliases },
    });
  }

  /**
   * The alias as a metrics label: the configured name, a wildcard's pattern
   * (never the client's model string, so label values stay bounded), or ""
   * for a model nothing serves.
   */
  metricAlias(model: string): string {
    return this.table.resolve(model)?.deployments[0]?.config.modelName ?? '';
  }

  complete(body: ChatBody, ctx: CallContext): Promise<Routed<Completion>> {
    return this.execute(body, ctx, false, (adapter, call) => adapter.complete(call), (completion) => completion.body.usage, (c) => c.headers);
  }

  async openStream(body: ChatBody, ctx: CallContext): Promise<Routed<ChatStream>> {
    let release: ((usage: unknown) => void) | undefined;
    const opened = this.metrics === undefined ? 0 : performance.now();
    const routed = await this.execute(body, ctx, true, (adapter, call) => adapter.openStream(call), undefined, (s) => s.headers, (done) => (release = done));
    const stream = routed.result;
    this.metrics?.firstTokenAfter(this.metricAlias(body.model), (performance.now() - opened) / 1000);
    // The rate-limit permit (a parallel slot, the tpm estimate) is held until the stream ends.
    return {
      ...routed,
      result: {
        headers: stream.headers,
        usage: () => stream.usage(),
        pipe: (sink) => stream.pipe(sink).finally(() => release?.(stream.usage())),
      },
    };
  }

  /**
   * The request's whole life on the upstream side: pick a deployment, call it,
   * and on failure retry (here or on another deployment), cool deployments
   * down, and move on to fallback aliases — within one time budget.
   */
  private async execute<T>(
    body: ChatBody,
    ctx: CallContext,
    stream: boolean,
    invoke: Invoke<T>,
    usageOf: ((result: T) => unknown) | undefined,
    headersOf: (result: T) => UpstreamHeaders,
    holdPermit?: (release: (usage: unknown) => void) => void,
  ): Promise<Routed<T>> {
    const deadline = this.clock() + this.requestTimeoutMs;
    const plan = new FallbackPlan(body.model);
    let attempts = 0;
    let lastError: GatewayError | undefined;
    const metrics = this.metrics;
    let label: string | undefined; // the requested alias, for metrics

    for (let alias = plan.next(); alias !== undefined; alias = plan.next()) {
      const group = this.resolve(alias);
      if (metrics !== undefined) {
        if (label === undefined) label = group.deployments[0]!.config.modelName;
        else metrics.fallback(label);
      }
      const callable = this.callableOf(group);
      if (callable.length === 0) {
        lastError = group.deployments[0]!.adapter as GatewayError;
        plan.after(failurePolicy(lastError), this.fallbackLists(alias));
        continue;
      }
      const estimatedTokens = estimatePromptTokens(body, Infinity);
      const tried = new Set<string>();
      let sameRetries: Map<string, number> | undefined; // only a retry on the same deployment needs it
      let retries = 0;

      for (;;) {
        const cooling = await this.cooldowns.active(callable);
        // With nothing cooling and nothing tried yet (nearly every request), no list is copied:
        // with a thousand deployments in a group, the copies were most of the routing cost.
        const healthy = cooling.size === 0 ? callable : callable.filter((d) => !cooling.has(d.id));
        if (healthy.length === 0) {
          const soonest = Math.min(...[...cooling.values()].map((c) => c.until));
          const wait = soonest - this.clock();
          if (retries < this.numRetries && wait <= MAX_COOLDOWN_WAIT_MS && this.clock() + wait < deadline) {
            retries++;
            metrics?.retry(label!);
            await this.sleep(Math.max(0, wait), ctx.signal);
            continue;
          }
          lastError = groupUnavailable(group.alias, callable, cooling, this.clock());
          plan.after(failurePolicy(lastError), this.fallbackLists(alias));
          break;
        }

        const fresh = tried.size === 0 ? healthy : healthy.filter((d) => !tried.has(d.id));
        const ordered = await this.order(fresh.length > 0 ? fresh : healthy, estimatedTokens);
        const tooLongError = this.contextCheck(body, ordered[0]!);
        if (tooLongError !== undefined) {
          lastError = tooLongError;
          plan.after(failurePolicy(tooLongError), this.fallbackLists(alias));
          break;
        }

        const remaining = deadline - this.clock();
        if (remaining <= 0) throw this.timedOut(lastError, attempts);
        const { deployment, permit } = await this.limiter.admit(ordered, estimatedTokens, ctx.signal);
        tried.add(deployment.id);
        attempts++;
        const outcome = await this.attempt(deployment, permit, body, ctx, stream, invoke, remaining);
        metrics?.attempt(deployment.config.id, deployment.provider, outcome.ok ? 'ok' : outcome.error.code);
        if (outcome.ok) {
          const result = outcome.result;
          this.limiter.learn(deployment, headersOf(result));
          const finish = (usage: unknown) => {
            outcome.detach();
            const tokens = usageTokens(usage);
            if (tokens !== undefined) metrics?.usage(deployment.config.id, tokens);
            void permit.release(tokens);
            // A stream stays in flight (least-busy) until it ends; its latency is the time to its first event.
            void this.store.callEnded(deployment.id, { latencyMs: outcome.latencyMs, tokens: tokens?.total_tokens ?? 0 });
          };
          if (holdPermit) holdPermit(finish);
          else finish(usageOf?.(result));
          return { result, deployment, attempts, fallbacks: plan.fallbacksUsed };
        }

        const error = outcome.error;
        const policy = failurePolicy(error);
        if (await this.cooldowns.onFailure(deployment, error, policy)) metrics?.cooldown(deployment.config.id, error.code);
        lastError = this.withWindow(error, body, deployment);
        const others = healthy.some((d) => d.id !== deployment.id && !tried.has(d.id));
        if (policy.retry && retries < this.numRetries) {
          retries++;
          metrics?.retry(label!);
          // Another healthy deployment answers at once; the same one only after a backoff,
          // and not at all when the provider asks for a longer wait than a client should sit through.
          if (others) continue;
          // `litellm_params.max_retries` caps how often this one deployment is called again.
          sameRetries ??= new Map();
          const sameAgain = (sameRetries.get(deployment.id) ?? 0) + 1;
          sameRetries.set(deployment.id, sameAgain);
          const delay = retryDelayMs(retries - 1, error.details.retryAfter, this.random);
          if (sameAgain <= (deployment.config.maxRetries ?? Infinity) && delay <= MAX_COOLDOWN_WAIT_MS && this.clock() + delay < deadline) {
            await this.sleep(delay, ctx.signal);
            continue;
          }
        }
        if (!policy.retry && policy.tryElsewhere && others) {
          metrics?.retry(label!);
          continue;
        }
        plan.after(policy, this.fallbackLists(alias));
        break;
      }
    }
    throw withAttempts(lastError!, attempts, plan.fallbacksUsed);
  }

  /**
   * One call to one deployment. Its upstream request is aborted when the client
   * goes away — for a stream, until `detach()` after the stream ended — or when
   * the request's time budget runs out before the answer (a stream: its first event).
   */
  private async attempt<T>(
    deployment: Deployment, permit: Permit, body: ChatBody, ctx: CallContext, stream: boolean, invoke: Invoke<T>, budgetMs: number,
  ): Promise<{ ok: true; result: T; latencyMs: number; detach: () => void } | { ok: false; error: GatewayError }> {
    const controller = new Cancellation();
    const onClientGone = () => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onClientGone, { once: true });
    const detach = () => ctx.signal.removeEventListener('abort', onClientGone);
    const timer = setTimeout(() => controller.abort(new BudgetExceeded()), budgetMs);
    const started = this.clock();
    await this.store.callStarted(deployment.id);
    try {
      const result = await invoke(deployment.adapter as ProviderAdapter, {
        body,
        upstreamModel: deployment.upstreamModel,
        stream,
        includeUsage: stream && body.stream_options?.include_usage === true,
        signal: controller,
        requestId: ctx.requestId,
        rawBody: ctx.rawBody,
      });
      if (!stream) detach();
      return { ok: true, result, latencyMs: this.clock() - started, detach };
    } catch (err) {
      detach();
      void permit.release();
      await this.store.callEnded(deployment.id, undefined);
      if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
      if (controller.reason instanceof BudgetExceeded) {
        return { ok: false, error: budgetError(deployment, this.requestTimeoutMs) };
      }
      return { ok: false, error: toGatewayError(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A group's deployments that have an adapter, once per group: adapters are
   * built with the table and do not change, and with 1,000 deployments the
   * check per request was ≈5 µs. Nearly always the group's own list.
   */
  private callableOf(group: ModelGroup): readonly Deployment[] {
    let callable = this.callableLists.get(group);
    if (callable === undefined) {
      callable = group.deployments.every(isCallable) ? group.deployments : group.deployments.filter(isCallable);
      this.callableLists.set(group, callable);
    }
    return callable;
  }

  /** The strategy's choice first, the rest after it: the limiter takes the first with capacity. */
  private async order(candidates: readonly Deployment[], estimatedTokens: number): Promise<Deployment[]> {
    if (candidates.length === 1) return [candidates[0]!];
    const stats = this.strategy.needsStats ? await this.store.stats(candidates.map((d) => d.id)) : new Map();
    const first = this.strategy.pick(candidates, { stats, estimatedTokens, random: this.random });
    const ordered = new Array<Deployment>(candidates.length);
    ordered[0] = first;
    let next = 1;
    for (const d of candidates) if (d !== first) ordered[next++] = d;
    return ordered;
  }

  private contextCheck(body: ChatBody, deployment: Deployment): GatewayError | undefined {
    const window = deployment.contextWindow;
    if (window === undefined) return undefined;
    const estimate = estimatePromptTokens(body, window);
    return clearlyExceeds(estimate, window) ? tooLong(deployment, estimate, window) : undefined;
  }

  /** The provider counted: add what we know, so the message has the numbers. */
  private withWindow(error: GatewayError, body: ChatBody, deployment: Deployment): GatewayError {
    const window = deployment.contextWindow;
    if (error.code !== 'context_length_exceeded' || window === undefined) return error;
    return tooLong(deployment, estimatePromptTokens(body, window), window, error);
  }

  private fallbackLists(alias: string): FallbackLists {
    return {
      fallbacks: this.fallbacks.get(alias) ?? [],
      context_window_fallbacks: this.contextWindowFallbacks.get(alias) ?? [],
      content_policy_fallbacks: this.contentPolicyFallbacks.get(alias) ?? [],
    };
  }

  private timedOut(lastError: GatewayError | undefined, attempts: number): GatewayError {
    const seconds = this.requestTimeoutMs / 1000;
    const last = lastError === undefined ? '' : ` The last attempt failed with ${lastError.code}: ${lastError.message}`;
    return new GatewayError('upstream_timeout', `No answer within the request's ${seconds} s budget after ${attempts} attempt(s) (total timeout).${last}`, {
      details: { timeout_kind: 'total', timeout_seconds: seconds, config_key: 'litellm_settings.request_timeout', attempts },
    });
  }
}

type FallbackLists = Record<NonNullable<FailurePolicy['fallback']>, readonly string[]>;

/** The aliases to try, in order: the requested one, then whichever fallback list the failures call for. */
class FallbackPlan {
  private readonly queue: string[];
  private readonly seen = new Set<string>();
  fallbacksUsed = -1;

  constructor(alias: string) {
    this.queue = [alias];
  }

  next(): string | undefined {
    const alias = this.queue.shift();
    if (alias === undefined) return undefined;
    this.seen.add(alias);
    this.fallbacksUsed++;
    return alias;
  }

  /** Queues the fallbacks a failure allows (each alias once: fallback cycles end). */
  after(policy: FailurePolicy, lists: FallbackLists): void {
    if (policy.fallback === undefined || this.queue.length > 0) return;
    for (const alias of lists[policy.fallback]) if (!this.seen.has(alias)) this.queue.push(alias);
  }
}

class BudgetExceeded extends Error {}

function budgetError(deployment: Deployment, budgetMs: number): GatewayError {
  const seconds = budgetMs / 1000;
  return new GatewayError('upstream_timeout', `${deployment.provider} (deployment ${deployment.id}) did not answer within the request's ${seconds} s budget (total timeout). Raise litellm_settings.request_timeout to wait longer.`, {
    details: { provider: deployment.provider, deployment: deployment.id, timeout_kind: 'total', timeout_seconds: seconds, config_key: 'litellm_settings.request_timeout' },
  });
}

function withAttempts(error: GatewayError, attempts: number, fallbacks: number): GatewayError {
  if (attempts <= 1 && fallbacks === 0) return error;
  const tried = fallbacks > 0 ? ` (${attempts} attempt(s), ${fallbacks} fallback alias(es))` : ` (${attempts} attempts)`;
  return new GatewayError(error.code, `${error.message}${tried}`, {
    param: error.param,
    details: { ...error.details, attempts, ...(fallbacks > 0 ? { fallbacks } : {}) },
    cause: error.cause,
  });
}

function tooLong(deployment: Deployment, estimate: number, window: number, upstream?: GatewayError): GatewayError {
  const model = `${deployment.upstreamModel} (${deployment.provider}, alias "${deployment.alias}")`;
  const size = `about ${estimate.toLocaleString('en-US')} tokens (estimated)`;
  const windowText = `the ${window.toLocaleString('en-US')}-token context window of ${model}`;
  const what = upstream === undefined
    ? `The messages are ${size}, more than ${windowText}; refused before sending.`
    : `The provider refused the request as too long for ${windowText}; the messages are ${size}, and the requested max_tokens counts too.`;
  return new GatewayError('context_length_exceeded', `${what} Shorten or chunk them, or add a context_window_fallbacks entry to a larger-window alias.`, {
    param: 'messages',
    details: { ...upstream?.details, provider: deployment.provider, deployment: deployment.id, estimated_tokens: estimate, context_window: window },
  });
}

function usageTokens(usage: unknown): { total_tokens?: number; prompt_tokens?: number; completion_tokens?: number } | undefined {
  return typeof usage === 'object' && usage !== null ? (usage as { total_tokens?: number }) : undefined;
}

function toMap(list: ReadonlyArray<Record<string, string[]>>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const entry of list) for (const [alias, targets] of Object.entries(entry)) map.set(alias, [...(map.get(alias) ?? []), ...targets]);
  return map;
}

function sleep(ms: number, signal: CancelSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function isCallable(deployment: Deployment): boolean {
  return !(deployment.adapter instanceof GatewayError);
}
