import type { ServerResponse } from 'node:http';
import { errorEnvelope, errorHeaders, toGatewayError } from '../errors/envelope.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { RequestContext, ResponseHeaders } from './context.js';

/** `headers` must be the request's own object (RequestContext.headers): the framing headers are added to it, not to a copy. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: ResponseHeaders): void {
  const payload = JSON.stringify(body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(payload);
  res.writeHead(status, headers);
  res.end(payload);
}

/** An error's body as one API family writes it: OpenAI's envelope by default, Anthropic's on its routes. */
export type ErrorBody = (error: GatewayError, requestId: string) => unknown;

/**
 * The one way an error reaches a client over HTTP. Returns the GatewayError it
 * rendered so callers can log it. If the response already started (a stream),
 * the caller must use the SSE error event instead.
 */
export function sendError(res: ServerResponse, err: unknown, ctx: Pick<RequestContext, 'id' | 'headers'>, body: ErrorBody = errorEnvelope): GatewayError {
  const error = toGatewayError(err);
  if (res.headersSent) {
    res.destroy();
    return error;
  }
  sendJson(res, error.status, body(error, ctx.id), Object.assign(ctx.headers, errorHeaders(error)));
  return error;
}
