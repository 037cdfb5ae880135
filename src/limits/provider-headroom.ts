// What each provider last said about its own budget for a deployment's key,
// from the `x-ratelimit-*` headers on every answer (Groq, OpenAI), so the
// limiter can steer a request to another deployment *before* the provider
// answers 429. Per process and in memory on purpose: it is a cache of the
// provider's word, refreshed by every answer, not state worth sharing.
//
// Groq's request headers count per DAY and its token headers per MINUTE
// (spec §1.5); that does not matter here: we only use "remaining" and "reset
// in", whatever the window. Anthropic says the same in
// `anthropic-ratelimit-{requests,tokens}-{remaining,reset}`, its reset an RFC
// 3339 timestamp (spec §3.3); its `tokens` pair is the most restrictive of its
// token limits at the moment, which is the one that decides.

import { parseGoDuration, parseResetTimestamp } from '../providers/durations.js';
import type { Clock } from '../state/store.js';

/** Node's IncomingHttpHeaders (lower-case names) or a WHATWG Headers. */
export type HeaderSource = Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null };

export interface HeadroomDenial {
  retryAfterMs: number;
  /** For the error message: "its provider reports 1,200 tokens left, this request needs ~3,000". */
  detail: string;
}

/**
 * The reset time is kept as the provider wrote it and parsed only when a
 * decision needs it: a budget with room allows whether or not it is stale, so
 * nearly every answer's reset is never read (parsing it on every answer cost
 * more than the rest of `learn`).
 */
interface Budget {
  remaining: number;
  /** When the headers arrived: the reset is relative to it. */
  heardAt: number;
  resetText: string | undefined;
  /** Groq's/OpenAI's Go durations ("2m59.56s"), else Anthropic's RFC 3339 timestamps. */
  goDuration: boolean;
  /** Epoch ms when the provider resets it (after that we know nothing and allow); parsed on first need. */
  resetAt?: number;
}

interface Entry {
  requests: Budget | undefined;
  tokens: Budget | undefined;
  /** The configured deployment, for metrics: a wildcard's many models share one label. */
  label: string;
}

export interface ProviderHeadroomOptions {
  clock?: Clock;
  /** Deployments remembered; the least recently heard-from go first. Default 10 000. */
  maxEntries?: number;
  /** Assumed reset when a provider sends "remaining" without a parsable "reset". Default 60 s. */
  defaultResetMs?: number;
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | string[] | undefined>>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Knowledge younger than this is not checked for staleness while it allows (see `check`). */
const FORGET_AFTER_MS = 1000;

const fmt = (n: number): string => Math.max(0, Math.floor(n)).toLocaleString('en-US');

export class ProviderHeadroom {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly defaultResetMs: number;

  constructor(options: ProviderHeadroomOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.defaultResetMs = options.defaultResetMs ?? 60_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Reads `x-ratelimit-{remaining,reset}-{requests,tokens}` (or Anthropic's `anthropic-ratelimit-…`) from an answer. */
  learn(deploymentId: string, headers: HeaderSource, label = deploymentId): void {
    const now = this.clock();
    const requests = this.read(headers, 'requests', now);
    const tokens = this.read(headers, 'tokens', now);
    if (requests === undefined && tokens === undefined) return;
    const previous = this.entries.get(deploymentId);
    // Re-inserting moves the key to the end: the Map's order is least recently heard-from first.
    this.entries.delete(deploymentId);
    this.entries.set(deploymentId, { requests: requests ?? previous?.requests, tokens: tokens ?? previous?.tokens, label });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  private read(headers: HeaderSource, kind: 'requests' | 'tokens', now: number): Budget | undefined {
    let remainingText = header(headers, `x-ratelimit-remaining-${kind}`);
    let resetText: string | undefined;
    const goDuration = remainingText !== undefined;
    if (goDuration) {
      resetText = header(headers, `x-ratelimit-reset-${kind}`);
    } else {
      remainingText = header(headers, `anthropic-ratelimit-${kind}-remaining`);
      resetText = header(headers, `anthropic-ratelimit-${kind}-reset`);
    }
    if (remainingText === undefined || remainingText.trim() === '') return undefined;
    const remaining = Number(remainingText);
    if (!Number.isFinite(remaining)) return undefined;
    return { remaining, heardAt: now, resetText, goDuration };
  }

  private resetAt(budget: Budget): number {
    if (budget.resetAt === undefined) {
      const { resetText, heardAt } = budget;
      const seconds = resetText === undefined ? undefined : budget.goDuration ? parseGoDuration(resetText) : parseResetTimestamp(resetText, heardAt);
      budget.resetAt = heardAt + (seconds === undefined ? this.defaultResetMs : seconds * 1000);
    }
    return budget.resetAt;
  }

  /**
   * Denies while the provider's budget would not take this request: no requests
   * left, or fewer tokens left than the estimate — until the provider's reset.
   */
  check(deploymentId: string, estimatedTokens: number): HeadroomDenial | undefined {
    const entry = this.entries.get(deploymentId);
    if (entry === undefined) return undefined;
    const now = this.clock();
    const { requests, tokens } = entry;
    const noRequests = requests !== undefined && requests.remaining <= 0;
    const tooFewTokens = tokens !== undefined && tokens.remaining < estimatedTokens;
    // Room on both budgets allows, stale or not. Whether what we know is stale
    // (and can be forgotten) is worth a parse only once it is a while old.
    if (!noRequests && !tooFewTokens && now - Math.min(requests?.heardAt ?? now, tokens?.heardAt ?? now) < FORGET_AFTER_MS) return undefined;
    // A budget past its reset time is refilled; what we knew is stale.
    if (requests !== undefined && this.resetAt(requests) <= now) entry.requests = undefined;
    if (tokens !== undefined && this.resetAt(tokens) <= now) entry.tokens = undefined;
    if (entry.requests === undefined && entry.tokens === undefined) {
      this.entries.delete(deploymentId);
      return undefined;
    }
    if (noRequests && entry.requests !== undefined) {
      return { retryAfterMs: this.resetAt(entry.requests) - now, detail: 'its provider reports no requests left' };
    }
    if (tooFewTokens && entry.tokens !== undefined) {
      return {
        retryAfterMs: this.resetAt(entry.tokens) - now,
        detail: `its provider reports ${fmt(entry.tokens.remaining)} tokens left, this request needs ~${fmt(estimatedTokens)}`,
      };
    }
    return undefined;
  }

  /**
   * What is known now, per configured deployment and kind, for the metrics:
   * the lowest over a wildcard's models (its label stays bounded by the
   * config); budgets past their reset are skipped.
   */
  remaining(): Array<{ deployment: string; kind: 'requests' | 'tokens'; remaining: number }> {
    const now = this.clock();
    const lowest = new Map<string, { deployment: string; kind: 'requests' | 'tokens'; remaining: number }>();
    const note = (deployment: string, kind: 'requests' | 'tokens', budget: Budget | undefined) => {
      if (budget === undefined || this.resetAt(budget) <= now) return;
      const key = `${kind} ${deployment}`;
      const known = lowest.get(key);
      if (known === undefined || budget.remaining < known.remaining) lowest.set(key, { deployment, kind, remaining: budget.remaining });
    };
    for (const entry of this.entries.values()) {
      note(entry.label, 'requests', entry.requests);
      note(entry.label, 'tokens', entry.tokens);
    }
    return [...lowest.values()];
  }

  /**
   * Counts an admitted request against the cached budget until the next answer
   * replaces it, so a burst of concurrent requests cannot all pass on one
   * stale "remaining".
   */
  consume(deploymentId: string, estimatedTokens: number): void {
    const entry = this.entries.get(deploymentId);
    if (entry === undefined) return;
    if (entry.requests !== undefined) entry.requests.remaining -= 1;
    if (entry.tokens !== undefined) entry.tokens.remaining -= estimatedTokens;
  }
}
