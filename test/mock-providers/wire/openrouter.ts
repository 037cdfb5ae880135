// OpenRouter's wire format (spec §4.2): https://openrouter.ai/api/v1
//
// A router in front of many providers, so its failures look different:
// - error `code` is a *number* equal to the HTTP status, there is no `type`
//   or `param`, and provider failures nest the provider's own JSON as a
//   string in `metadata.raw`;
// - an unknown model id is a 400 ("is not a valid model ID"), not a 404;
// - 402 when credits run out;
// - streams open with `: OPENROUTER PROCESSING` comments, every delta repeats
//   `role`, usage comes in its own last chunk, and a failure after the first
//   token is a `data:` event with `error` and `finish_reason: "error"` at 200;
// - `X-Generation-Id` names the generation; the model list is public.

import { idFrom } from '../ids.js';
import type { ModelEntry } from '../types.js';
import { DONE, comment, data, retryAfter, toolCallDeltas } from './common.js';
import { groq } from './groq.js';
import type { ChatContext, ErrorAnswer, ErrorDetail, ErrorKind, Frame, Wire } from './types.js';

interface RouterModel extends ModelEntry {
  name: string;
  created: number;
  /** The upstream provider OpenRouter names in answers. */
  provider: string;
  free: boolean;
}

const MODELS: RouterModel[] = [
  { id: 'openai/gpt-oss-20b:free', name: 'OpenAI: gpt-oss-20b (free)', context_window: 131072, max_completion_tokens: 131072, created: 1754414229, provider: 'OpenInference', free: true },
  { id: 'z-ai/glm-4.5:free', name: 'Z.AI: GLM 4.5 (free)', context_window: 131072, max_completion_tokens: 96000, created: 1753471347, provider: 'Z.AI', free: true },
  { id: 'meta-llama/llama-3.3-70b-instruct', name: 'Meta: Llama 3.3 70B Instruct', context_window: 131072, max_completion_tokens: 16384, created: 1733506137, provider: 'Groq', free: false },
  { id: 'openai/gpt-4o-mini', name: 'OpenAI: GPT-4o-mini', context_window: 128000, max_completion_tokens: 16384, created: 1721260800, provider: 'OpenAI', free: false },
  { id: 'anthropic/claude-sonnet-4', name: 'Anthropic: Claude Sonnet 4', context_window: 200000, max_completion_tokens: 64000, created: 1747930371, provider: 'Anthropic', free: false },
  { id: 'deepseek/deepseek-chat-v3.1', name: 'DeepSeek: DeepSeek V3.1', context_window: 163840, max_completion_tokens: 163840, created: 1755779628, provider: 'DeepInfra', free: false },
];

const USER_ID = 'user_2mockswitchyard000000000000';

function err(status: number, message: string, metadata?: Record<string, unknown>, headers?: Record<string, string>, withUser = true): ErrorAnswer {
  const body: Record<string, unknown> = { error: metadata ? { message, code: status, metadata } : { message, code: status } };
  if (withUser) body.user_id = USER_ID;
  return headers ? { status, body, headers } : { status, body };
}

/** "Provider returned error": the upstream's answer, serialised into metadata.raw. */
function providerError(status: number, upstream: ErrorAnswer, providerName: string, headers?: Record<string, string>): ErrorAnswer {
  return err(status, 'Provider returned error', { raw: JSON.stringify(upstream.body), provider_name: providerName, is_byok: false }, headers);
}

function providerOf(model: string): string {
  return MODELS.find((m) => m.id === model)?.provider ?? 'OpenInference';
}

function generationId(ctx: ChatContext): string {
  return `gen-${ctx.created}-${idFrom(`openrouter:gen:${ctx.seq}`, 20, 'mixed')}`;
}

function usage(ctx: ChatContext) {
  const { promptTokens, completionTokens } = ctx.reply;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    cost: 0,
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: 0, upstream_inference_completions_cost: 0 },
    completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
  };
}

function toolCall(ctx: ChatContext) {
  const call = ctx.reply.toolCall;
  return call && { id: `call_${idFrom(call.idSeed, 24, 'mixed')}`, name: call.name, arguments: call.arguments };
}

function rateLimitMetadata(limit: number, waitSeconds: number) {
  return {
    headers: { 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Date.now() + Math.round(waitSeconds * 1000)) },
    provider_name: null,
  };
}

export const openrouter: Wire = {
  flavor: 'openrouter',
  basePath: '/api/v1',
  chatPath: '/chat/completions',
  requiresAuth: true,
  modelsNeedAuth: false,
  // Real keys are sk-or-v1-<64 hex>; this one is plainly not.
  defaultKey: 'sk-or-v1-mock_switchyard_test_key_not_a_secret',
  defaultModels: MODELS,
  defaultDecommissioned: [],
  jsonContentType: 'application/json',

  // No rate-limit or request-id headers on OpenRouter answers.
  headers: () => ({}),
  successHeaders: (ctx) => ({ 'x-generation-id': generationId(ctx) }),

  unauthorized: (key) => err(401, key === undefined ? 'No auth credentials found' : 'User not found.', undefined, undefined, false),
  unknownUrl: () => err(404, 'Not Found', undefined, undefined, false),
  invalidJson: () => err(400, 'Invalid JSON body'),
  missingMessages: () => err(400, 'Input required: specify "prompt" or "messages"'),

  error(kind: ErrorKind, detail: ErrorDetail): ErrorAnswer {
    const model = detail.model;
    const groqDetail = { ...detail, model: model.replace(/^[^/]+\//, '').replace(/:.*$/, '') };
    switch (kind) {
      case 'invalid_api_key':
        return this.unauthorized(detail.key ?? 'sk-or-v1-wrong');
      case 'unknown_model':
        return err(400, `${model} is not a valid model ID`);
      case 'model_not_found':
      case 'model_decommissioned':
        return err(404, `No endpoints found for ${model}.`);
      case 'permission_denied':
        return err(403, `${model} requires moderation on OpenAI. Your input was flagged for "harassment". No credits were charged.`, {
          reasons: ['harassment'],
          flagged_input: 'flagged text...',
          provider_name: 'OpenAI',
          model_slug: model,
        });
      case 'rate_limit_rpm': {
        const wait = detail.waitSeconds ?? 2;
        return err(429, 'Rate limit exceeded: free-models-per-min. ', rateLimitMetadata(20, wait), { 'retry-after': retryAfter(wait) });
      }
      case 'rate_limit_tpm': {
        // The upstream provider throttled the shared free pool (spec §4.2 [OBS]).
        const wait = detail.waitSeconds ?? 29;
        return err(
          429,
          'Provider returned error',
          {
            raw: `${model} is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations`,
            provider_name: 'Venice',
            is_byok: false,
            retry_after_seconds: Math.ceil(wait),
          },
          { 'retry-after': retryAfter(wait) },
        );
      }
      case 'rate_limit_tpd': {
        const wait = detail.waitSeconds ?? 864;
        return err(429, 'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day', rateLimitMetadata(50, wait), {
          'retry-after': retryAfter(wait),
        });
      }
      case 'insufficient_quota':
        return err(
          402,
          'This request requires more credits, or fewer max_tokens. You requested up to 16384 tokens, but can only afford 1234. To increase, visit https://openrouter.ai/settings/credits and add more credits',
        );
      case 'request_too_large':
        return providerError(413, groq.error('request_too_large', groqDetail), 'Groq');
      case 'context_length_exceeded': {
        const limit = detail.contextWindow ?? 131072;
        const asked = Math.max(detail.promptTokens, limit + 2000);
        return err(
          400,
          `This endpoint's maximum context length is ${limit} tokens. However, you requested about ${asked} tokens (${asked} of text input). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.`,
        );
      }
      case 'tool_use_failed':
      case 'json_validate_failed':
        return providerError(400, groq.error(kind, groqDetail), 'Groq');
      case 'over_capacity':
      case 'flex_capacity':
        return err(503, 'No allowed providers are available for the selected model.');
      case 'server_error':
        return err(500, 'Internal Server Error');
    }
  },

  modelList(models) {
    // OpenRouter's list: no `object` keys, pricing as strings, limits under top_provider.
    return {
      data: models.map((m) => {
        const known = MODELS.find((k) => k.id === m.id);
        const price = known?.free === false ? '0.0000001' : '0';
        return {
          id: m.id,
          canonical_slug: m.id.replace(/:free$/, ''),
          name: known?.name ?? m.id,
          created: known?.created ?? 1700000000,
          description: `Mock entry for ${m.id}.`,
          context_length: m.context_window ?? 131072,
          architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'], tokenizer: 'Other', instruct_type: null },
          pricing: { prompt: price, completion: price, request: '0', image: '0', web_search: '0', internal_reasoning: '0' },
          top_provider: { context_length: m.context_window ?? 131072, max_completion_tokens: m.max_completion_tokens ?? null, is_moderated: false },
          per_request_limits: null,
          supported_parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'tools', 'tool_choice', 'response_format', 'seed'],
        };
      }),
    };
  },

  completion(ctx) {
    const call = toolCall(ctx);
    const message = call
      ? { role: 'assistant', content: '', refusal: null, reasoning: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] }
      : { role: 'assistant', content: ctx.reply.content, refusal: null, reasoning: null };
    return {
      id: generationId(ctx),
      provider: providerOf(ctx.model),
      model: ctx.model,
      object: 'chat.completion',
      created: ctx.created,
      choices: [{ logprobs: null, finish_reason: ctx.reply.finishReason, native_finish_reason: ctx.reply.finishReason, index: 0, message }],
      usage: usage(ctx),
    };
  },

  chunks(ctx) {
    const chunk = (delta: object, finish: string | null, extra: Record<string, unknown> = {}) => ({
      id: generationId(ctx),
      provider: providerOf(ctx.model),
      model: ctx.model,
      object: 'chat.completion.chunk',
      created: ctx.created,
      choices: [{ index: 0, delta: { role: 'assistant', ...delta }, finish_reason: finish, native_finish_reason: finish, logprobs: null }],
      ...extra,
    });
    const frames: Frame[] = [comment('OPENROUTER PROCESSING'), comment('OPENROUTER PROCESSING')];
    frames.push(data('role', chunk({ content: '' }, null)));
    const call = toolCall(ctx);
    if (call) {
      for (const toolCalls of toolCallDeltas(call, ctx.toolCallStreaming)) frames.push(data('tool', chunk({ content: null, tool_calls: toolCalls }, null)));
    }
    for (const piece of ctx.reply.pieces) frames.push(data('content', chunk({ content: piece }, null)));
    frames.push(data('finish', chunk({ content: '' }, ctx.reply.finishReason)));
    // Usage always comes, in a chunk of its own, whatever stream_options says.
    frames.push(data('usage', chunk({ content: '' }, null, { usage: usage(ctx) })));
    frames.push(DONE);
    return frames;
  },

  streamError(ctx) {
    // The documented "unified" mid-stream error: top-level `error` (string code), finish_reason "error", HTTP 200, then the stream ends.
    return [
      data('error', {
        id: generationId(ctx),
        object: 'chat.completion.chunk',
        created: ctx.created,
        model: ctx.model,
        provider: providerOf(ctx.model),
        error: { code: 'server_error', message: 'Provider disconnected unexpectedly' },
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
      }),
    ];
  },
};
