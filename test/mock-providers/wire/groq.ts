// Groq's wire format (spec §1): https://api.groq.com/openai/v1
//
// What makes Groq different from OpenAI, and what the gateway must cope with:
// - usage streams in the final chunk as `x_groq.usage`, never top-level;
// - no `message.refusal`; `service_tier: "on_demand"` (not an OpenAI value);
// - a streamed tool call arrives whole in one delta;
// - 413 for a request bigger than the TPM limit, 498 for flex capacity,
//   503 "over capacity" without a `code`;
// - rate-limit headers on every answer, resets in Go duration syntax.
// Texts marked [OBS]/[DOC] in the spec are copied verbatim; the 400 texts for
// unsupported parameters were never observed, so they are written in Groq's
// validator style and only `type`/`param` should be asserted.

import { goDuration, idFrom, uuidFrom } from '../ids.js';
import type { ChatBody, ModelEntry } from '../types.js';
import { DONE, data, jitter, retryAfter, toolCallDeltas } from './common.js';
import type { ChatContext, ErrorAnswer, ErrorDetail, ErrorKind, Frame, Wire } from './types.js';

interface GroqModel extends ModelEntry {
  owned_by: string;
  created: number;
  /** Free-plan requests per day and tokens per minute (spec §1.7): the rate-limit headers' limits. */
  rpd: number;
  tpm: number;
}

// Spec §1.7, models as of 2026-08. Audio (whisper) models are left out: they have no chat endpoint.
const MODELS: GroqModel[] = [
  { id: 'llama-3.1-8b-instant', context_window: 131072, max_completion_tokens: 131072, owned_by: 'Meta', created: 1693721698, rpd: 14400, tpm: 6000 },
  { id: 'llama-3.3-70b-versatile', context_window: 131072, max_completion_tokens: 32768, owned_by: 'Meta', created: 1733447754, rpd: 1000, tpm: 12000 },
  { id: 'openai/gpt-oss-120b', context_window: 131072, max_completion_tokens: 65536, owned_by: 'OpenAI', created: 1754408224, rpd: 1000, tpm: 8000 },
  { id: 'openai/gpt-oss-20b', context_window: 131072, max_completion_tokens: 65536, owned_by: 'OpenAI', created: 1754407957, rpd: 1000, tpm: 8000 },
  { id: 'groq/compound', context_window: 131072, max_completion_tokens: 8192, owned_by: 'Groq', created: 1756949530, rpd: 250, tpm: 70000 },
  { id: 'groq/compound-mini', context_window: 131072, max_completion_tokens: 8192, owned_by: 'Groq', created: 1756949707, rpd: 250, tpm: 70000 },
  { id: 'qwen/qwen3.6-27b', context_window: 131072, max_completion_tokens: 16384, owned_by: 'Alibaba Cloud', created: 1775001600, rpd: 1000, tpm: 6000 },
  { id: 'openai/gpt-oss-safeguard-20b', context_window: 131072, max_completion_tokens: 65536, owned_by: 'OpenAI', created: 1761708789, rpd: 1000, tpm: 8000 },
  { id: 'minimaxai/minimax-m2.7', context_window: 196608, max_completion_tokens: 131072, owned_by: 'MiniMax', created: 1776211200, rpd: 1000, tpm: 6000 },
  { id: 'meta-llama/llama-prompt-guard-2-22m', context_window: 512, max_completion_tokens: 512, owned_by: 'Meta', created: 1748632101, rpd: 14400, tpm: 15000 },
  { id: 'meta-llama/llama-prompt-guard-2-86m', context_window: 512, max_completion_tokens: 512, owned_by: 'Meta', created: 1748632165, rpd: 14400, tpm: 15000 },
];

const RETIRED = ['llama3-70b-8192', 'llama3-8b-8192', 'mixtral-8x7b-32768', 'gemma2-9b-it', 'llama-3.1-70b-versatile', 'deepseek-r1-distill-llama-70b', 'playai-tts'];

const ORG = 'org_01jmockorganization0000000';
const UPGRADE = 'Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing';

function limitsOf(model: string | undefined): { rpd: number; tpm: number } {
  return MODELS.find((m) => m.id === model) ?? { rpd: 1000, tpm: 6000 };
}

/** `req_01…`: 30 characters, ULID alphabet; the same id is `x-request-id` and `x_groq.id`. */
function requestId(seq: number): string {
  return `req_01${idFrom(`groq:req:${seq}`, 24, 'ulid')}`;
}

function err(status: number, error: Record<string, unknown>, headers?: Record<string, string>): ErrorAnswer {
  return headers ? { status, body: { error }, headers } : { status, body: { error } };
}

function invalid(message: string, param: string): ErrorAnswer {
  return err(400, { message, type: 'invalid_request_error', param });
}

function rateLimited(detail: ErrorDetail, per: 'RPM' | 'TPM' | 'TPD', defaultWait: number): ErrorAnswer {
  const wait = detail.waitSeconds ?? defaultWait;
  const limits = limitsOf(detail.model);
  const [unit, limit, used, requested] =
    per === 'RPM' ? ['requests per minute (RPM)', 30, 30, 1]
    : per === 'TPM' ? ['tokens per minute (TPM)', 6000, 5435, 3066]
    : ['tokens per day (TPD)', 500000, 499137, 3066];
  const message = `Rate limit reached for model \`${detail.model}\` in organization \`${ORG}\` service tier \`on_demand\` on ${unit}: Limit ${limit}, Used ${used}, Requested ${requested}. Please try again in ${goDuration(wait)}. ${UPGRADE}`;
  const headers: Record<string, string> = { 'retry-after': retryAfter(wait) };
  // The headers describe the exhausted window: RPD for requests, TPM for tokens (TPD has no header).
  if (per === 'RPM') {
    headers['x-ratelimit-remaining-requests'] = '0';
  } else if (per === 'TPM') {
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, limits.tpm - 5435 - 3066));
    headers['x-ratelimit-reset-tokens'] = goDuration(wait);
  }
  return err(429, { message, type: per === 'RPM' ? 'requests' : 'tokens', code: 'rate_limit_exceeded' }, headers);
}

function usage(ctx: ChatContext): Record<string, number> {
  const { promptTokens, completionTokens } = ctx.reply;
  const queue = jitter(ctx.seq, 10, 90) / 1000;
  const promptTime = Number((promptTokens * 0.0000125).toFixed(9));
  const completionTime = Number((completionTokens * 0.002).toFixed(9));
  return {
    queue_time: queue,
    prompt_tokens: promptTokens,
    prompt_time: promptTime,
    completion_tokens: completionTokens,
    completion_time: completionTime,
    total_tokens: promptTokens + completionTokens,
    total_time: Number((promptTime + completionTime).toFixed(9)),
  };
}

function fingerprint(model: string): string {
  return `fp_${idFrom(`groq:fp:${model}`, 10, 'hex')}`;
}

function toolCall(ctx: ChatContext): { id: string; name: string; arguments: string } | undefined {
  const call = ctx.reply.toolCall;
  // Groq's tool-call ids are short: `call_wtty`, `call_d5wg`.
  return call && { id: `call_${idFrom(call.idSeed, 4, 'lower')}`, name: call.name, arguments: call.arguments };
}

function serviceTier(body: ChatBody): string {
  return body.service_tier === 'flex' || body.service_tier === 'performance' ? body.service_tier : 'on_demand';
}

export const groq: Wire = {
  flavor: 'groq',
  basePath: '/openai/v1',
  chatPath: '/chat/completions',
  requiresAuth: true,
  modelsNeedAuth: true,
  // Not a real key pattern (gsk_[A-Za-z0-9]{40,}): the underscores keep secret scanners quiet.
  defaultKey: 'gsk_mock_' + 'switchyard_test_key_not_a_secret_0000000',
  defaultModels: MODELS,
  defaultDecommissioned: RETIRED,
  jsonContentType: 'application/json',

  headers(seq, model, promptTokens) {
    const { rpd, tpm } = limitsOf(model);
    return {
      'x-ratelimit-limit-requests': String(rpd),
      'x-ratelimit-limit-tokens': String(tpm),
      'x-ratelimit-remaining-requests': String(Math.max(0, rpd - seq)),
      'x-ratelimit-remaining-tokens': String(Math.max(0, tpm - promptTokens)),
      'x-ratelimit-reset-requests': '2m59.56s',
      'x-ratelimit-reset-tokens': '7.66s',
      'x-request-id': requestId(seq),
    };
  },

  unauthorized: () => err(401, { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' }),

  unknownUrl: (method, path) =>
    err(404, {
      message: `Unknown request URL: ${method} ${path}. Please check the URL for typos, or see the docs at https://console.groq.com/docs/`,
      type: 'invalid_request_error',
      code: 'unknown_url',
    }),

  invalidJson: () => err(400, { message: 'failed to decode JSON body: invalid character in request body', type: 'invalid_request_error' }),

  missingMessages: () => invalid("property 'messages' is missing", 'messages'),

  error(kind: ErrorKind, detail: ErrorDetail): ErrorAnswer {
    const model = detail.model;
    switch (kind) {
      case 'invalid_api_key':
        return this.unauthorized(detail.key);
      case 'unknown_model':
      case 'model_not_found':
        return err(404, { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', code: 'model_not_found' });
      case 'model_decommissioned':
        return err(400, {
          message: `The model \`${model}\` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.`,
          type: 'invalid_request_error',
          code: 'model_decommissioned',
        });
      case 'permission_denied':
        return err(403, {
          message: `The model \`${model}\` is blocked at the organization level. Please have the org admin enable this model in the org settings at https://console.groq.com/settings/limits`,
          type: 'permissions_error',
          code: 'model_permission_blocked_org',
        });
      case 'rate_limit_rpm':
        return rateLimited(detail, 'RPM', 2);
      case 'rate_limit_tpm':
        return rateLimited(detail, 'TPM', 25.01);
      case 'rate_limit_tpd':
      case 'insufficient_quota': // Groq has no billing quota error; its daily token cap is the equivalent (spec §6).
        return rateLimited(detail, 'TPD', 864);
      case 'request_too_large':
        // 413 and no retry-after: the request can never fit in the TPM window.
        return err(413, {
          message: `Request too large for model \`${model}\` in organization \`${ORG}\` service tier \`on_demand\` on tokens per minute (TPM): Limit 8000, Requested 11881, Please reduce your message size and try again. ${UPGRADE}`,
          type: 'tokens',
          code: 'rate_limit_exceeded',
        });
      case 'context_length_exceeded':
        return err(400, { message: 'Please reduce the length of the messages or completion.', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' });
      case 'tool_use_failed':
        return err(400, {
          message: "Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.",
          type: 'invalid_request_error',
          code: 'tool_use_failed',
          failed_generation: `<function=${detail.toolName ?? 'get_x'}>{"topic": "..."}`,
        });
      case 'json_validate_failed':
        return err(400, {
          message: "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.",
          type: 'invalid_request_error',
          code: 'json_validate_failed',
          failed_generation: 'max completion tokens reached before generating a valid document',
        });
      case 'over_capacity':
        return err(503, {
          message: `${model} is currently over capacity. Please try again and back off exponentially. Visit https://groqstatus.com to see if there is an active incident.`,
          type: 'internal_server_error',
        });
      case 'flex_capacity':
        return err(498, {
          message: 'Flex tier capacity exceeded. This model is currently at capacity for the flex service tier; retry later or use the on_demand tier.',
          type: 'internal_server_error',
          code: 'capacity_exceeded',
        });
      case 'server_error':
        return err(500, { message: 'Internal Server Error', type: 'internal_server_error' });
    }
  },

  validate(body, model) {
    // Spec §1.8: these OpenAI parameters are a 400 on Groq. `false`/null count as absent.
    for (const param of ['logprobs', 'logit_bias', 'top_logprobs'] as const) {
      const value = body[param];
      if (value !== undefined && value !== null && value !== false) return invalid(`property '${param}' is unsupported`, param);
    }
    if (body.n !== undefined && body.n !== null && body.n !== 1) return invalid("'n' : number must be at most 1", 'n');
    if (Array.isArray(body.messages)) {
      const i = body.messages.findIndex((m) => m && typeof m === 'object' && 'name' in m);
      // param spelled `messages[0].name` (OpenAI's convention for nested params).
      if (i >= 0) return invalid(`'messages.${i}' : property 'name' is unsupported`, `messages[${i}].name`);
    }
    const param = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
    const max = body[param];
    if (typeof max === 'number' && model.max_completion_tokens !== undefined && max > model.max_completion_tokens) {
      return invalid(
        `\`${param}\` must be less than or equal to \`${model.max_completion_tokens}\`, the maximum value for \`${param}\` is less than the \`context_window\` for this model`,
        param,
      );
    }
    return undefined;
  },

  modelList(models) {
    return {
      object: 'list',
      data: models.map((m) => {
        const known = MODELS.find((k) => k.id === m.id);
        return {
          id: m.id,
          object: 'model',
          created: known?.created ?? 1700000000,
          owned_by: known?.owned_by ?? 'Groq',
          active: true,
          context_window: m.context_window ?? 131072,
          public_apps: null,
          max_completion_tokens: m.max_completion_tokens ?? m.context_window ?? 131072,
        };
      }),
    };
  },

  completion(ctx) {
    const call = toolCall(ctx);
    // No `refusal` key, and no `content` key beside tool calls (Groq's documented tool-use answer).
    const message = call
      ? { role: 'assistant', tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] }
      : { role: 'assistant', content: ctx.reply.content };
    return {
      id: `chatcmpl-${uuidFrom(`groq:cmpl:${ctx.seq}`)}`,
      object: 'chat.completion',
      created: ctx.created,
      model: ctx.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: ctx.reply.finishReason }],
      usage: usage(ctx),
      usage_breakdown: null,
      system_fingerprint: fingerprint(ctx.model),
      x_groq: { id: requestId(ctx.seq), seed: jitter(ctx.seq, 100000000, 2100000000) },
      service_tier: serviceTier(ctx.body),
    };
  },

  chunks(ctx) {
    const base = chunkBase(ctx);
    const choice = (delta: object, finish: string | null = null) => [{ index: 0, delta, logprobs: null, finish_reason: finish }];
    const frames: Frame[] = [data('role', { ...base, choices: choice({ role: 'assistant', content: '' }), x_groq: { id: requestId(ctx.seq) } })];
    const call = toolCall(ctx);
    if (call) {
      for (const toolCalls of toolCallDeltas(call, ctx.toolCallStreaming)) frames.push(data('tool', { ...base, choices: choice({ tool_calls: toolCalls }) }));
    }
    for (const piece of ctx.reply.pieces) frames.push(data('content', { ...base, choices: choice({ content: piece }) }));
    // Usage rides in the finish chunk's x_groq, whatever stream_options says.
    frames.push(data('finish', { ...base, choices: choice({}, ctx.reply.finishReason), x_groq: { id: requestId(ctx.seq), usage: usage(ctx) } }));
    frames.push(DONE);
    return frames;
  },

  streamError(ctx) {
    // "an error string indicating why a stream was stopped early" ([SDK]); `over_capacity` is the value seen in the wild.
    // The chunk still carries a finish_reason, so a gateway must look at x_groq.error, not just the finish.
    return [
      data('error', { ...chunkBase(ctx), choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], x_groq: { id: requestId(ctx.seq), error: 'over_capacity' } }),
      DONE,
    ];
  },
};

function chunkBase(ctx: ChatContext) {
  return {
    id: `chatcmpl-${uuidFrom(`groq:cmpl:${ctx.seq}`)}`,
    object: 'chat.completion.chunk',
    created: ctx.created,
    model: ctx.model,
    system_fingerprint: fingerprint(ctx.model),
  };
}
