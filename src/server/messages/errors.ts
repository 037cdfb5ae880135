import { errorEnvelope } from '../../errors/envelope.js';
import type { GatewayError } from '../../errors/gateway-error.js';

// Errors in Anthropic's envelope (provider-wire-formats.md §3.3), so the
// Anthropic SDKs raise the right class: the type follows the catalog's status.

const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/**
 * `{"type":"error","error":{"type","message"},"request_id"}`. Switchyard's own
 * fields — the catalog `code`, `fix`, `param` and details — ride inside `error`
 * as in the OpenAI envelope; Anthropic SDKs ignore them, people and tests read them.
 */
export function anthropicErrorBody(error: GatewayError, requestId: string): Record<string, unknown> {
  const { type: _openaiType, request_id: _id, ...extras } = errorEnvelope(error).error;
  return { type: 'error', error: { type: anthropicErrorType(error.status), ...extras }, request_id: requestId };
}
