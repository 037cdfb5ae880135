// Ollama's OpenAI-compatible layer (spec §4.1, ollama `openai/openai.go`): http://localhost:11434/v1
//
// A local server, so no keys, no rate-limit headers, no request ids. Shapes
// that break strict OpenAI validation on purpose:
// - no `logprobs` and no `refusal` keys in choices; `system_fingerprint: "fp_ollama"`;
// - errors are `{"error":{message,type,param:null,code:null}}` with `type`
//   derived from the status (400 invalid_request_error, 404 not_found_error,
//   anything else api_error);
// - a streamed tool call arrives whole; every delta repeats `role`;
// - `llama3.2` names `llama3.2:latest`; unknown paths get Go's text/plain 404.

import { idFrom } from '../ids.js';
import type { ModelEntry } from '../types.js';
import { DONE, data, toolCallDeltas } from './common.js';
import type { ChatContext, ErrorAnswer, ErrorDetail, ErrorKind, Frame, Wire } from './types.js';

const MODELS: ModelEntry[] = [
  { id: 'llama3.2:latest', context_window: 131072 },
  { id: 'qwen3:8b', context_window: 40960 },
  { id: 'gpt-oss:20b', context_window: 131072 },
];

/** openai.go NewError: the type follows the status. */
function err(status: number, message: string): ErrorAnswer {
  const type = status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error';
  return { status, body: { error: { message, type, param: null, code: null } } };
}

/** `chatcmpl-<0..998>`: Ollama draws a small random integer. */
function completionId(seq: number): string {
  return `chatcmpl-${(seq * 7919) % 999}`;
}

function usage(ctx: ChatContext) {
  const { promptTokens, completionTokens } = ctx.reply;
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

function toolCall(ctx: ChatContext) {
  const call = ctx.reply.toolCall;
  return call && { id: `call_${idFrom(call.idSeed, 8, 'lower')}`, name: call.name, arguments: call.arguments };
}

export const ollama: Wire = {
  flavor: 'ollama',
  basePath: '/v1',
  chatPath: '/chat/completions',
  requiresAuth: false,
  modelsNeedAuth: false,
  // Clients must send *some* key; Ollama never looks at it.
  defaultKey: 'ollama',
  defaultModels: MODELS,
  defaultDecommissioned: [],
  jsonContentType: 'application/json; charset=utf-8',

  candidates: (model) => (model.includes(':') ? [model] : [model, `${model}:latest`]),
  headers: () => ({}),

  // Only reachable through the invalid_api_key fault (Ollama Cloud answers a bad key with this).
  unauthorized: () => err(401, 'unauthorized'),
  unknownUrl: () => ({ status: 404, body: '404 page not found', contentType: 'text/plain' }),
  invalidJson: () => err(400, "invalid character 'o' in literal null (expecting 'u')"),
  missingMessages: () => err(400, 'messages is required'),

  error(kind: ErrorKind, detail: ErrorDetail): ErrorAnswer {
    switch (kind) {
      case 'invalid_api_key':
        return this.unauthorized(detail.key);
      case 'unknown_model':
      case 'model_not_found':
      case 'model_decommissioned':
        return err(404, `model "${detail.model}" not found, try pulling it first`);
      case 'permission_denied':
        return err(403, 'forbidden');
      case 'rate_limit_rpm':
      case 'rate_limit_tpm':
      case 'rate_limit_tpd':
      case 'insufficient_quota':
        // Ollama Cloud usage caps; a local server never sends these, and never a retry-after.
        return err(429, 'you (mock) have reached your hourly usage limit, please upgrade or wait for the limit to reset');
      case 'request_too_large':
        return err(413, 'request entity too large');
      case 'context_length_exceeded':
        return err(400, 'the input length exceeds the context length');
      case 'tool_use_failed':
      case 'json_validate_failed':
        return err(500, `error parsing tool call: raw='{"name": "${detail.toolName ?? 'get_x'}", "arguments": {', err=unexpected end of JSON input`);
      case 'over_capacity':
      case 'flex_capacity':
        // ErrMaxQueue, verbatim (two spaces included).
        return err(503, 'server busy, please try again.  maximum pending requests exceeded');
      case 'server_error':
        return err(500, 'llama runner process has terminated: exit status 2');
    }
  },

  modelList(models) {
    return { object: 'list', data: models.map((m) => ({ id: m.id, object: 'model', created: 1733000000, owned_by: 'library' })) };
  },

  completion(ctx) {
    const call = toolCall(ctx);
    const message = call
      ? { role: 'assistant', content: '', tool_calls: [{ id: call.id, index: 0, type: 'function', function: { name: call.name, arguments: call.arguments } }] }
      : { role: 'assistant', content: ctx.reply.content };
    return {
      id: completionId(ctx.seq),
      object: 'chat.completion',
      created: ctx.created,
      model: ctx.model,
      system_fingerprint: 'fp_ollama',
      choices: [{ index: 0, message, finish_reason: ctx.reply.finishReason }],
      usage: usage(ctx),
    };
  },

  chunks(ctx) {
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
      id: completionId(ctx.seq),
      object: 'chat.completion.chunk',
      created: ctx.created,
      model: ctx.model,
      system_fingerprint: 'fp_ollama',
      choices,
      ...extra,
    });
    const choice = (delta: object, finish: string | null = null) => [{ index: 0, delta: { role: 'assistant', ...delta }, finish_reason: finish }];
    const frames: Frame[] = [data('role', chunk(choice({ content: '' })))];
    const call = toolCall(ctx);
    if (call) {
      for (const toolCalls of toolCallDeltas(call, ctx.toolCallStreaming)) frames.push(data('tool', chunk(choice({ content: '', tool_calls: toolCalls }))));
    }
    for (const piece of ctx.reply.pieces) frames.push(data('content', chunk(choice({ content: piece }))));
    frames.push(data('finish', chunk(choice({ content: '' }, ctx.reply.finishReason))));
    if (ctx.includeUsage) frames.push(data('usage', chunk([], { usage: usage(ctx) })));
    frames.push(DONE);
    return frames;
  },

  streamError() {
    return [data('error', { error: { message: 'an error was encountered while running the model: unexpected EOF', type: 'api_error', param: null, code: null } })];
  },
};
