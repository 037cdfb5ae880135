import type { ServerResponse } from 'node:http';
import { errorEnvelope, errorHeaders, toGatewayError } from '../errors/envelope.js';
import type { GatewayError } from '../errors/gateway-error.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/**
 * The one way an error reaches a client over HTTP. Returns the GatewayError it
 * rendered so callers can log it. If the response already started (a stream),
 * the caller must use the SSE error event instead.
 */
export function sendError(res: ServerResponse, err: unknown, requestId: string): GatewayError {
  const error = toGatewayError(err);
  if (res.headersSent) {
    res.destroy();
    return error;
  }
  sendJson(res, error.status, errorEnvelope(error, requestId), errorHeaders(error));
  return error;
}
