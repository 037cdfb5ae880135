// Anthropic reports its budgets on every answer as
// `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`,
// with resets as RFC 3339 timestamps rather than Groq's durations
// (provider-wire-formats.md §3.3).

import { parseResetTimestamp } from '../durations.js';
import type { UpstreamHeaders } from '../types.js';

/** Budget name in the header → the short name users know from the rate-limits page. */
const BUDGETS = { requests: 'RPM', tokens: 'TPM', 'input-tokens': 'ITPM', 'output-tokens': 'OTPM' } as const;
export type AnthropicBudget = keyof typeof BUDGETS;

export interface BudgetReading {
  budget: AnthropicBudget;
  /** `RPM`, `TPM`, `ITPM`, `OTPM` */
  limitType: string;
  remaining: number | undefined;
  limit: number | undefined;
  /** Seconds from now until the provider refills it. */
  resetSeconds: number;
}

function header(headers: UpstreamHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function count(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Every budget whose reset the answer states. */
export function readAnthropicBudgets(headers: UpstreamHeaders, now = Date.now()): BudgetReading[] {
  const readings: BudgetReading[] = [];
  for (const budget of Object.keys(BUDGETS) as AnthropicBudget[]) {
    const resetSeconds = parseResetTimestamp(header(headers, `anthropic-ratelimit-${budget}-reset`), now);
    if (resetSeconds === undefined) continue;
    readings.push({
      budget,
      limitType: BUDGETS[budget],
      remaining: count(header(headers, `anthropic-ratelimit-${budget}-remaining`)),
      limit: count(header(headers, `anthropic-ratelimit-${budget}-limit`)),
      resetSeconds,
    });
  }
  return readings;
}

/**
 * How long a 429 says to wait when it carries no `retry-after`: until the
 * exhausted budget (`…-remaining: 0`) refills — the latest of them when several
 * are. When none reads 0 (this request alone needs more than is left), the
 * soonest refill is the first moment it can change.
 */
export function anthropicRateLimitWait(headers: UpstreamHeaders, now = Date.now()): BudgetReading | undefined {
  const readings = readAnthropicBudgets(headers, now);
  if (readings.length === 0) return undefined;
  const exhausted = readings.filter((r) => r.remaining === 0);
  if (exhausted.length > 0) return exhausted.reduce((a, b) => (b.resetSeconds > a.resetSeconds ? b : a));
  return readings.reduce((a, b) => (b.resetSeconds < a.resetSeconds ? b : a));
}
