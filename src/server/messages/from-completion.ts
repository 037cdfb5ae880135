import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/gateway-error.js';

// OpenAI chat.completion → Anthropic `message` (provider-wire-formats.md §3.1, §3.4).

export type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal' | 'stop_sequence';

/**
 * OpenAI says why it stopped, not which stop sequence matched, so a stop is
 * `end_turn` (with `stop_sequence: null`) — unless the choice names the
 * sequence, as the `anthropic/` provider's answers do (`stop_sequence` beside
 * `finish_reason`). Some servers finish with "stop" beside tool calls: the
 * client must still run them, so that is `tool_use`.
 */
export function stopReasonOf(finishReason: unknown, calledTools: boolean, stopSequence: string | null = null): StopReason {
  if (stopSequence !== null && finishReason === 'stop' && !calledTools) return 'stop_sequence';
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return calledTools ? 'tool_use' : 'end_turn';
  }
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Anthropic counts cached prompt tokens apart: input_tokens + cache_read_input_tokens = OpenAI's prompt_tokens. */
export function usageOf(usage: unknown): AnthropicUsage {
  const u = objectOr(usage);
  const prompt = count(u.prompt_tokens);
  const cached = Math.min(prompt, count(objectOr(u.prompt_tokens_details).cached_tokens));
  // Only the `anthropic/` provider reports cache writes (LiteLLM's field); they are part of prompt_tokens too.
  const written = Math.min(prompt - cached, count(u.cache_creation_input_tokens));
  return { input_tokens: prompt - cached - written, output_tokens: count(u.completion_tokens), cache_creation_input_tokens: written, cache_read_input_tokens: cached };
}

/** The matched stop sequence, when the choice names it (see stopReasonOf). */
export function stopSequenceOf(choice: Record<string, unknown>): string | null {
  return typeof choice.stop_sequence === 'string' ? choice.stop_sequence : null;
}

/** `chatcmpl-abc` → `msg_abc`: traceable to the upstream answer, shaped like Anthropic's ids. */
export function messageIdOf(upstreamId: unknown): string {
  if (typeof upstreamId !== 'string' || upstreamId === '') return `msg_${randomUUID().replaceAll('-', '')}`;
  return `msg_${upstreamId.replace(/^chatcmpl-/, '')}`;
}

/** A tool call without an id (some local servers) still needs one Anthropic clients can answer. */
export function toolUseIdOf(id: unknown): string {
  return typeof id === 'string' && id !== '' ? id : `toolu_${randomUUID().replaceAll('-', '')}`;
}

/** `alias` is the model the client asked for: the upstream model id is in `x-litellm-model-id`. */
export function toAnthropicMessage(completion: Record<string, unknown>, alias: string): Record<string, unknown> {
  const choice = objectOr(Array.isArray(completion.choices) ? completion.choices[0] : undefined);
  const message = objectOr(choice.message);
  const content: Array<Record<string, unknown>> = [];
  const text = typeof message.content === 'string' ? message.content : '';
  if (text !== '') content.push({ type: 'text', text });
  const toolCalls = Array.isArray(message.tool_calls) ? (message.tool_calls as unknown[]).map(objectOr) : [];
  for (const call of toolCalls) {
    const fn = objectOr(call.function);
    const name = typeof fn.name === 'string' ? fn.name : '';
    content.push({ type: 'tool_use', id: toolUseIdOf(call.id), name, input: parseArguments(fn.arguments, name) });
  }
  if (content.length === 0 && typeof message.refusal === 'string') content.push({ type: 'text', text: message.refusal });
  const stopReason = stopReasonOf(choice.finish_reason, toolCalls.length > 0, stopSequenceOf(choice));
  return {
    id: messageIdOf(completion.id),
    type: 'message',
    role: 'assistant',
    model: alias,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? stopSequenceOf(choice) : null,
    usage: usageOf(completion.usage),
  };
}

/**
 * Anthropic promises `input` is an object. Arguments that are not a JSON object
 * are a model-output failure (the same request may well succeed again), not
 * something to paper over with `{}`: the client would run the tool without them.
 */
function parseArguments(args: unknown, tool: string): Record<string, unknown> {
  if (args === undefined || args === null || args === '') return {};
  if (typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(args));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  const shown = String(args);
  throw new GatewayError('upstream_generation_failed', `The model called the tool "${tool}" with arguments that are not a JSON object (${JSON.stringify(shown.length > 80 ? shown.slice(0, 80) + '…' : shown)}), which Anthropic clients cannot use.`, {
    details: { tool },
  });
}

/** Upstream JSON is the provider's: anything that is not an object reads as an empty one. */
function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
