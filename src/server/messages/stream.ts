import type { SseSink } from '../../providers/types.js';
import { messageIdOf, stopReasonOf, stopSequenceOf, toolUseIdOf, usageOf } from './from-completion.js';

// OpenAI chat.completion.chunk stream → Anthropic stream events
// (provider-wire-formats.md §3.2, §3.4), written as the chunks arrive.

/** Where named events go: the SseWriter. Returns a promise only when the client is slow. */
export interface EventSink {
  event(name: string, data: string): Promise<void> | undefined;
}

const MESSAGE_STOP = '{"type":"message_stop"}';

/**
 * Receives the router's OpenAI chunks (JSON strings, then `[DONE]`) as an
 * SseSink and writes Anthropic's events: `message_start` on the first chunk,
 * one content block per text run or tool call (a block is closed before the
 * next opens), and on `[DONE]` the `message_delta` with the stop reason and
 * the usage — known only then — and `message_stop`. Never `[DONE]` itself.
 */
export class AnthropicStreamWriter implements SseSink {
  private started = false;
  private finished = false;
  /** The open content block: its Anthropic index and kind. */
  private openIndex = -1;
  private openKind: 'text' | 'tool_use' | undefined;
  private nextIndex = 0;
  /** OpenAI's tool-call index → the Anthropic block that carries it. */
  private readonly toolBlocks = new Map<number, number>();
  private finishReason: unknown;
  private stopSequence: string | null = null;
  private usage: unknown;
  /** The last write that had to wait for the client, returned to the pump for backpressure. */
  private wait: Promise<void> | undefined;

  constructor(private readonly out: EventSink, private readonly alias: string) {}

  send(data: string): Promise<void> | undefined {
    if (this.finished) return undefined;
    this.wait = undefined;
    if (data === '[DONE]') {
      this.finish();
      return this.wait;
    }
    // The relay already refused chunks that are not JSON.
    const chunk = JSON.parse(data) as Record<string, any> | null;
    if (typeof chunk !== 'object' || chunk === null) return undefined;
    if (!this.started) this.start(chunk.id);
    if (chunk.usage) this.usage = chunk.usage;
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (typeof choice === 'object' && choice !== null) {
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string' && delta.content !== '') this.text(delta.content);
      if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) if (typeof call === 'object' && call !== null) this.toolCall(call);
      if (choice.finish_reason) {
        this.finishReason = choice.finish_reason;
        this.stopSequence = stopSequenceOf(choice);
      }
    }
    return this.wait;
  }

  private start(upstreamId: unknown): void {
    this.started = true;
    // Input tokens are known only from the last chunk; message_delta carries them.
    const message = {
      id: messageIdOf(upstreamId), type: 'message', role: 'assistant', model: this.alias, content: [],
      stop_reason: null, stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
    this.emit('message_start', JSON.stringify({ type: 'message_start', message }));
  }

  private text(text: string): void {
    if (this.openKind !== 'text') this.open('text', { type: 'text', text: '' });
    // The hot path: one string template instead of serialising an object per token.
    this.emit('content_block_delta', `{"type":"content_block_delta","index":${this.openIndex},"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}`);
  }

  /** Groq sends a call whole in one delta; OpenAI sends id and name first, then argument fragments. */
  private toolCall(call: Record<string, any>): void {
    const toolIndex = typeof call.index === 'number' ? call.index : 0;
    let index = this.toolBlocks.get(toolIndex);
    if (index === undefined) {
      const name = call.function?.name;
      index = this.open('tool_use', { type: 'tool_use', id: toolUseIdOf(call.id), name: typeof name === 'string' ? name : '', input: {} });
      this.toolBlocks.set(toolIndex, index);
    }
    // A fragment for a call whose block was already closed (providers stream calls one after
    // another, so this is rare) still goes to that block's index: the SDKs accumulate by index.
    const args = call.function?.arguments;
    if (typeof args === 'string' && args !== '') {
      this.emit('content_block_delta', JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: args } }));
    }
  }

  private open(kind: 'text' | 'tool_use', block: Record<string, unknown>): number {
    this.close();
    this.openKind = kind;
    this.openIndex = this.nextIndex++;
    this.emit('content_block_start', JSON.stringify({ type: 'content_block_start', index: this.openIndex, content_block: block }));
    return this.openIndex;
  }

  private close(): void {
    if (this.openKind === undefined) return;
    this.emit('content_block_stop', `{"type":"content_block_stop","index":${this.openIndex}}`);
    this.openKind = undefined;
  }

  private finish(): void {
    this.finished = true;
    if (!this.started) this.start(undefined);
    this.close();
    const stopReason = stopReasonOf(this.finishReason, this.toolBlocks.size > 0, this.stopSequence);
    const usage = usageOf(this.usage);
    this.emit('message_delta', JSON.stringify({
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: stopReason === 'stop_sequence' ? this.stopSequence : null },
      usage: { output_tokens: usage.output_tokens, input_tokens: usage.input_tokens, cache_creation_input_tokens: usage.cache_creation_input_tokens, cache_read_input_tokens: usage.cache_read_input_tokens },
    }));
    this.emit('message_stop', MESSAGE_STOP);
  }

  private emit(name: string, data: string): void {
    const wait = this.out.event(name, data);
    if (wait) this.wait = wait;
  }
}
