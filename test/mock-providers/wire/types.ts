// The contract every provider module fulfils. The server owns HTTP, faults and
// timing; a wire module owns only *what the provider puts on the wire*: paths,
// bodies, headers, error envelopes and SSE chunk shapes.
//
// The optional hooks exist for providers that are not OpenAI-shaped (Anthropic):
// a request body reply.ts cannot read directly, header and schema checks, and
// extra endpoints (token counting, one model by id).

import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorFault } from '../faults.js';
import type { Reply } from '../reply.js';
import type { ChatBody, Flavor, ModelEntry } from '../types.js';

/**
 * One SSE frame, already serialised (`data: …\n\n`, `: comment\n\n`, `event: …\ndata: …\n\n`).
 * `kind` lets faults cut streams at the right place: `content`/`tool` are the
 * body, `finish`/`usage`/`done` are never reached by a cut stream, `block` is
 * structure around the body (Anthropic's content_block_start/stop).
 */
export interface Frame {
  kind: 'comment' | 'role' | 'block' | 'content' | 'tool' | 'finish' | 'usage' | 'error' | 'done';
  text: string;
}

/** Everything a wire needs to render one chat completion. */
export interface ChatContext {
  /** The model id as the client sent it (providers echo it, OpenAI echoes its snapshot). */
  model: string;
  body: ChatBody;
  reply: Reply;
  /** 1-based request number on this server: the seed of every id in the answer. */
  seq: number;
  created: number;
  includeUsage: boolean;
  toolCallStreaming: 'whole' | 'fragments';
  /** Per-server memory of cached prompt prefixes (Anthropic's cache_control); reset() empties it. */
  promptCache: Set<string>;
}

/** Which endpoint a request body is checked for: a completion, or Anthropic's token counting (no max_tokens there). */
export type RequestPurpose = 'chat' | 'count';

export interface ErrorDetail {
  model: string;
  /** The bearer key presented (for OpenAI's masked echo), if any. */
  key?: string | undefined;
  /** The provider's announced wait, in seconds (rate-limit faults). */
  waitSeconds?: number | undefined;
  promptTokens: number;
  contextWindow?: number | undefined;
  /** The first tool offered, for errors that quote a failed tool call. */
  toolName?: string | undefined;
}

/** An error answer: status, body (JSON-serialised unless a string), and headers that differ from the usual ones. */
export interface ErrorAnswer {
  status: number;
  body: unknown;
  /** Default: the wire's JSON content type. Ollama's router answers unknown paths in text/plain. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** Errors every provider has, each in its own words. */
export type ErrorKind = ErrorFault | 'unknown_model';

export interface Wire {
  readonly flavor: Flavor;
  /** Path prefix of the API, e.g. `/openai/v1`. */
  readonly basePath: string;
  /** What `baseUrl` ends in, when users configure something else than basePath (Anthropic: the bare host, ''). */
  readonly apiBasePath?: string;
  /** Chat endpoint under basePath (`/chat/completions`; Anthropic's will be `/messages`). */
  readonly chatPath: string;
  /** Ollama ignores keys entirely. */
  readonly requiresAuth: boolean;
  /** OpenRouter's model list is public. */
  readonly modelsNeedAuth: boolean;
  readonly defaultKey: string;
  readonly defaultModels: readonly ModelEntry[];
  readonly defaultDecommissioned: readonly string[];
  /** Content type of JSON answers (Ollama's Go router adds a charset). */
  readonly jsonContentType: string;

  /** The key a request presents; default `Authorization: Bearer` (Anthropic also reads `x-api-key`). */
  presentedKey?(headers: IncomingHttpHeaders): string | undefined;
  /** Ids to try for a requested model (Ollama: `llama3.2` → `llama3.2:latest`). */
  candidates?(model: string): string[];
  /** Headers on every answer from the provider (rate limits, request id). */
  headers(seq: number, model: string | undefined, promptTokens: number): Record<string, string>;
  /** Extra headers on a successful completion (OpenRouter's x-generation-id). */
  successHeaders?(ctx: ChatContext): Record<string, string>;

  /** 401 for a missing (`key` undefined) or wrong key. */
  unauthorized(key: string | undefined): ErrorAnswer;
  /** Header checks after auth (Anthropic requires `anthropic-version`). */
  checkHeaders?(headers: IncomingHttpHeaders): ErrorAnswer | undefined;
  /** Schema checks before the model is looked up (Anthropic's `max_tokens: Field required`, role order, tool pairing). */
  checkBody?(body: ChatBody, purpose: RequestPurpose): ErrorAnswer | undefined;
  /** Error bodies that repeat a response header (Anthropic's `request_id`); applied to every answer with status ≥ 400. */
  finishErrorBody?(body: unknown, headers: Record<string, string>): unknown;
  unknownUrl(method: string, path: string): ErrorAnswer;
  invalidJson(): ErrorAnswer;
  missingMessages(): ErrorAnswer;
  error(kind: ErrorKind, detail: ErrorDetail): ErrorAnswer;
  /** Provider-specific request checks (Groq's unsupported parameters), after the model is known. */
  validate?(body: ChatBody, model: ModelEntry, purpose: RequestPurpose): ErrorAnswer | undefined;

  /**
   * The provider's request as the OpenAI-shaped body reply.ts plans from
   * (Anthropic: `system` → a system message, tool_result blocks → tool messages,
   * `stop_sequences` → `stop`). Runs before validation, so it must not trust its input.
   */
  toChatBody?(body: ChatBody): ChatBody;

  /** `query` carries list parameters (Anthropic's limit, after_id, before_id). */
  modelList(models: readonly ModelEntry[], query: URLSearchParams): unknown;
  /** `GET <basePath>/models/<id>` when the provider has it (Anthropic). */
  modelInfo?(model: ModelEntry): unknown;
  /** Token counting endpoint under basePath (Anthropic's `/messages/count_tokens`), answered by `countTokens`. */
  readonly countTokensPath?: string;
  countTokens?(promptTokens: number): unknown;
  completion(ctx: ChatContext): unknown;
  /** The whole successful stream, `[DONE]` included. */
  chunks(ctx: ChatContext): Frame[];
  /** Frames that end a stream which fails after it started (sent after a few content frames). */
  streamError(ctx: ChatContext): Frame[];
}
