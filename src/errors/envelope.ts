import { CATALOG } from './catalog.js';
import { GatewayError } from './gateway-error.js';

export interface ErrorEnvelope {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string;
    fix: string;
    [detail: string]: unknown;
  };
}

/**
 * OpenAI's error envelope (every SDK parses it) plus Switchyard's details and
 * the catalog's fix line. The single place an error becomes client-facing data.
 */
export function errorEnvelope(err: GatewayError, requestId?: string): ErrorEnvelope {
  const { retryAfter: _retryAfter, ...details } = err.details;
  return {
    error: {
      message: err.message,
      type: err.type,
      param: err.param,
      code: err.code,
      fix: CATALOG[err.code].fix,
      ...details,
      ...(requestId === undefined ? {} : { request_id: requestId }),
    },
  };
}

/** Anything thrown that is not a GatewayError is our bug: say so without leaking its text. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('internal_error', 'Switchyard hit an unexpected error while handling this request.', { cause: err });
}

/** Headers that let client SDKs retry exactly when retrying can help. */
export function errorHeaders(err: GatewayError): Record<string, string> {
  const headers: Record<string, string> = { 'x-should-retry': String(err.retryable) };
  const retryAfter = err.details.retryAfter;
  if (retryAfter !== undefined && (err.status === 429 || err.status === 503)) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfter)));
    headers['retry-after-ms'] = String(Math.max(0, Math.round(retryAfter * 1000)));
  }
  return headers;
}
