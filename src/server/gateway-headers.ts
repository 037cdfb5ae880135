import type { UpstreamHeaders } from '../providers/types.js';
import type { Routed } from '../router/router.js';
import type { RequestContext, ResponseHeaders } from './context.js';
import { withProviderHeaders } from './provider-headers.js';

/** LiteLLM's response header names, so tools built for it keep working; the provider's follow (provider-headers.ts). */
export function gatewayHeaders(routed: Routed<{ headers: UpstreamHeaders }>, ctx: RequestContext): ResponseHeaders {
  ctx.deployment = routed.deployment.id;
  ctx.attempts = routed.attempts;
  ctx.provider = routed.deployment.provider;
  ctx.upstreamModel = routed.deployment.upstreamModel;
  ctx.upstreamHeaders = routed.result.headers;
  const headers = ctx.headers;
  headers['x-litellm-model-group'] = routed.deployment.alias;
  headers['x-litellm-model-id'] = routed.deployment.id;
  headers['x-litellm-attempted-retries'] = String(routed.attempts - 1);
  headers['x-litellm-attempted-fallbacks'] = String(routed.fallbacks);
  return withProviderHeaders(headers, routed.result.headers);
}

/** Groq's and OpenAI's names, and Anthropic's for the same facts (its resets are RFC 3339 timestamps, kept as sent). */
const RATE_LIMIT_HEADERS: Array<[header: string, key: string]> = [
  ['x-ratelimit-remaining-requests', 'remaining-requests'],
  ['x-ratelimit-remaining-tokens', 'remaining-tokens'],
  ['x-ratelimit-reset-requests', 'reset-requests'],
  ['x-ratelimit-reset-tokens', 'reset-tokens'],
  ...(['requests', 'tokens', 'input-tokens', 'output-tokens'] as const).flatMap((budget): Array<[string, string]> => [
    [`anthropic-ratelimit-${budget}-remaining`, `remaining-${budget}`],
    [`anthropic-ratelimit-${budget}-reset`, `reset-${budget}`],
  ]),
];

/** The provider's rate-limit headers, for the request log at trace level (extracted only then). */
export function rateLimitHeaders(headers: UpstreamHeaders): Record<string, string> | undefined {
  let found: Record<string, string> | undefined;
  for (const [name, key] of RATE_LIMIT_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') (found ??= {})[key] = value;
  }
  return found;
}
