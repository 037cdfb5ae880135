import type { UpstreamHeaders } from '../../providers/types.js';
import type { Router, Routed } from '../../router/router.js';
import { toGatewayError } from '../../errors/envelope.js';
import { readJsonBody } from '../body.js';
import { parseChatBody } from '../chat-request.js';
import type { Handler, RequestContext } from '../context.js';
import { sendJson } from '../respond.js';
import { withProviderHeaders } from '../provider-headers.js';
import { SseWriter } from '../sse.js';

/**
 * POST /v1/chat/completions. Stages, top to bottom: parse → resolve and call
 * (the router) → respond. Authentication ran before this handler.
 */
export function chatCompletions(router: Router, bodyLimitBytes: number, bodyTimeoutMs?: number): Handler {
  return async (req, res, ctx) => {
    const { json, raw } = await readJsonBody(req, bodyLimitBytes, bodyTimeoutMs);
    const body = parseChatBody(json);
    ctx.alias = body.model;
    ctx.stream = body.stream === true;
    const call = { requestId: ctx.id, signal: ctx.signal, rawBody: raw };

    if (!ctx.stream) {
      const routed = await router.complete(body, call);
      sendJson(res, 200, routed.result.body, gatewayHeaders(routed, ctx));
      ctx.tokens = (routed.result.body.usage as { total_tokens?: number } | undefined)?.total_tokens;
      return;
    }

    const routed = await router.openStream(body, call);
    const writer = new SseWriter(res);
    writer.start(gatewayHeaders(routed, ctx));
    try {
      await routed.result.pipe(writer);
      writer.end();
      ctx.tokens = routed.result.usage()?.total_tokens;
    } catch (err) {
      if (ctx.signal.aborted) return; // the client left; nobody to tell
      ctx.error = toGatewayError(err);
      writer.fail(ctx.error, ctx.id);
    }
  };
}

/** LiteLLM's response header names, so tools built for it keep working; the provider's follow (provider-headers.ts). */
function gatewayHeaders(routed: Routed<{ headers: UpstreamHeaders }>, ctx: RequestContext): Record<string, string> {
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
