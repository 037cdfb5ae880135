import type { Router } from '../../router/router.js';
import { toGatewayError } from '../../errors/envelope.js';
import { readJsonBody, type BodyLimits } from '../body.js';
import { parseChatBody } from '../chat-request.js';
import type { Handler } from '../context.js';
import { gatewayHeaders } from '../gateway-headers.js';
import { sendJson } from '../respond.js';
import { SseWriter } from '../sse.js';

/**
 * POST /v1/chat/completions. Stages, top to bottom: parse → resolve and call
 * (the router) → respond. Authentication ran before this handler.
 */
export function chatCompletions(router: Router, limits: BodyLimits): Handler {
  return async (req, res, ctx) => {
    const { json, raw } = await readJsonBody(req, limits);
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
