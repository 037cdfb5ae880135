// Prometheus metrics, served at GET /metrics. One registry per gateway (never
// prom-client's global one), so several gateways in one process — tests,
// workers — do not collide.
//
// Cost when nobody scrapes: each event adds to a plain number (tally.ts) found
// by the label values the caller already holds; gauges (queue depth, Redis
// state) are read only at scrape time, and text is formatted only then.
//
// Label values are bounded by the config and the error catalog: aliases are
// configured names (a wildcard alias is its pattern, never the client's model
// string), deployments their config id, codes catalog codes. No request ids.

import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { clusterRenderer } from './cluster-metrics.js';
import { CounterTally, HistogramTally } from './tally.js';

/** What a provider last said is left of a deployment's budget (`x-ratelimit-remaining-*`). */
export interface ProviderRemaining {
  deployment: string;
  kind: 'requests' | 'tokens';
  remaining: number;
}

export interface MetricsSources {
  /** Requests waiting for rate-limit capacity now (Limiter.waiting). */
  queueWaiting?: () => number;
  /** Set when a FailoverStore is in use: true while it serves from local state. */
  redisDegraded?: () => boolean;
  /** The provider's remaining budget per deployment (Limiter.headroom), read at scrape time. */
  providerRemaining?: () => Iterable<ProviderRemaining>;
  /** Under --num_workers: /metrics shows every worker's metrics, aggregated by the primary (cluster-metrics.ts). */
  clusterWide?: boolean;
  /** Node process metrics (CPU, memory, event loop, GC). Default true. */
  processMetrics?: boolean;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const FIRST_TOKEN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: CounterTally;
  private readonly duration: HistogramTally;
  private readonly firstToken: HistogramTally;
  private readonly attempts: CounterTally;
  private readonly retries: CounterTally;
  private readonly fallbacks: CounterTally;
  private readonly cooldowns: CounterTally;
  private readonly tokens: CounterTally;
  private readonly renderText: () => Promise<string>;

  constructor(sources: MetricsSources = {}) {
    const registry = this.registry;
    const registers = [registry];
    this.requests = new CounterTally('switchyard_requests_total',
      'Chat completion requests, by alias ("" when nothing serves it), HTTP status (499: the client went away) and error code ("" on success).',
      ['alias', 'status', 'code'], registry);
    this.duration = new HistogramTally('switchyard_request_duration_seconds',
      'Chat completion request duration, until the last byte (a stream: until it ended).',
      ['alias', 'stream'], DURATION_BUCKETS, registry);
    this.firstToken = new HistogramTally('switchyard_time_to_first_token_seconds',
      'Streams: time until the upstream stream delivered its first event and was handed to the client.',
      ['alias'], FIRST_TOKEN_BUCKETS, registry);
    this.attempts = new CounterTally('switchyard_upstream_attempts_total',
      'Upstream calls, by deployment, provider and outcome ("ok" or the error code).',
      ['deployment', 'provider', 'outcome'], registry);
    this.retries = new CounterTally('switchyard_retries_total',
      'Times the router tried the same alias again (after a failed attempt or a cooldown wait), by requested alias.',
      ['alias'], registry);
    this.fallbacks = new CounterTally('switchyard_fallbacks_total', 'Fallback aliases tried, by requested alias.', ['alias'], registry);
    this.cooldowns = new CounterTally('switchyard_cooldowns_total',
      'Deployments taken out of rotation, by deployment and the error code that caused it.',
      ['deployment', 'reason'], registry);
    this.tokens = new CounterTally('switchyard_tokens_total',
      'Tokens as reported in upstream usage, by deployment and direction (in: prompt, out: completion).',
      ['deployment', 'direction'], registry);
    const { queueWaiting, redisDegraded, providerRemaining } = sources;
    new Gauge({
      name: 'switchyard_queue_waiting', help: 'Requests waiting for rate-limit capacity now.', registers,
      collect() {
        this.set(queueWaiting?.() ?? 0);
      },
    });
    if (providerRemaining !== undefined) {
      new Gauge({
        name: 'switchyard_provider_ratelimit_remaining',
        help: 'Rate-limit headroom per deployment: requests or tokens its provider reported left (x-ratelimit-remaining-*), less what was admitted since; absent once the provider\'s reset time has passed.',
        labelNames: ['deployment', 'kind'], registers,
        // Every worker sees the same provider budget: the lowest report is the freshest, a sum would be wrong.
        aggregator: 'min',
        collect() {
          this.reset();
          for (const { deployment, kind, remaining } of providerRemaining()) this.set({ deployment, kind }, remaining);
        },
      });
    }
    if (redisDegraded !== undefined) {
      new Gauge({
        name: 'switchyard_redis_degraded', help: '1 while Redis is unreachable and state is per instance, else 0.', registers, aggregator: 'max',
        collect() {
          this.set(redisDegraded() ? 1 : 0);
        },
      });
    }
    if (sources.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.renderText = sources.clusterWide === true ? clusterRenderer(this.registry) : () => this.registry.metrics();
  }

  /** A chat completion request ended (the response was fully sent, or failed). */
  requestFinished(alias: string, status: number, code: string, stream: boolean, seconds: number): void {
    this.requests.inc([alias, String(status), code]);
    this.duration.observe([alias, stream ? 'true' : 'false'], seconds);
  }

  /** A stream's first event arrived and the stream was handed to the client. */
  firstTokenAfter(alias: string, seconds: number): void {
    this.firstToken.observe([alias], seconds);
  }

  /** One upstream call ended: `outcome` is "ok" or the error's catalog code. */
  attempt(deployment: string, provider: string, outcome: string): void {
    this.attempts.inc([deployment, provider, outcome]);
  }

  retry(alias: string): void {
    this.retries.inc([alias]);
  }

  fallback(alias: string): void {
    this.fallbacks.inc([alias]);
  }

  cooldown(deployment: string, reason: string): void {
    this.cooldowns.inc([deployment, reason]);
  }

  /** Usage reported by the provider (either side may be unknown). */
  usage(deployment: string, usage: { prompt_tokens?: unknown; completion_tokens?: unknown }): void {
    const { prompt_tokens: input, completion_tokens: output } = usage;
    if (typeof input === 'number' && input > 0) this.tokens.inc([deployment, 'in'], input);
    if (typeof output === 'number' && output > 0) this.tokens.inc([deployment, 'out'], output);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text (formatted only here, at scrape time). */
  render(): Promise<string> {
    return this.renderText();
  }
}
