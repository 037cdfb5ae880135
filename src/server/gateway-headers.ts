import type { UpstreamHeaders } from '../providers/types.js';
import type { Routed } from '../router/router.js';
import type { RequestContext } from './context.js';
import { withProviderHeaders } from './provider-headers.js';

/** LiteLLM's response header names, so tools built for it keep working; the provider's follow (provider-headers.ts). */
export function gatewayHeaders(routed: Routed<{ headers: UpstreamHeaders }>, ctx: RequestContext): Record<string, string> {
  ctx.deployment = routed.deployment.id;
  ctx.attempts = routed.attempts;
  ctx.provider = routed.deployment.provider;
  ctx.upstreamModel = routed.deployment.upstreamModel;
  ctx.upstreamRateLimit = rateLimitHeaders(routed.result.headers);
  return withProviderHeaders({
    'x-litellm-model-group': routed.deployment.alias,
    'x-litellm-model-id': routed.deployment.id,
    'x-litellm-attempted-retries': String(routed.attempts - 1),
    'x-litellm-attempted-fallbacks': String(routed.fallbacks),
  }, routed.result.headers);
}

function rateLimitHeaders(headers: UpstreamHeaders): Record<string, string> | undefined {
  let found: Record<string, string> | undefined;
  for (const name of ['x-ratelimit-remaining-requests', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const value = headers[name];
    if (typeof value === 'string') (found ??= {})[name.slice('x-ratelimit-'.length)] = value;
  }
  return found;
}
