// Anthropic's Messages API (spec §3): https://api.anthropic.com, API under /v1.
//
// Not OpenAI-shaped at all, which is the point of having it in the mock:
// - users configure the bare host as api_base; the API is /v1/messages,
//   /v1/messages/count_tokens and /v1/models;
// - the key comes in `x-api-key` (or `Authorization: Bearer`, which the
//   official SDK sends since 1.x), and `anthropic-version` is required;
// - errors are `{"type":"error","error":{type,message},"request_id"}`, the
//   request id repeated from the `request-id` header; 529 means overloaded;
// - the answer is a `message` with content blocks and a `stop_reason`;
// - streams are named events (`event: …\ndata: …`), with a `ping`, and no
//   [DONE]: `message_stop` ends them, an `error` event breaks them;
// - rate-limit resets are RFC 3339 timestamps, not durations;
// - retired models are a plain 404 `model: <id>`, like unknown ones.

import { idFrom } from '../ids.js';
import type { ModelEntry } from '../types.js';
import { argumentFragments, retryAfter } from './common.js';
import { bodyProblem, modelProblem } from './anthropic-checks.js';
import { anthropicToChatBody, cachedPrefix } from './anthropic-request.js';
import type { ChatContext, ErrorAnswer, ErrorDetail, ErrorKind, Frame, Wire } from './types.js';

interface AnthropicModel extends ModelEntry {
  display_name: string;
  created_at: string;
}

/** Newest first, as GET /v1/models lists them. All have a 200k window; max output varies. */
const MODELS: AnthropicModel[] = [
  { id: 'claude-opus-4-5-20251101', display_name: 'Claude Opus 4.5', created_at: '2025-11-24T00:00:00Z', context_window: 200000, max_completion_tokens: 64000 },
  { id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-15T00:00:00Z', context_window: 200000, max_completion_tokens: 64000 },
  { id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z', context_window: 200000, max_completion_tokens: 64000 },
  { id: 'claude-opus-4-1-20250805', display_name: 'Claude Opus 4.1', created_at: '2025-08-05T00:00:00Z', context_window: 200000, max_completion_tokens: 32000 },
  { id: 'claude-opus-4-20250514', display_name: 'Claude Opus 4', created_at: '2025-05-22T00:00:00Z', context_window: 200000, max_completion_tokens: 32000 },
  { id: 'claude-sonnet-4-20250514', display_name: 'Claude Sonnet 4', created_at: '2025-05-22T00:00:00Z', context_window: 200000, max_completion_tokens: 64000 },
  { id: 'claude-3-7-sonnet-20250219', display_name: 'Claude Sonnet 3.7', created_at: '2025-02-24T00:00:00Z', context_window: 200000, max_completion_tokens: 64000 },
  { id: 'claude-3-5-haiku-20241022', display_name: 'Claude Haiku 3.5', created_at: '2024-10-22T00:00:00Z', context_window: 200000, max_completion_tokens: 8192 },
  { id: 'claude-3-haiku-20240307', display_name: 'Claude Haiku 3', created_at: '2024-03-07T00:00:00Z', context_window: 200000, max_completion_tokens: 4096 },
];

/** Retired snapshots: the API answers them exactly like unknown ids. */
const RETIRED = [
  'claude-3-5-sonnet-20241022',
  'claude-3-5-sonnet-20240620',
  'claude-3-opus-20240229',
  'claude-3-sonnet-20240229',
  'claude-2.1',
  'claude-2.0',
  'claude-instant-1.2',
];

/**
 * Versions the API accepts in `anthropic-version`: the long-standing
 * 2023-06-01, its predecessor, and the one @anthropic-ai/sdk 1.14 sends.
 */
export const ANTHROPIC_VERSIONS: readonly string[] = ['2023-01-01', '2023-06-01', '2026-10-21'];

const ORG_ID = '7d2f9c1e-4b8a-4c3e-9f1d-2a6b8e0c5d47';
const RPM = 50;
const ITPM = 30000;
const OTPM = 8000;
const RATE_DOCS =
  'For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.';

/** RFC 3339 at whole seconds, as the anthropic-ratelimit-*-reset headers carry it: `2026-08-21T12:00:07Z`. */
function rfc3339(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function requestId(seq: number): string {
  return `req_011C${idFrom(`anthropic:req:${seq}`, 20, 'mixed')}`;
}

/** Anthropic's error envelope; `request_id` is added from the response header by finishErrorBody. */
function err(status: number, type: string, message: string, headers: Record<string, string> = {}): ErrorAnswer {
  // The SDK obeys x-should-retry before looking at the status.
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  return { status, body: { type: 'error', error: { type, message } }, headers: { 'x-should-retry': String(retryable), ...headers } };
}

function invalid(message: string): ErrorAnswer {
  return err(400, 'invalid_request_error', message);
}

type Limit = 'requests' | 'input-tokens' | 'daily';

function rateLimited(detail: ErrorDetail, limit: Limit, defaultWait: number): ErrorAnswer {
  const wait = detail.waitSeconds ?? defaultWait;
  const reset = rfc3339(Date.now() + wait * 1000);
  const headers: Record<string, string> = { 'retry-after': retryAfter(wait) };
  let message: string;
  if (limit === 'requests') {
    message = `This request would exceed the rate limit for your organization (${ORG_ID}) of ${RPM} requests per minute. ${RATE_DOCS}`;
    headers['anthropic-ratelimit-requests-remaining'] = '0';
    headers['anthropic-ratelimit-requests-reset'] = reset;
  } else {
    message =
      limit === 'input-tokens'
        ? `This request would exceed the rate limit for your organization (${ORG_ID}) of ${ITPM.toLocaleString('en-US')} input tokens per minute. ${RATE_DOCS}`
        : // The daily token limit of the early API tiers, worded as the API did.
          `Number of request tokens has exceeded your daily rate limit (https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.`;
    headers['anthropic-ratelimit-input-tokens-remaining'] = '0';
    headers['anthropic-ratelimit-input-tokens-reset'] = reset;
    headers['anthropic-ratelimit-tokens-remaining'] = '0';
    headers['anthropic-ratelimit-tokens-reset'] = reset;
  }
  return err(429, 'rate_limit_error', message, headers);
}

function messageId(seq: number): string {
  return `msg_01${idFrom(`anthropic:msg:${seq}`, 22, 'mixed')}`;
}

function toolUse(ctx: ChatContext) {
  const call = ctx.reply.toolCall;
  return call && { id: `toolu_01${idFrom(call.idSeed, 22, 'mixed')}`, name: call.name, arguments: call.arguments };
}

function stopReason(ctx: ChatContext): string {
  switch (ctx.reply.finishReason) {
    case 'tool_calls':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    default:
      return ctx.reply.stopSequence !== undefined ? 'stop_sequence' : 'end_turn';
  }
}

interface InputUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** Decided once per request: completion() and chunks() must agree, and the decision writes the cache. */
const inputUsageOf = new WeakMap<ChatContext, InputUsage>();

/**
 * Input tokens split the way Anthropic bills them. With a cache_control
 * breakpoint, the first request with a given prefix writes it
 * (cache_creation_input_tokens) and later ones read it (cache_read_input_tokens);
 * input_tokens is the rest of the prompt, at least 1.
 */
function inputUsage(ctx: ChatContext): InputUsage {
  const known = inputUsageOf.get(ctx);
  if (known) return known;
  const prefix = cachedPrefix(ctx.body);
  let created = 0;
  let read = 0;
  if (prefix) {
    if (ctx.promptCache.has(prefix.id)) read = prefix.tokens;
    else {
      ctx.promptCache.add(prefix.id);
      created = prefix.tokens;
    }
  }
  const usage: InputUsage = {
    input_tokens: Math.max(1, ctx.reply.promptTokens - created - read),
    cache_creation_input_tokens: created,
    cache_read_input_tokens: read,
    cache_creation: { ephemeral_5m_input_tokens: created, ephemeral_1h_input_tokens: 0 },
  };
  inputUsageOf.set(ctx, usage);
  return usage;
}

function contentBlocks(ctx: ChatContext): Array<Record<string, unknown>> {
  const call = toolUse(ctx);
  if (call) return [{ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.arguments) }];
  return [{ type: 'text', text: ctx.reply.content ?? '' }];
}

/** `event: <name>\ndata: <json>\n\n`: Anthropic names every event, and the name repeats `type`. */
function event(kind: Frame['kind'], payload: { type: string } & Record<string, unknown>): Frame {
  return { kind, text: `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n` };
}

/** `claude-sonnet-4-5` and `claude-3-5-haiku-latest` name the newest snapshot of their line. */
function aliasTargets(model: string): string[] {
  if (/-\d{8}$/.test(model)) return [model];
  const line = model.replace(/-latest$/, '');
  return [model, ...MODELS.filter((m) => m.id.startsWith(`${line}-20`)).map((m) => m.id)];
}

export const anthropic: Wire = {
  flavor: 'anthropic',
  basePath: '/v1',
  apiBasePath: '',
  chatPath: '/messages',
  countTokensPath: '/messages/count_tokens',
  requiresAuth: true,
  modelsNeedAuth: true,
  // The provider prefix, so prefix-based key detection and masking see an Anthropic key;
  // no `api03-` key-type segment and not the real length or alphabet, and written in two
  // pieces as the Groq mock key is, so no line of the source looks like a real key.
  defaultKey: 'sk-ant-' + 'mock_switchyard_test_key_not_a_secret',
  defaultModels: MODELS,
  defaultDecommissioned: RETIRED,
  jsonContentType: 'application/json',

  presentedKey(headers) {
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey !== '') return apiKey.trim();
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
    return bearer ? bearer[1]!.trim() : undefined;
  },

  candidates: aliasTargets,

  headers(seq, _model, promptTokens) {
    const now = Date.now();
    // Token buckets refill continuously: the reset is when this request's tokens are back.
    const tokensBack = rfc3339(now + (promptTokens * 60000) / ITPM);
    return {
      'request-id': requestId(seq),
      'anthropic-organization-id': ORG_ID,
      'anthropic-ratelimit-requests-limit': String(RPM),
      'anthropic-ratelimit-requests-remaining': String(Math.max(0, RPM - seq)),
      'anthropic-ratelimit-requests-reset': rfc3339(now + 60000 / RPM),
      'anthropic-ratelimit-input-tokens-limit': String(ITPM),
      'anthropic-ratelimit-input-tokens-remaining': String(Math.max(0, ITPM - promptTokens)),
      'anthropic-ratelimit-input-tokens-reset': tokensBack,
      'anthropic-ratelimit-output-tokens-limit': String(OTPM),
      'anthropic-ratelimit-output-tokens-remaining': String(OTPM),
      'anthropic-ratelimit-output-tokens-reset': rfc3339(now),
      'anthropic-ratelimit-tokens-limit': String(ITPM + OTPM),
      'anthropic-ratelimit-tokens-remaining': String(Math.max(0, ITPM + OTPM - promptTokens)),
      'anthropic-ratelimit-tokens-reset': tokensBack,
    };
  },

  unauthorized(key) {
    return err(401, 'authentication_error', key === undefined ? 'x-api-key header is required' : 'invalid x-api-key');
  },

  checkHeaders(headers) {
    const version = headers['anthropic-version'];
    if (version === undefined || version === '') return invalid('anthropic-version: header is required');
    if (typeof version !== 'string' || !ANTHROPIC_VERSIONS.includes(version.trim())) {
      return invalid(`anthropic-version: "${String(version)}" is not a valid version`);
    }
    return undefined;
  },

  checkBody(body, purpose) {
    const problem = bodyProblem(body, purpose);
    return problem === undefined ? undefined : invalid(problem);
  },

  validate(body, model, purpose) {
    const problem = modelProblem(body, model, purpose);
    return problem === undefined ? undefined : invalid(problem);
  },

  finishErrorBody(body, headers) {
    const id = headers['request-id'];
    return id && body && typeof body === 'object' && (body as { type?: unknown }).type === 'error' ? { ...(body as object), request_id: id } : body;
  },

  toChatBody: anthropicToChatBody,

  unknownUrl: () => err(404, 'not_found_error', 'Not Found'),
  invalidJson: () => invalid('There was an error parsing the body of your request. Please make sure it is valid JSON.'),
  missingMessages: () => invalid('messages: Field required'),

  error(kind: ErrorKind, detail: ErrorDetail): ErrorAnswer {
    switch (kind) {
      case 'invalid_api_key':
        return this.unauthorized(detail.key ?? 'sk-ant-wrong');
      case 'unknown_model':
      case 'model_not_found':
      case 'model_decommissioned':
        return err(404, 'not_found_error', `model: ${detail.model}`);
      case 'permission_denied':
        return err(403, 'permission_error', 'Your API key does not have permission to use the specified resource.');
      case 'rate_limit_rpm':
        return rateLimited(detail, 'requests', 1);
      case 'rate_limit_tpm':
        return rateLimited(detail, 'input-tokens', 7);
      case 'rate_limit_tpd':
        return rateLimited(detail, 'daily', 864);
      case 'request_too_large':
        // Cloudflare in front of the API refuses bodies over 32 MB; the JSON envelope keeps tests simple.
        return err(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.');
      case 'insufficient_quota':
        // What the API really answers when credits run out (observed), not the documented 402 billing_error:
        // a 400 that is not the client's fault. `insufficient_quota:402` gives the documented one.
        if (detail.waitSeconds === 402) return err(402, 'billing_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.');
        return invalid('Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.');
      case 'context_length_exceeded': {
        const limit = detail.contextWindow ?? 200000;
        const used = detail.promptTokens > limit ? detail.promptTokens : 213462;
        return invalid(`prompt is too long: ${used} tokens > ${limit} maximum`);
      }
      case 'tool_use_failed':
      case 'json_validate_failed':
      case 'server_error':
        // Anthropic has no "model emitted broken output" error; such failures are a 500 api_error.
        return err(500, 'api_error', 'Internal server error');
      case 'over_capacity':
      case 'flex_capacity':
        // 529 carries retry-after only when the fault names a wait (`over_capacity:2`).
        return err(529, 'overloaded_error', 'Overloaded', detail.waitSeconds === undefined ? {} : { 'retry-after': retryAfter(detail.waitSeconds) });
    }
  },

  modelList(models, query) {
    const all = models.map((m) => this.modelInfo!(m) as { id: string });
    const limit = Math.min(1000, Math.max(1, Number(query.get('limit') ?? 20) || 20));
    const after = query.get('after_id');
    const before = query.get('before_id');
    let start = 0;
    let end = all.length;
    if (after) start = all.findIndex((m) => m.id === after) + 1;
    if (before) end = Math.max(0, all.findIndex((m) => m.id === before));
    let page = all.slice(start, end);
    const hasMore = page.length > limit;
    page = before ? page.slice(-limit) : page.slice(0, limit);
    return { data: page, has_more: hasMore, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null };
  },

  modelInfo(model) {
    const known = MODELS.find((m) => m.id === model.id);
    return {
      type: 'model',
      id: model.id,
      display_name: known?.display_name ?? model.id,
      created_at: known?.created_at ?? '2025-01-01T00:00:00Z',
      max_input_tokens: model.context_window ?? null,
      max_tokens: model.max_completion_tokens ?? null,
    };
  },

  countTokens: (promptTokens) => ({ input_tokens: promptTokens }),

  completion(ctx) {
    return {
      id: messageId(ctx.seq),
      type: 'message',
      role: 'assistant',
      model: ctx.model,
      content: contentBlocks(ctx),
      stop_reason: stopReason(ctx),
      stop_sequence: ctx.reply.stopSequence ?? null,
      usage: { ...inputUsage(ctx), output_tokens: ctx.reply.completionTokens, service_tier: 'standard' },
    };
  },

  chunks(ctx) {
    const input = inputUsage(ctx);
    const frames: Frame[] = [
      event('role', {
        type: 'message_start',
        message: {
          id: messageId(ctx.seq),
          type: 'message',
          role: 'assistant',
          model: ctx.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...input, output_tokens: 1, service_tier: 'standard' },
        },
      }),
    ];
    const call = toolUse(ctx);
    if (call) {
      frames.push(event('block', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }));
      frames.push(event('comment', { type: 'ping' }));
      // The first input_json_delta is empty on the real wire; then the arguments arrive in pieces.
      const pieces = ctx.toolCallStreaming === 'whole' ? ['', call.arguments] : ['', ...argumentFragments(call.arguments)];
      for (const partial of pieces) frames.push(event('tool', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: partial } }));
    } else {
      frames.push(event('block', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      frames.push(event('comment', { type: 'ping' }));
      for (const piece of ctx.reply.pieces) frames.push(event('content', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }));
    }
    frames.push(event('block', { type: 'content_block_stop', index: 0 }));
    frames.push(
      event('finish', {
        type: 'message_delta',
        delta: { stop_reason: stopReason(ctx), stop_sequence: ctx.reply.stopSequence ?? null },
        // Cumulative counts: input repeated from message_start, output final.
        usage: {
          input_tokens: input.input_tokens,
          cache_creation_input_tokens: input.cache_creation_input_tokens,
          cache_read_input_tokens: input.cache_read_input_tokens,
          output_tokens: ctx.reply.completionTokens,
        },
      }),
    );
    frames.push(event('done', { type: 'message_stop' }));
    return frames;
  },

  streamError() {
    return [event('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })];
  },
};
