import type { IncomingHttpHeaders } from 'node:http';
import type { CancelSignal } from '../util/cancel-signal.js';

/**
 * Anthropic request fields with no OpenAI form (`thinking`, `output_config.effort`),
 * carried from a /v1/messages client to the `anthropic/` provider, which merges
 * them into its request. A symbol key: JSON.stringify leaves it out, so every
 * other provider never sees them (and answers without thinking, which Anthropic
 * clients accept), while the copies the router makes keep it.
 */
export const ANTHROPIC_ONLY: unique symbol = Symbol('switchyard.anthropicOnly');

/** The fields of an OpenAI chat request the gateway itself reads; everything else passes through. */
export interface ChatBody {
  model: string;
  messages: Array<Record<string, unknown>>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } & Record<string, unknown>;
  [ANTHROPIC_ONLY]?: Record<string, unknown>;
  [param: string]: unknown;
}

/** One call to one deployment, as the router hands it to a provider adapter. */
export interface ChatCall {
  body: ChatBody;
  /** The model id to send upstream (wildcards already substituted). */
  upstreamModel: string;
  stream: boolean;
  /** The client asked for a final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** Aborted when the client goes away or a deadline passes. */
  signal: CancelSignal;
  requestId: string;
  /** `body` as the client's bytes, when it came from them: forwarded as is but for `model`. */
  rawBody?: Buffer | undefined;
}

export type UpstreamHeaders = IncomingHttpHeaders;

export interface Completion {
  /** An OpenAI `chat.completion` object, normalised (refusal, logprobs, service_tier). */
  body: Record<string, unknown>;
  headers: UpstreamHeaders;
}

/**
 * Where an adapter writes a stream: one `data:` payload per call. Returns a
 * promise only when the client is slow and the adapter must wait (backpressure).
 */
export interface SseSink {
  send(data: string): Promise<void> | undefined;
}

export interface ChatStream {
  headers: UpstreamHeaders;
  /** Token usage the stream reported, once it has (for rate-limit accounting). */
  usage(): { total_tokens?: number } | undefined;
  /**
   * Forwards the normalised events, ending with `[DONE]`. Rejects with a
   * GatewayError when the upstream stream breaks; `[DONE]` is then not sent,
   * so clients cannot mistake a cut answer for a complete one.
   */
  pipe(sink: SseSink): Promise<void>;
}

/**
 * One provider family's translation between OpenAI's chat API and the
 * provider's wire. Adapters never retry: that is the router's decision.
 */
export interface ProviderAdapter {
  complete(call: ChatCall): Promise<Completion>;
  /**
   * Resolves once the upstream accepted the request and its first event passed
   * the checks: every failure before that reaches the client can be retried.
   */
  openStream(call: ChatCall): Promise<ChatStream>;
  /**
   * A free check for `/health`: can the upstream be reached with this key, and
   * does it serve the model? Throws the catalog error when not.
   */
  checkHealth(upstreamModel: string, signal: AbortSignal): Promise<void>;
}
