import type { Secret } from '../config/types.js';
import { GatewayError, type ErrorDetails } from '../errors/gateway-error.js';
import { maskSecret } from '../errors/mask.js';
import { anthropicRateLimitWait } from './anthropic/rate-limit-headers.js';
import { parseGoDuration, parseRetryAfter, parseTryAgainIn } from './durations.js';
import { providerInfo } from './provider-table.js';
import type { UpstreamHeaders } from './types.js';
import { isRecord } from '../util/is-record.js';

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

/** A deadline and the config key that sets it, so a timeout error can say what to raise. */
export interface TimeoutSetting {
  seconds: number;
  key: string | undefined;
}

export interface ParsedUpstreamError {
  message: string;
  type: string | undefined;
  code: string | undefined;
  param: string | undefined;
  failedGeneration: string | undefined;
  /** Anthropic puts its request id in the body too (`request_id`). */
  requestId: string | undefined;
}

const MAX_MESSAGE = 500;
/** Sent when a provider says "slow down" without saying for how long, so clients back off at least a little. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** Groq's retired models and the successors its deprecations page names. */
const GROQ_SUCCESSORS: Record<string, string> = {
  'llama3-70b-8192': 'llama-3.3-70b-versatile',
  'llama-3.1-70b-versatile': 'llama-3.3-70b-versatile',
  'llama3-8b-8192': 'llama-3.1-8b-instant',
  'gemma2-9b-it': 'llama-3.1-8b-instant',
  'mixtral-8x7b-32768': 'llama-3.3-70b-versatile',
  'deepseek-r1-distill-llama-70b': 'openai/gpt-oss-120b',
};

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
    return { message: summarizeNonJson(text), type: undefined, code: undefined, param: undefined, failedGeneration: undefined, requestId: undefined };
  }
  if (!isRecord(json)) return { message: summarizeNonJson(text), type: undefined, code: undefined, param: undefined, failedGeneration: undefined, requestId: undefined };
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
    requestId: typeof json.request_id === 'string' ? json.request_id : undefined,
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
  // Anthropic names the failure by `error.type` only (no `code`); keep it for the same purpose.
  if (parsed.code === undefined && parsed.type !== undefined && providerInfo(ctx.provider)?.family === 'anthropic' && ANTHROPIC_ERROR_TYPES.has(parsed.type)) {
    details.upstream_code = parsed.type;
  }
  // What the provider's support asks for first; never secret.
  const requestId = headerValue(headers['request-id']) ?? parsed.requestId;
  if (requestId !== undefined) details.upstream_request_id = requestId;
  const text = parsed.message.toLowerCase();
  const retryAfter = parseRetryAfter(headers['retry-after']) ?? parseTryAgainIn(parsed.message);
  if (retryAfter !== undefined) details.retryAfter = retryAfter;

  if (status === 401) {
    return new GatewayError('upstream_authentication_error', `${where} rejected the configured API key ${describeKey(ctx.apiKey, ctx.provider)}.${upstreamSays}`, { details });
  }
  // Anthropic answers an empty prepaid balance with a 400 ("Your credit balance is too low…"), not only its 402 billing_error.
  if (status === 402 || parsed.code === 'insufficient_quota' || parsed.type === 'insufficient_quota' || parsed.type === 'billing_error' || text.includes('credit balance is too low')) {
    return new GatewayError('insufficient_quota', `${where}: the account is out of quota or credits.${upstreamSays}`, { details });
  }
  if (status === 403) {
    return new GatewayError('upstream_permission_denied', `${where} refused access with the configured key ${describeKey(ctx.apiKey, ctx.provider)}.${upstreamSays}`, { details });
  }
  if (parsed.code === 'model_decommissioned' || text.includes('decommissioned')) {
    const successor = GROQ_SUCCESSORS[ctx.upstreamModel];
    if (successor !== undefined) details.replacement = successor;
    const instead = successor === undefined ? '' : ` Its successor is "${successor}": set litellm_params.model to ${ctx.provider}/${successor}.`;
    return new GatewayError('upstream_model_unavailable', `${where}: the model "${ctx.upstreamModel}" is decommissioned; update litellm_params.model for alias "${ctx.alias}".${instead}${upstreamSays}`, { details });
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
    const limit = parseLimit(parsed.message) ?? parseAnthropicLimit(parsed.message);
    if (limit !== undefined) Object.assign(details, limit);
    const anthropicBudget = anthropicRateLimitWait(headers);
    if (anthropicBudget !== undefined) details.limit_type ??= anthropicBudget.limitType;
    details.retryAfter ??= resetFromHeaders(headers, parsed.type) ?? anthropicBudget?.resetSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
    const which = limit === undefined ? 'its rate limit' : `its ${limit.limit_name} limit${limit.limit === undefined ? '' : ` of ${limit.limit}`}${limit.requested === undefined ? '' : ` (used ${limit.used ?? '?'}, this request needs ${limit.requested})`}`;
    return new GatewayError('rate_limit_exceeded', `${where} refused the request: ${which}. Retry in ${Math.ceil(details.retryAfter)} s.${upstreamSays}`, { details });
  }
  if (parsed.code === 'context_length_exceeded' || /maximum context length|context length|context limit|prompt is too long|reduce the length of the messages/.test(text)) {
    const sizes = parseContextSizes(parsed.message);
    Object.assign(details, sizes);
    const numbers = sizes.prompt_tokens === undefined || sizes.context_window === undefined ? ''
      : ` (${sizes.prompt_tokens.toLocaleString('en-US')} prompt tokens${sizes.max_tokens === undefined ? '' : ` + ${sizes.max_tokens.toLocaleString('en-US')} max_tokens`} > ${sizes.context_window.toLocaleString('en-US')})`;
    return new GatewayError('context_length_exceeded', `The messages do not fit in the context window of ${ctx.upstreamModel} (${ctx.provider})${numbers}.${upstreamSays}`, { param: 'messages', details });
  }
  if (parsed.code === 'tool_use_failed' || parsed.code === 'json_validate_failed') {
    if (parsed.failedGeneration !== undefined) details.failed_generation = parsed.failedGeneration;
    return new GatewayError('upstream_generation_failed', `${where}: the model's output failed the provider's validation (${parsed.code}).${upstreamSays}`, { details });
  }
  if (status === 498 || status === 503 || status === 529 || parsed.type === 'overloaded_error') {
    details.retryAfter ??= DEFAULT_RETRY_AFTER_SECONDS;
    return new GatewayError('upstream_overloaded', `${where} is over capacity (HTTP ${status}).${upstreamSays}`, { details });
  }
  if (status === 408 || status === 504 || parsed.type === 'timeout_error') {
    return new GatewayError('upstream_timeout', `${where} timed out (HTTP ${status}).${upstreamSays}`, { details });
  }
  if (status >= 400 && status < 500) {
    const anthropic = parsed.param === undefined && providerInfo(ctx.provider)?.family === 'anthropic' ? anthropicParam(parsed.message) : undefined;
    if (anthropic?.maxOutputTokens !== undefined) details.max_output_tokens = anthropic.maxOutputTokens;
    return new GatewayError('upstream_bad_request', `${where} rejected the request (HTTP ${status}).${upstreamSays}`, { param: parsed.param ?? anthropic?.param ?? null, details });
  }
  return new GatewayError('upstream_error', `${where} failed with HTTP ${status}.${upstreamSays}`, { details });
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const TIMEOUT_PHASES: Record<string, { kind: string; what: string }> = {
  UND_ERR_CONNECT_TIMEOUT: { kind: 'connect', what: 'did not accept a connection' },
  ETIMEDOUT: { kind: 'connect', what: 'did not accept a connection' },
  UND_ERR_HEADERS_TIMEOUT: { kind: 'first-byte', what: 'did not start answering' },
  UND_ERR_BODY_TIMEOUT: { kind: 'idle', what: 'stopped sending mid-answer' },
};
/** Matches the undici pool's `connect.timeout`. */
const CONNECT_TIMEOUT_SECONDS = 10;

/** A failure with no HTTP answer: refused, reset, DNS, TLS, timeout. Names the host and the OS error. */
export function classifyNetworkError(err: unknown, ctx: UpstreamContext, timeout: TimeoutSetting | undefined): GatewayError {
  const code = errorCode(err);
  const details: ErrorDetails = { provider: ctx.provider, deployment: ctx.deploymentId, model: ctx.upstreamModel, os_error: code ?? 'unknown' };
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    const phase = TIMEOUT_PHASES[code] ?? TIMEOUT_PHASES.ETIMEDOUT!;
    const seconds = code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' ? CONNECT_TIMEOUT_SECONDS : timeout?.seconds;
    const raise = code === 'UND_ERR_CONNECT_TIMEOUT' || timeout?.key === undefined ? '' : ` Raise ${timeout.key} to wait longer.`;
    Object.assign(details, { timeout_kind: phase.kind, ...(seconds === undefined ? {} : { timeout_seconds: seconds }), ...(raise ? { config_key: timeout!.key } : {}) });
    const within = seconds === undefined ? '' : ` within ${seconds} s`;
    return new GatewayError('upstream_timeout', `${ctx.provider} at ${ctx.host} ${phase.what}${within} (${phase.kind} timeout, ${code}).${raise}`, { details, cause: err });
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

function describeKey(key: Secret | undefined, provider: string): string {
  if (!key) return '(no key configured)';
  const from = key.source.kind === 'inline' ? 'written in the config file' : `from ${key.source.name}`;
  const hint = keyHint(key.value, provider);
  return `${maskSecret(key.value)} ${from}${hint ? ` — ${hint}` : ''}`;
}

/** Key prefixes, most specific first: `sk-ant-` is Anthropic's even though `sk-` is OpenAI's. */
const KEY_OWNERS: Array<[string, string]> = [['sk-ant-', 'anthropic'], ['sk-or-', 'openrouter'], ['gsk_', 'groq'], ['xai-', 'xai'], ['sk-', 'openai']];

/** The usual mistakes, spotted without revealing the key. */
export function keyHint(value: string, provider: string): string | undefined {
  if (value.trim() === '') return 'it is empty';
  if (/[\r\n]/.test(value)) return 'it contains a newline (copied with the line break?)';
  if (value !== value.trim()) return 'it has spaces around it';
  const expected = providerInfo(provider)?.keyPrefix;
  if (expected === undefined || value.startsWith(expected)) return undefined;
  const owner = KEY_OWNERS.find(([prefix]) => value.startsWith(prefix))?.[1];
  return owner === undefined ? `${provider} keys start with ${expected}, this one does not` : `it looks like a ${owner} key, but ${provider} keys start with ${expected}`;
}

function summarizeNonJson(text: string): string {
  const title = /<title>([^<]{1,120})<\/title>/i.exec(text)?.[1];
  const flat = (title ?? text).replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}


interface LimitDetails {
  /** e.g. "tokens per minute (TPM)" */
  limit_name: string;
  limit_type: string;
  limit?: number;
  used?: number;
  requested?: number;
}

/** Groq's and OpenAI's 429 text: "... on tokens per minute (TPM): Limit 6000, Used 5435, Requested 3066." */
function parseLimit(message: string): LimitDetails | undefined {
  const kind = /on ((?:tokens|requests) per (?:minute|min|day)) \((\w+)\)/i.exec(message);
  if (kind === null) return undefined;
  const number = (label: string) => {
    const match = new RegExp(`${label} (\\d+)`, 'i').exec(message);
    return match ? Number(match[1]) : undefined;
  };
  const details: LimitDetails = { limit_name: `${kind[1]!.replace(/ min$/, ' minute')} (${kind[2]})`, limit_type: kind[2]!.toUpperCase() };
  for (const [field, label] of [['limit', 'Limit'], ['used', 'Used'], ['requested', 'Requested']] as const) {
    const value = number(label);
    if (value !== undefined) details[field] = value;
  }
  return details;
}

/** Anthropic's `error.type`s (provider-wire-formats.md §3.3). */
const ANTHROPIC_ERROR_TYPES = new Set([
  'invalid_request_error', 'authentication_error', 'billing_error', 'permission_error', 'not_found_error',
  'request_too_large', 'rate_limit_error', 'api_error', 'timeout_error', 'overloaded_error',
]);

function headerValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

const ANTHROPIC_LIMIT_TYPES: Record<string, string> = { 'input tokens': 'ITPM', 'output tokens': 'OTPM', tokens: 'TPM', requests: 'RPM' };

/**
 * Anthropic's 429 text, in both wordings the API has used: "This request would
 * exceed your organization's rate limit of 50,000 input tokens per minute (org:
 * …)" and "… exceed the rate limit for your organization (<org id>) of 50,000
 * input tokens per minute".
 */
function parseAnthropicLimit(message: string): LimitDetails | undefined {
  const match = /rate limit (?:for your organization (?:\([^)]*\) )?)?of ([\d,]+) (input tokens|output tokens|tokens|requests) per minute/i.exec(message);
  if (match === null) return undefined;
  const unit = match[2]!.toLowerCase();
  const type = ANTHROPIC_LIMIT_TYPES[unit]!;
  return { limit_name: `${unit} per minute (${type})`, limit_type: type, limit: Number(match[1]!.replace(/,/g, '')) };
}

/**
 * Anthropic's errors have no `param`; the field is in the text. Read for the
 * refusals a client can fix by changing one parameter, for models Switchyard's
 * table does not know (it catches them before sending for those it does):
 * "max_tokens: 100000 > 64000, which is the maximum allowed number of output
 * tokens for …" and "`temperature` and `top_p` cannot both be specified for this model".
 */
function anthropicParam(message: string): { param: string; maxOutputTokens?: number } | undefined {
  const overLimit = /^max_tokens: \d+ > (\d+)/.exec(message);
  if (overLimit) return { param: 'max_tokens', maxOutputTokens: Number(overLimit[1]) };
  if (/`?temperature`? and `?top_p`? cannot both be specified/.test(message)) return { param: 'top_p' };
  return undefined;
}

interface ContextSizes {
  prompt_tokens?: number;
  max_tokens?: number;
  context_window?: number;
}

/**
 * The numbers in context errors: Anthropic's "prompt is too long: 213462 tokens
 * > 200000 maximum" and "input length and `max_tokens` exceed context limit:
 * 188240 + 21333 > 200000", OpenAI's "maximum context length is 128000 tokens.
 * However, your messages resulted in 130000 tokens".
 */
function parseContextSizes(message: string): ContextSizes {
  const tooLong = /(\d+) tokens > (\d+) maximum/.exec(message);
  if (tooLong) return { prompt_tokens: Number(tooLong[1]), context_window: Number(tooLong[2]) };
  const withMax = /context limit: (\d+) \+ (\d+) > (\d+)/.exec(message);
  if (withMax) return { prompt_tokens: Number(withMax[1]), max_tokens: Number(withMax[2]), context_window: Number(withMax[3]) };
  const openai = /maximum context length is (\d+) tokens.*?resulted in (\d+) tokens/.exec(message);
  if (openai) return { prompt_tokens: Number(openai[2]), context_window: Number(openai[1]) };
  return {};
}

/** When no retry-after came: the reset header of the exhausted budget (Go duration). */
function resetFromHeaders(headers: UpstreamHeaders, type: string | undefined): number | undefined {
  const header = type === 'requests' ? headers['x-ratelimit-reset-requests'] : headers['x-ratelimit-reset-tokens'];
  return typeof header === 'string' ? parseGoDuration(header) : undefined;
}
