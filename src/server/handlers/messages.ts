import { toGatewayError } from '../../errors/envelope.js';
import type { Router } from '../../router/router.js';
import { readJsonBody, type BodyLimits } from '../body.js';
import type { Handler } from '../context.js';
import { gatewayHeaders } from '../gateway-headers.js';
import { estimateInputTokens } from '../messages/count-tokens.js';
import { anthropicErrorBody } from '../messages/errors.js';
import { toAnthropicMessage } from '../messages/from-completion.js';
import { parseMessagesRequest } from '../messages/request.js';
import { AnthropicStreamWriter } from '../messages/stream.js';
import { toChatBody } from '../messages/to-chat.js';
import { sendJson } from '../respond.js';
import { SseWriter } from '../sse.js';

/**
 * POST /v1/messages: Anthropic's Messages API in front of any alias. Stages:
 * parse (Anthropic's terms) → translate to an OpenAI chat request → the router,
 * exactly as /v1/chat/completions → translate the answer or stream back.
 * Errors are rendered in Anthropic's envelope by app.ts.
 */
export function messages(router: Router, limits: BodyLimits, dropParams: boolean): Handler {
  return async (req, res, ctx) => {
    const { json } = await readJsonBody(req, limits);
    const request = parseMessagesRequest(json, { requireMaxTokens: true });
    ctx.alias = request.model;
    ctx.stream = request.stream === true;
    const body = toChatBody(request, { dropParams });
    // No rawBody: the upstream gets the translation, not the client's bytes.
    const call = { requestId: ctx.id, signal: ctx.signal };

    if (!ctx.stream) {
      const routed = await router.complete(body, call);
      const completion = routed.result.body;
      ctx.tokens = (completion.usage as { total_tokens?: number } | undefined)?.total_tokens;
      const message = toAnthropicMessage(completion, request.model);
      sendJson(res, 200, message, gatewayHeaders(routed, ctx));
      return;
    }

    const routed = await router.openStream(body, call);
    const writer = new SseWriter(res);
    writer.start(gatewayHeaders(routed, ctx));
    try {
      await routed.result.pipe(new AnthropicStreamWriter(writer, request.model));
      writer.end();
      ctx.tokens = routed.result.usage()?.total_tokens;
    } catch (err) {
      if (ctx.signal.aborted) return; // the client left; nobody to tell
      ctx.error = toGatewayError(err);
      writer.failWithEvent('error', JSON.stringify(anthropicErrorBody(ctx.error, ctx.id)));
    }
  };
}

/**
 * POST /v1/messages/count_tokens: `{"input_tokens": N}`, estimated (see
 * count-tokens.ts) without calling the provider. The alias must exist.
 */
export function countTokens(router: Router, limits: BodyLimits): Handler {
  return async (req, res, ctx) => {
    const { json } = await readJsonBody(req, limits);
    const request = parseMessagesRequest(json, { requireMaxTokens: false });
    ctx.alias = request.model;
    router.resolve(request.model);
    sendJson(res, 200, { input_tokens: estimateInputTokens(request) }, ctx.headers);
  };
}
