import { claudeLimits } from './anthropic/models.js';
import type { ChatBody } from './types.js';

// Context windows Switchyard knows without asking, so a request that cannot fit
// is refused before it costs a round trip (provider-wire-formats.md §1.7).
const KNOWN_WINDOWS: Record<string, Record<string, number>> = {
  groq: {
    'llama-3.1-8b-instant': 131_072,
    'llama-3.3-70b-versatile': 131_072,
    'openai/gpt-oss-120b': 131_072,
    'openai/gpt-oss-20b': 131_072,
    'groq/compound': 131_072,
    'groq/compound-mini': 131_072,
    'qwen/qwen3.6-27b': 131_072,
    'minimaxai/minimax-m2.7': 196_608,
    'meta-llama/llama-prompt-guard-2-22m': 512,
    'meta-llama/llama-prompt-guard-2-86m': 512,
  },
};

/** `model_info.max_input_tokens` (LiteLLM's key) wins; else the built-in table. */
export function contextWindowOf(provider: string, upstreamModel: string, modelInfo: Record<string, unknown>): number | undefined {
  const configured = modelInfo.max_input_tokens;
  if (typeof configured === 'number' && configured > 0) return configured;
  if (provider === 'anthropic') return claudeLimits(upstreamModel)?.contextWindow;
  return KNOWN_WINDOWS[provider]?.[upstreamModel];
}

/**
 * Characters per token below which real text practically never goes (English
 * averages ~4, code and other scripts use more tokens per character). Dividing
 * by it gives a cheap estimate that errs towards fewer tokens, so a refusal
 * based on it is safe; borderline requests go to the provider, which decides.
 */
const CHARS_PER_TOKEN = 4;
/** Refuse only when clearly over: the estimate is an estimate. */
const MARGIN = 1.25;

/** Cheap: walks message text only, and tool definitions only when the messages alone come close. */
export function estimatePromptTokens(body: ChatBody, window: number): number {
  let chars = 0;
  for (const message of body.messages) chars += contentLength(message.content) + 4;
  if (chars / CHARS_PER_TOKEN > window / MARGIN / 2 && Array.isArray(body.tools)) chars += JSON.stringify(body.tools).length;
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export function clearlyExceeds(estimatedTokens: number, window: number): boolean {
  return estimatedTokens > window * MARGIN;
}

function contentLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let length = 0;
  for (const part of content) if (typeof part?.text === 'string') length += part.text.length;
  return length;
}
