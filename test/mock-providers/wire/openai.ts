// OpenAI's wire format (spec §2): https://api.openai.com/v1
//
// The reference shape the others deviate from. Details a gateway meets here:
// - error envelopes always carry all four keys (message, type, param, code);
// - the answer's `model` is the dated snapshot (`gpt-4o-mini-2024-07-18`);
// - `include_usage` adds `"usage":null` to every chunk and an extra final
//   chunk with `choices: []`; chunks carry `obfuscation` padding unless
//   `stream_options.include_obfuscation` is false;
// - a mid-stream failure is a bare `data: {"error":{…}}` event and no [DONE];
// - 429 `insufficient_quota` is not retryable and has no retry-after.

import { goDuration, idFrom } from '../ids.js';
import type { ModelEntry } from '../types.js';
import { DONE, data, jitter, retryAfter, toolCallDeltas } from './common.js';
import type { ChatContext, ErrorAnswer, ErrorDetail, ErrorKind, Frame, Wire } from './types.js';

interface OpenAIModel extends ModelEntry {
  snapshot: string;
  created: number;
}

const MODELS: OpenAIModel[] = [
  { id: 'gpt-4o-mini', snapshot: 'gpt-4o-mini-2024-07-18', context_window: 128000, max_completion_tokens: 16384, created: 1721172741 },
  { id: 'gpt-4o', snapshot: 'gpt-4o-2024-08-06', context_window: 128000, max_completion_tokens: 16384, created: 1715367049 },
  { id: 'gpt-4.1', snapshot: 'gpt-4.1-2025-04-14', context_window: 1047576, max_completion_tokens: 32768, created: 1744316542 },
  { id: 'gpt-4.1-mini', snapshot: 'gpt-4.1-mini-2025-04-14', context_window: 1047576, max_completion_tokens: 32768, created: 1744318173 },
  { id: 'gpt-4.1-nano', snapshot: 'gpt-4.1-nano-2025-04-14', context_window: 1047576, max_completion_tokens: 32768, created: 1744321707 },
  { id: 'gpt-5', snapshot: 'gpt-5-2025-08-07', context_window: 400000, max_completion_tokens: 128000, created: 1754425777 },
  { id: 'gpt-5-mini', snapshot: 'gpt-5-mini-2025-08-07', context_window: 400000, max_completion_tokens: 128000, created: 1754425928 },
  { id: 'gpt-5-nano', snapshot: 'gpt-5-nano-2025-08-07', context_window: 400000, max_completion_tokens: 128000, created: 1754426384 },
  { id: 'o4-mini', snapshot: 'o4-mini-2025-04-16', context_window: 200000, max_completion_tokens: 100000, created: 1744225351 },
];

const RPM = 500;
const TPM = 200000;
const RATE_DOCS = 'Visit https://platform.openai.com/account/rate-limits to learn more.';

/** Reasoning models refuse `max_tokens` and want `max_completion_tokens`. */
const REASONING = /^(o\d|gpt-5)/;

function err(status: number, message: string, type: string, param: string | null, code: string | null, headers?: Record<string, string>): ErrorAnswer {
  const body = { error: { message, type, param, code } };
  return headers ? { status, body, headers } : { status, body };
}

/** OpenAI echoes a wrong key masked: `sk-abc***`, or head + stars + last four for long keys. */
export function maskKey(key: string): string {
  if (key.length > 12) return `${key.slice(0, 6)}${'*'.repeat(key.length - 10)}${key.slice(-4)}`;
  return `${key.slice(0, Math.min(6, key.length))}***`;
}

function rateLimited(detail: ErrorDetail, per: 'RPM' | 'TPM' | 'TPD', defaultWait: number): ErrorAnswer {
  const wait = detail.waitSeconds ?? defaultWait;
  const [unit, limit, used, requested] =
    per === 'RPM' ? ['requests per min (RPM)', RPM, RPM, 1]
    : per === 'TPM' ? ['tokens per min (TPM)', TPM, 195869, 4412]
    : ['tokens per day (TPD)', 2000000, 1999532, 4412];
  const message = `Rate limit reached for ${detail.model} in organization org-mockorganization on ${unit}: Limit ${limit}, Used ${used}, Requested ${requested}. Please try again in ${goDuration(wait)}. ${RATE_DOCS}`;
  const headers: Record<string, string> = { 'retry-after': retryAfter(wait) };
  if (per === 'RPM') {
    headers['x-ratelimit-remaining-requests'] = '0';
    headers['x-ratelimit-reset-requests'] = goDuration(wait);
  } else if (per === 'TPM') {
    headers['x-ratelimit-remaining-tokens'] = String(TPM - used);
    headers['x-ratelimit-reset-tokens'] = goDuration(wait);
  }
  return err(429, message, per === 'RPM' ? 'requests' : 'tokens', null, 'rate_limit_exceeded', headers);
}

function snapshotOf(model: string): string {
  return MODELS.find((m) => m.id === model)?.snapshot ?? model;
}

function completionId(seq: number): string {
  return `chatcmpl-${idFrom(`openai:cmpl:${seq}`, 29, 'mixed')}`;
}

function fingerprint(model: string): string {
  return `fp_${idFrom(`openai:fp:${model}`, 10, 'hex')}`;
}

function usage(ctx: ChatContext) {
  const { promptTokens, completionTokens } = ctx.reply;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function toolCall(ctx: ChatContext) {
  const call = ctx.reply.toolCall;
  return call && { id: `call_${idFrom(call.idSeed, 24, 'mixed')}`, name: call.name, arguments: call.arguments };
}

export const openai: Wire = {
  flavor: 'openai',
  basePath: '/v1',
  chatPath: '/chat/completions',
  requiresAuth: true,
  modelsNeedAuth: true,
  // Not the real key shape (sk-proj-…/…T3BlbkFJ…): underscores keep secret scanners quiet.
  defaultKey: 'sk-mock_switchyard_test_key_not_a_secret_00000000',
  defaultModels: MODELS,
  defaultDecommissioned: [],
  jsonContentType: 'application/json',

  headers(seq, _model, promptTokens) {
    return {
      'x-ratelimit-limit-requests': String(RPM),
      'x-ratelimit-limit-tokens': String(TPM),
      'x-ratelimit-remaining-requests': String(Math.max(0, RPM - seq)),
      'x-ratelimit-remaining-tokens': String(Math.max(0, TPM - promptTokens)),
      // Time until the window is full again: one request every 120 ms at 500 RPM.
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-reset-tokens': goDuration(Math.max(0.001, (promptTokens * 60) / TPM)),
      'x-request-id': `req_${idFrom(`openai:req:${seq}`, 32, 'hex')}`,
      'openai-processing-ms': String(jitter(seq, 120, 900)),
      'openai-version': '2020-10-01',
    };
  },

  unauthorized(key) {
    if (key === undefined) {
      return err(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        'invalid_request_error',
        null,
        null,
      );
    }
    return err(401, `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', null, 'invalid_api_key');
  },

  unknownUrl: (method, path) => err(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null, null),

  invalidJson: () =>
    err(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      'invalid_request_error',
      null,
      null,
    ),

  missingMessages: () => err(400, "Missing required parameter: 'messages'.", 'invalid_request_error', 'messages', 'missing_required_parameter'),

  error(kind: ErrorKind, detail: ErrorDetail): ErrorAnswer {
    const model = detail.model;
    switch (kind) {
      case 'invalid_api_key':
        return this.unauthorized(detail.key ?? 'sk-abc');
      case 'unknown_model':
      case 'model_not_found':
        return err(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found');
      case 'model_decommissioned':
        // OpenAI answers retired models with its 404, not a dedicated code.
        return err(404, `The model \`${model}\` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations`, 'invalid_request_error', null, 'model_not_found');
      case 'permission_denied':
        return err(403, 'Country, region, or territory not supported', 'request_forbidden', null, 'unsupported_country_region_territory');
      case 'rate_limit_rpm':
        return rateLimited(detail, 'RPM', 0.12);
      case 'rate_limit_tpm':
        return rateLimited(detail, 'TPM', 0.084);
      case 'rate_limit_tpd':
        return rateLimited(detail, 'TPD', 189.216);
      case 'request_too_large':
        // A 429 that retrying cannot fix: no retry-after ("may be omitted for 429s that require user action").
        return err(
          429,
          `Request too large for ${model} in organization org-mockorganization on tokens per min (TPM): Limit 30000, Requested 34307. The input or output tokens must be reduced in order to run successfully. ${RATE_DOCS}`,
          'tokens',
          null,
          'rate_limit_exceeded',
        );
      case 'insufficient_quota':
        return err(
          429,
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          'insufficient_quota',
          null,
          'insufficient_quota',
        );
      case 'context_length_exceeded': {
        const limit = detail.contextWindow ?? 128000;
        const used = Math.max(detail.promptTokens, limit + 2000);
        return err(
          400,
          `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${used} tokens. Please reduce the length of the messages.`,
          'invalid_request_error',
          'messages',
          'context_length_exceeded',
        );
      }
      case 'tool_use_failed':
      case 'json_validate_failed':
        // OpenAI has no failed_generation errors; a model that emits unparsable output is a 500 model_error.
        return err(500, 'The model produced invalid content. Consider modifying your prompt if you are seeing this error persistently.', 'model_error', null, null);
      case 'over_capacity':
        return err(
          503,
          'That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
          'server_error',
          null,
          'server_is_overloaded',
        );
      case 'flex_capacity':
        return err(503, 'Slow Down: please reduce your request rate and try again.', 'server_error', null, 'slow_down');
      case 'server_error':
        return err(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
    }
  },

  validate(body, model) {
    if (REASONING.test(model.id) && body.max_tokens !== undefined && body.max_tokens !== null) {
      return err(
        400,
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        'invalid_request_error',
        'max_tokens',
        'unsupported_parameter',
      );
    }
    return undefined;
  },

  modelList(models) {
    return {
      object: 'list',
      data: models.map((m) => ({ id: m.id, object: 'model', created: MODELS.find((k) => k.id === m.id)?.created ?? 1700000000, owned_by: 'system' })),
    };
  },

  completion(ctx) {
    const call = toolCall(ctx);
    const message = call
      ? { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }], refusal: null, annotations: [] }
      : { role: 'assistant', content: ctx.reply.content, refusal: null, annotations: [] };
    return {
      id: completionId(ctx.seq),
      object: 'chat.completion',
      created: ctx.created,
      model: snapshotOf(ctx.model),
      choices: [{ index: 0, message, logprobs: null, finish_reason: ctx.reply.finishReason }],
      usage: usage(ctx),
      service_tier: 'default',
      system_fingerprint: fingerprint(ctx.model),
    };
  },

  chunks(ctx) {
    const obfuscate = ctx.body.stream_options?.include_obfuscation !== false;
    let n = 0;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
      id: completionId(ctx.seq),
      object: 'chat.completion.chunk',
      created: ctx.created,
      model: snapshotOf(ctx.model),
      service_tier: 'default',
      system_fingerprint: fingerprint(ctx.model),
      choices,
      ...(ctx.includeUsage ? { usage: null } : {}),
      ...extra,
      // Random-length padding against length side channels; deterministic here.
      ...(obfuscate ? { obfuscation: idFrom(`openai:obf:${ctx.seq}:${n++}`, 1 + (n % 12), 'mixed') } : {}),
    });
    const choice = (delta: object, finish: string | null = null) => [{ index: 0, delta, logprobs: null, finish_reason: finish }];

    const frames: Frame[] = [];
    const call = toolCall(ctx);
    if (call) {
      // The first chunk already names the tool; argument fragments follow.
      const [first, ...rest] = toolCallDeltas(call, ctx.toolCallStreaming);
      frames.push(data('role', chunk(choice({ role: 'assistant', content: null, tool_calls: first, refusal: null }))));
      for (const toolCalls of rest) frames.push(data('tool', chunk(choice({ tool_calls: toolCalls }))));
    } else {
      frames.push(data('role', chunk(choice({ role: 'assistant', content: '', refusal: null }))));
      for (const piece of ctx.reply.pieces) frames.push(data('content', chunk(choice({ content: piece }))));
    }
    frames.push(data('finish', chunk(choice({}, ctx.reply.finishReason))));
    if (ctx.includeUsage) frames.push(data('usage', chunk([], { usage: usage(ctx) })));
    frames.push(DONE);
    return frames;
  },

  streamError() {
    // The SDK turns a data event with an `error` key into an APIError; OpenAI sends no [DONE] after it.
    return [data('error', { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } })];
  },
};
