import { GatewayError } from '../../errors/gateway-error.js';
import type { SseRelay } from '../stream-pump.js';
import type { SseSink } from '../types.js';
import { classifyUpstreamError, type UpstreamContext } from '../upstream-error.js';
import { finishReason, stopSequenceField, toOpenAIUsage, type AnthropicUsage, type OpenAIUsage } from './response.js';

/** The HTTP status each Anthropic error type comes with, so a mid-stream error classifies like the same error before the stream. */
const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** The fields of Anthropic's stream events this relay reads (`RawMessageStreamEvent` in the SDK). */
interface StreamEvent {
  type?: string;
  index?: number;
  message?: { id?: unknown; model?: unknown; usage?: AnthropicUsage };
  content_block?: ContentBlockStart;
  delta?: StreamDelta;
  usage?: AnthropicUsage;
  error?: unknown;
}

interface ContentBlockStart {
  type?: string;
  text?: string;
  id?: string;
  name?: string;
}

interface StreamDelta {
  type?: string;
  text?: string;
  thinking?: string;
  signature?: string;
  partial_json?: string;
  stop_reason?: string | null;
  stop_sequence?: string | null;
}

/** What an Anthropic content block index stands for in the OpenAI stream. */
type BlockRole = { kind: 'text' | 'thinking' | 'json' | 'ignored' } | { kind: 'tool'; toolIndex: number };

/**
 * Translates Anthropic's SSE events (provider-wire-formats.md §3.2) into
 * OpenAI `chat.completion.chunk`s as they arrive: message_start → the role
 * chunk, text/thinking/tool-input deltas → content/reasoning_content/tool_calls
 * fragments, message_delta → the finish chunk, message_stop → the usage chunk
 * (when asked for) and `[DONE]`. `ping` is dropped; `event: error` ends the
 * stream with the error classified as it would be before the stream.
 */
export class AnthropicStreamRelay implements SseRelay {
  substantive = false;
  usage: OpenAIUsage | undefined;
  private id = '';
  private model = '';
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly blocks = new Map<number, BlockRole>();
  private toolCount = 0;
  private anthropicUsage: AnthropicUsage = {};
  private done = false;

  constructor(
    private readonly sink: SseSink,
    private readonly includeUsage: boolean,
    private readonly ctx: UpstreamContext,
    /** The forced `response_format` tool, whose input streams as content. */
    private readonly jsonTool: string | undefined,
  ) {}

  onEvent(data: string, eventName: string | undefined): Promise<void> | undefined {
    if (this.done) return undefined;
    let event: StreamEvent;
    try {
      event = JSON.parse(data) as StreamEvent;
    } catch {
      throw new GatewayError('upstream_invalid_response', `${this.ctx.provider} at ${this.ctx.host} sent a stream event that is not JSON: ${JSON.stringify(data.slice(0, 80))}.`, {
        details: { provider: this.ctx.provider, deployment: this.ctx.deploymentId, model: this.ctx.upstreamModel },
      });
    }
    const type = event.type ?? eventName;
    switch (type) {
      case 'message_start': {
        const message = event.message ?? {};
        this.id = String(message.id ?? '');
        this.model = String(message.model ?? this.ctx.upstreamModel);
        this.anthropicUsage = { ...message.usage };
        return this.chunk({ role: 'assistant', content: '' });
      }
      case 'content_block_start':
        return this.blockStart(Number(event.index), event.content_block ?? {});
      case 'content_block_delta':
        return this.blockDelta(Number(event.index), event.delta ?? {});
      case 'message_delta': {
        // Newer API versions repeat the cumulative input and cache counts here; output_tokens is always final.
        this.anthropicUsage = { ...this.anthropicUsage, ...withoutNulls(event.usage) };
        this.usage = toOpenAIUsage(this.anthropicUsage);
        const reason = event.delta?.stop_reason;
        if (reason === undefined || reason === null) return undefined;
        return this.chunk({}, finishReason(reason, this.jsonTool !== undefined && this.toolCount === 0), stopSequenceField(reason, event.delta?.stop_sequence));
      }
      case 'message_stop':
        return this.finish();
      case 'error':
        throw this.streamError(event.error);
      default:
        return undefined; // ping, content_block_stop, and event types added after this was written
    }
  }

  onEnd(): Promise<void> | undefined {
    if (this.done) return undefined;
    throw new GatewayError('upstream_stream_interrupted', `${this.ctx.provider} at ${this.ctx.host} ended the stream before message_stop: the answer is incomplete.`, {
      details: { provider: this.ctx.provider, deployment: this.ctx.deploymentId, model: this.ctx.upstreamModel },
    });
  }

  private blockStart(index: number, block: ContentBlockStart): Promise<void> | undefined {
    switch (block.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        return block.text ? this.content(block.text) : undefined;
      case 'thinking':
        this.blocks.set(index, { kind: 'thinking' });
        return undefined;
      case 'tool_use': {
        if (this.jsonTool !== undefined && block.name === this.jsonTool) {
          this.blocks.set(index, { kind: 'json' });
          return undefined;
        }
        // OpenAI numbers tool calls among themselves; Anthropic's index counts every block.
        const toolIndex = this.toolCount++;
        this.blocks.set(index, { kind: 'tool', toolIndex });
        this.substantive = true;
        return this.chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
      }
      default:
        this.blocks.set(index, { kind: 'ignored' });
        return undefined;
    }
  }

  private blockDelta(index: number, delta: StreamDelta): Promise<void> | undefined {
    const role = this.blocks.get(index);
    switch (delta.type) {
      case 'text_delta':
        return delta.text ? this.content(delta.text) : undefined;
      case 'thinking_delta':
        if (!delta.thinking) return undefined;
        this.substantive = true;
        return this.chunk({ reasoning_content: delta.thinking });
      case 'signature_delta':
        // The signature lets a client hand the thinking back on its next turn (LiteLLM's `thinking_blocks`).
        return this.chunk({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: delta.signature }] });
      case 'input_json_delta': {
        if (!delta.partial_json || role === undefined) return undefined;
        if (role.kind === 'json') return this.content(delta.partial_json);
        if (role.kind !== 'tool') return undefined;
        return this.chunk({ tool_calls: [{ index: role.toolIndex, function: { arguments: delta.partial_json } }] });
      }
      default:
        return undefined; // citations_delta and the like have no OpenAI form
    }
  }

  private content(text: string): Promise<void> | undefined {
    this.substantive = true;
    return this.chunk({ content: text });
  }

  private chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}): Promise<void> | undefined {
    if (finish !== null) this.substantive = true;
    return this.sink.send(JSON.stringify({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...extra }],
    }));
  }

  private finish(): Promise<void> | undefined {
    this.done = true;
    if (this.includeUsage) {
      this.usage ??= toOpenAIUsage(this.anthropicUsage);
      const usageChunk = JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: this.usage });
      const wait = this.sink.send(usageChunk);
      if (wait) return wait.then(() => this.sink.send('[DONE]'));
    }
    return this.sink.send('[DONE]');
  }

  private streamError(error: unknown): GatewayError {
    const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
    const status = (typeof type === 'string' ? ERROR_STATUS[type] : undefined) ?? 500;
    return classifyUpstreamError(status, JSON.stringify({ type: 'error', error }), {}, this.ctx);
  }
}

function withoutNulls(usage: unknown): AnthropicUsage {
  if (typeof usage !== 'object' || usage === null) return {};
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => typeof value === 'number')) as AnthropicUsage;
}
