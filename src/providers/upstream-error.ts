import type { Secret } from '../config/types.js';
import { GatewayError, type ErrorDetails } from '../errors/gateway-error.js';
import { maskSecret } from '../errors/mask.js';
import { parseRetryAfter, parseTryAgainIn } from './durations.js';
import type { UpstreamHeaders } from './types.js';

/** Who was called, so every upstream error can say where it came from. */
export interface UpstreamContext {
  alias: string;
  deploymentId: string;
  provider: string;
  upstreamModel: string;
  /** Host (and port) of the upstream, never the full URL with credentials. */
  host: string;
  apiKey: Secret | undefined;
}

export interface ParsedUpstreamError {
  message: string;
  type: string | undefined;
  code: string | undefined;
  param: string | undefined;
  failedGeneration: string | undefined;
}

const MAX_MESSAGE = 500;

/**
 * Reads the error shapes OpenAI-compatible servers send: `{error:{…}}` with a
 * string or numeric code (OpenRouter wraps the real provider's JSON in
 * `metadata.raw`), `{error:"text"}` (Ollama native), `{object:"error",…}` (old
 * vLLM), and non-JSON pages from proxies.
 */
export function parseUpstreamErrorBody(text: string): ParsedUpstreamError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { message: summarizeNonJson(text), type: undefined, code: undefined, param: undefined, failedGeneration: undefined };
  }
  if (!isRecord(json)) return { message: summarizeNonJson(text), type: undefined, code: undefined, param: undefined, failedGeneration: undefined };
  const inner = isRecord(json.error) ? json.error : typeof json.error === 'string' ? { message: json.error } : json;
  const metadata = isRecord(inner.metadata) ? inner.metadata : undefined;
  if (metadata && typeof metadata.raw === 'string') {
    const wrapped = parseUpstreamErrorBody(metadata.raw);
    if (wrapped.code !== undefined || wrapped.type !== undefined) return wrapped;
    if (wrapped.message) return { ...wrapped, message: `${String(inner.message ?? '')}: ${wrapped.message}`.slice(0, MAX_MESSAGE) };
  }
  return {
    message: String(inner.message ?? '').slice(0, MAX_MESSAGE),
    type: typeof inner.type === 'string' ? inner.type : undefined,
    code: typeof inner.code === 'string' ? inner.code : typeof inner.code === 'number' ? String(inner.code) : undefined,
    param: typeof inner.param === 'string' ? inner.param : undefined,
    failedGeneration: typeof inner.failed_generation === 'string' ? inner.failed_generation.slice(0, MAX_MESSAGE) : undefined,
  };
}

/** Maps a non-2xx upstream answer to the catalog, following provider-wire-formats.md §6. */
export function classifyUpstreamError(status: number, bodyText: string, headers: UpstreamHeaders, ctx: UpstreamContext): GatewayError {
  const parsed = parseUpstreamErrorBody(bodyText);
  const where = `${ctx.provider} (deployment ${ctx.deploymentId}, model ${ctx.upstreamModel})`;
  const upstreamSays = parsed.message ? ` ${ctx.provider} said: "${parsed.message}"` : '';
  const details: ErrorDetails = {
    provider: ctx.provider,
    deployment: ctx.deploymentId,
    model: ctx.upstreamModel,
    upstream_status: status,
    ...(parsed.code === undefined ? {} : { upstream_code: parsed.code }),
  };
  const text = parsed.message.toLowerCase();
  const retryAfter = parseRetryAfter(headers['retry-after']) ?? parseTryAgainIn(parsed.message);
  if (retryAfter !== undefined) details.retryAfter = retryAfter;

  if (status === 401) {
    return new GatewayError('upstream_authentication_error', `${where} rejected the configured API key ${describeKey(ctx.apiKey)}.${upstreamSays}`, { details });
  }
  if (status === 402 || parsed.code === 'insufficient_quota' || parsed.type === 'insufficient_quota') {
    return new GatewayError('insufficient_quota', `${where}: the account is out of quota or credits.${upstreamSays}`, { details });
  }
  if (status === 403) {
    return new GatewayError('upstream_permission_denied', `${where} refused access with the configured key ${describeKey(ctx.apiKey)}.${upstreamSays}`, { details });
  }
  if (parsed.code === 'model_decommissioned' || text.includes('decommissioned')) {
    return new GatewayError('upstream_model_unavailable', `${where}: the model "${ctx.upstreamModel}" is decommissioned; update litellm_params.model for alias "${ctx.alias}".${upstreamSays}`, { details });
  }
  if (status === 404) {
    return new GatewayError('upstream_model_unavailable', `${where}: ${ctx.host} does not serve "${ctx.upstreamModel}" (or not to this key).${upstreamSays}`, { details });
  }
  if (text.startsWith('request too large') || (status === 413 && parsed.code === 'rate_limit_exceeded')) {
    return new GatewayError('request_too_large', `${where}: the request is larger than the provider's tokens-per-minute limit, so no retry can succeed.${upstreamSays}`, { details });
  }
  if (status === 413) {
    return new GatewayError('request_too_large', `${where} refused the request body as too large.${upstreamSays}`, { details });
  }
  if (status === 429) {
    const wait = retryAfter === undefined ? '' : ` Retry in ${Math.ceil(retryAfter)} s.`;
    return new GatewayError('rate_limit_exceeded', `${where} rate-limited the request.${wait}${upstreamSays}`, { details });
  }
  if (parsed.code === 'context_length_exceeded' || /maximum context length|context length|prompt is too long|reduce the length of the messages/.test(text)) {
    return new GatewayError('context_length_exceeded', `The messages do not fit in the context window of ${ctx.upstreamModel} (${ctx.provider}).${upstreamSays}`, { param: 'messages', details });
  }
  if (parsed.code === 'tool_use_failed' || parsed.code === 'json_validate_failed') {
    if (parsed.failedGeneration !== undefined) details.failed_generation = parsed.failedGeneration;
    return new GatewayError('upstream_generation_failed', `${where}: the model's output failed the provider's validation (${parsed.code}).${upstreamSays}`, { details });
  }
  if (status === 498 || status === 503 || status === 529) {
    return new GatewayError('upstream_overloaded', `${where} is over capacity (HTTP ${status}).${upstreamSays}`, { details });
  }
  if (status === 408 || status === 504) {
    return new GatewayError('upstream_timeout', `${where} timed out (HTTP ${status}).${upstreamSays}`, { details });
  }
  if (status >= 400 && status < 500) {
    return new GatewayError('upstream_bad_request', `${where} rejected the request (HTTP ${status}).${upstreamSays}`, { param: parsed.param ?? null, details });
  }
  return new GatewayError('upstream_error', `${where} failed with HTTP ${status}.${upstreamSays}`, { details });
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** A failure with no HTTP answer: refused, reset, DNS, TLS, timeout. Names the host and the OS error. */
export function classifyNetworkError(err: unknown, ctx: UpstreamContext, timeoutSeconds: number | undefined): GatewayError {
  const code = errorCode(err);
  const details: ErrorDetails = { provider: ctx.provider, deployment: ctx.deploymentId, model: ctx.upstreamModel, os_error: code ?? 'unknown' };
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    const limit = timeoutSeconds === undefined ? '' : ` within ${timeoutSeconds} s`;
    const phase = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'did not accept a connection' : code === 'UND_ERR_BODY_TIMEOUT' ? 'stopped sending' : 'did not answer';
    return new GatewayError('upstream_timeout', `${ctx.provider} at ${ctx.host} ${phase}${limit} (${code}).`, { details, cause: err });
  }
  if (code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))) {
    return new GatewayError('upstream_tls_error', `TLS connection to ${ctx.host} (${ctx.provider}) failed: ${code}.`, { details, cause: err });
  }
  const reason = code === 'ECONNREFUSED' ? 'refused the connection (nothing listens there?)'
    : code === 'ENOTFOUND' ? 'has a host name that does not resolve (DNS)'
    : code === 'EAI_AGAIN' ? 'could not be resolved right now (temporary DNS failure)'
    : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' ? 'closed the connection before answering'
    : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'is not reachable from this machine (routing/firewall)'
    : 'could not be reached';
  return new GatewayError('upstream_unreachable', `${ctx.provider} at ${ctx.host} ${reason} (${code ?? 'unknown error'}).`, { details, cause: err });
}

function errorCode(err: unknown): string | undefined {
  // undici wraps socket errors (UND_ERR_SOCKET) around the OS error on `cause`;
  // the OS code says more, so it wins.
  let undiciCode: string | undefined;
  for (let current: unknown = err, depth = 0; isRecord(current) && depth < 4; current = current.cause, depth++) {
    const code = current.code;
    if (typeof code !== 'string') continue;
    if (!code.startsWith('UND_ERR_')) return code;
    undiciCode ??= code;
  }
  return undiciCode;
}

function describeKey(key: Secret | undefined): string {
  if (!key) return '(no key configured)';
  const from = key.source.kind === 'inline' ? 'written in the config file' : `from ${key.source.name}`;
  return `${maskSecret(key.value)} ${from}`;
}

function summarizeNonJson(text: string): string {
  const title = /<title>([^<]{1,120})<\/title>/i.exec(text)?.[1];
  const flat = (title ?? text).replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
