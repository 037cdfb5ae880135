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

/** Adds the provider's headers to `into` (one pass over what the provider sent; the gateway's own names are never overwritten). */
export function withProviderHeaders<H extends Record<string, string | number>>(into: H, upstream: UpstreamHeaders): H {
  for (const name of Object.keys(upstream)) {
    const raw = upstream[name];
    if (raw === undefined || NOT_PASSED.has(name)) continue;
    // A repeated header becomes one, comma-separated, as HTTP allows for every header but cookies.
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (RATE_LIMIT_HEADERS.has(name)) (into as Record<string, string | number>)[name] = value;
    (into as Record<string, string | number>)[PROVIDER_HEADER_PREFIX + name] = value;
  }
  return into;
}
