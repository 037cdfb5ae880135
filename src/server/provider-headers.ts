// The provider's response headers, passed on to the client as LiteLLM does:
// its rate-limit headers under their own names (clients that pace themselves
// by OpenAI's headers keep working through the gateway), and every other
// provider header prefixed `llm_provider-` (e.g. `llm_provider-x-request-id`,
// what the provider's support asks for).
//
// Not passed: headers about the upstream connection and body framing (they
// describe another hop) and cookies (they are the gateway's, not the client's).

import type { UpstreamHeaders } from '../providers/types.js';

const RATE_LIMIT_HEADERS = new Set([
  'x-ratelimit-limit-requests', 'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests', 'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens',
]);

const NOT_PASSED = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'content-type',
  'te', 'trailer', 'upgrade', 'proxy-authenticate', 'set-cookie', 'alt-svc',
]);

export const PROVIDER_HEADER_PREFIX = 'llm_provider-';

/** What becomes of one provider header: its prefixed name, and whether it also goes under its own. */
interface Passing {
  prefixed: string;
  rateLimit: boolean;
}

/**
 * Decided once per header name: every answer repeats the same dozen names, and
 * building `llm_provider-…` each time cost a string and a lookup per header.
 * Bounded, so that an upstream sending ever-new names cannot grow it.
 */
const passingByName = new Map<string, Passing | null>();
export const MAX_REMEMBERED_NAMES = 512;

function passingOf(name: string): Passing | null {
  let passing = passingByName.get(name);
  if (passing === undefined) {
    passing = NOT_PASSED.has(name) ? null : { prefixed: PROVIDER_HEADER_PREFIX + name, rateLimit: RATE_LIMIT_HEADERS.has(name) };
    if (passingByName.size < MAX_REMEMBERED_NAMES) passingByName.set(name, passing);
  }
  return passing;
}

/** Adds the provider's headers to `into` (one pass over what the provider sent; the gateway's own names are never overwritten). */
export function withProviderHeaders<H extends Record<string, string | number>>(into: H, upstream: UpstreamHeaders): H {
  const out = into as Record<string, string | number>;
  for (const name of Object.keys(upstream)) {
    const raw = upstream[name];
    if (raw === undefined) continue;
    const passing = passingOf(name);
    if (passing === null) continue;
    // A repeated header becomes one, comma-separated, as HTTP allows for every header but cookies.
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (passing.rateLimit) out[name] = value;
    out[passing.prefixed] = value;
  }
  return into;
}
