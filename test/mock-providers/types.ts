// Public and shared types of the mock upstream. Kept apart from the server so
// that wire modules (one per provider) can import them without a cycle.

import type { Fault } from './faults.js';

/** Providers the mock speaks. */
export type Flavor = 'groq' | 'openai' | 'openrouter' | 'ollama' | 'anthropic';

export interface ModelEntry {
  id: string;
  context_window?: number;
  max_completion_tokens?: number;
}

export interface MockUpstreamOptions {
  flavor: Flavor;
  /** Accepted keys (bearer, or Anthropic's x-api-key). Default: `[MOCK_KEYS[flavor]]`. Ollama ignores keys. */
  keys?: string[];
  /** Model catalogue; default: the provider's real current models. */
  models?: ModelEntry[];
  /** Retired ids that answer the provider's "decommissioned" error (Groq default: spec §1.7 retired list). */
  decommissioned?: string[];
  /** Delay in ms between streamed chunks (default 0). */
  chunkDelayMs?: number;
  /**
   * How streamed tool calls are cut. Default is what the provider really does:
   * Groq and Ollama send a whole tool call in one delta; OpenAI and OpenRouter
   * send id/name first, then argument fragments; Anthropic starts a tool_use
   * block, then sends input_json_delta fragments.
   */
  toolCallStreaming?: 'whole' | 'fragments';
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; the raw text when it is not JSON; undefined for an empty body. */
  body: any;
  /** Set when the response ends: `finished` when fully sent, `aborted` when the client (the gateway) hung up first. */
  outcome?: 'finished' | 'aborted';
}

/** The loose shape of a chat request: the mock reads it, it never trusts it. */
export interface ChatBody {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown; include_obfuscation?: unknown } | null;
  tools?: unknown;
  tool_choice?: unknown;
  response_format?: { type?: unknown } | null;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  /** OpenAI's stop sequences (a string or a list); Anthropic's `stop_sequences` are mapped onto it. */
  stop?: unknown;
  [key: string]: unknown;
}

export interface MockUpstream {
  /** What a gateway config puts in `api_base`: groq …/openai/v1, openrouter …/api/v1, openai and ollama …/v1, anthropic the bare root. */
  baseUrl: string;
  port: number;
  /** Every request received, in order (chat, models, unknown paths, and requests answered by a fault). */
  requests: RecordedRequest[];
  /** Queues `fault` for the next `times` chat requests (FIFO, one per request). */
  fail(fault: Fault, times?: number): void;
  /** Forgets recorded requests, queued faults and Anthropic's prompt cache, and restarts the request counter ids derive from. */
  reset(): void;
  /** Stops listening and destroys open sockets (hung and streaming requests included). */
  close(): Promise<void>;
}
