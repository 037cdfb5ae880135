// An Anthropic message → an OpenAI `chat.completion` (provider-wire-formats.md
// §3.4). Finish reasons and usage are mapped here for the stream relay too.

/** Anthropic `stop_reason` → OpenAI `finish_reason` (LiteLLM's `_FINISH_REASON_MAP`). */
const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** When the forced `response_format` tool answered, the call *is* the answer: finish `stop`. */
export function finishReason(stopReason: unknown, jsonMode: boolean): string {
  if (stopReason === 'tool_use' && jsonMode) return 'stop';
  return (typeof stopReason === 'string' ? FINISH_REASONS[stopReason] : undefined) ?? 'stop';
}

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  /** LiteLLM exposes Anthropic's cache counts under their own names too. */
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Anthropic's `input_tokens` excludes cached tokens; OpenAI's `prompt_tokens` is the whole prompt. */
export function toOpenAIUsage(usage: AnthropicUsage | undefined): OpenAIUsage {
  const cacheCreation = usage?.cache_creation_input_tokens ?? 0;
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const prompt = (usage?.input_tokens ?? 0) + cacheCreation + cacheRead;
  const completion = usage?.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
  };
}

interface ContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  thinking?: string;
  signature?: string;
  data?: string;
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  model: string;
  content: ContentBlock[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage;
}

/**
 * OpenAI's `finish_reason: "stop"` cannot say which stop sequence ended the
 * answer; Anthropic's clients (served through /v1/messages) expect it back in
 * `stop_sequence`, so the choice carries it beside the finish reason. OpenAI
 * clients ignore the extra field.
 */
export function stopSequenceField(stopReason: unknown, stopSequence: unknown): { stop_sequence: string } | Record<string, never> {
  return stopReason === 'stop_sequence' && typeof stopSequence === 'string' ? { stop_sequence: stopSequence } : {};
}

/** Only a JSON object with a `content` array is a message; anything else is not Anthropic's answer. */
export function isAnthropicMessage(value: unknown): value is AnthropicMessage {
  return typeof value === 'object' && value !== null && Array.isArray((value as { content?: unknown }).content);
}

/**
 * `jsonTool`: the name of the forced `response_format` tool, whose input
 * becomes the content. `created` in seconds, as OpenAI's.
 */
export function toChatCompletion(message: AnthropicMessage, jsonTool: string | undefined, created: number): Record<string, unknown> {
  let text = '';
  let reasoning = '';
  const thinkingBlocks: ContentBlock[] = [];
  const toolCalls: Array<Record<string, unknown>> = [];
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        text += block.text ?? '';
        break;
      case 'tool_use':
        if (jsonTool !== undefined && block.name === jsonTool) text += JSON.stringify(block.input ?? {});
        else toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
        break;
      case 'thinking':
        reasoning += block.thinking ?? '';
        thinkingBlocks.push({ type: 'thinking', thinking: block.thinking ?? '', signature: block.signature ?? '' });
        break;
      case 'redacted_thinking':
        thinkingBlocks.push({ type: 'redacted_thinking', data: block.data ?? '' });
        break;
      default:
        break; // server tool blocks and the like have no OpenAI form
    }
  }
  const hasText = text !== '' || toolCalls.length === 0;
  const reply: Record<string, unknown> = { role: 'assistant', content: hasText ? text : null, refusal: null };
  if (toolCalls.length > 0) reply.tool_calls = toolCalls;
  if (thinkingBlocks.length > 0) {
    reply.reasoning_content = reasoning;
    // Handed back on the next turn, they let Claude continue its reasoning across tool calls.
    reply.thinking_blocks = thinkingBlocks;
  }
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [{
      index: 0, message: reply, logprobs: null,
      finish_reason: finishReason(message.stop_reason, jsonTool !== undefined && toolCalls.length === 0),
      ...stopSequenceField(message.stop_reason, message.stop_sequence),
    }],
    usage: toOpenAIUsage(message.usage),
  };
}
