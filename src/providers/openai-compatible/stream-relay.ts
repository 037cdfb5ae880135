import { GatewayError } from '../../errors/gateway-error.js';
import type { SseRelay } from '../stream-pump.js';
import type { SseSink } from '../types.js';
import { parseUpstreamErrorBody, type UpstreamContext } from '../upstream-error.js';

/**
 * What means an event must be read: usage, errors (OpenAI's `error`, Groq's
 * `x_groq`), and a finish_reason other than null. One regular expression is
 * one pass over the text (four `includes` passes cost 3.6× as much).
 */
const MUST_READ = /"(?:usage|error|x_groq)"|"finish_reason"\s*:\s*(?!null)/;

interface ChunkMeta {
  id: unknown;
  created: unknown;
  model: unknown;
  system_fingerprint: unknown;
}

/**
 * Relays one upstream SSE stream to the client. Events are forwarded as the
 * upstream wrote them (no re-serialisation); they are parsed only to notice what
 * a client must be told: Groq's usage in `x_groq.usage` (re-emitted as OpenAI's
 * usage chunk when the client asked for it), errors inside a 200 stream (Groq's
 * `x_groq.error`, OpenRouter's `error` event), unreadable JSON, and the end.
 * Past the first substantive event, an event that names none of those keys
 * (most content deltas) is forwarded without parsing: see `canSkipReading`.
 */
export class StreamRelay implements SseRelay {
  private meta: ChunkMeta | undefined;
  private pendingUsage: unknown;
  /** The stream's usage, from `x_groq.usage` or an OpenAI usage chunk. */
  usage: { total_tokens?: number } | undefined;
  private usageSent = false;
  private finishSeen = false;
  /**
   * An event with real output (text, a tool call, a finish, usage) went out.
   * Until then — the role-only opening chunk — a failure can still be retried.
   */
  substantive = false;
  private done = false;

  constructor(
    private readonly sink: SseSink,
    private readonly includeUsage: boolean,
    private readonly ctx: UpstreamContext,
  ) {}

  /** Returns a promise only when the client needs time to drain. */
  onEvent(data: string, eventName: string | undefined): Promise<void> | undefined {
    if (this.done) return undefined;
    if (data === '[DONE]') return this.finish();
    if (eventName === undefined && this.canSkipReading(data)) return this.sink.send(data);

    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(data) as Record<string, unknown>;
    } catch {
      throw new GatewayError('upstream_invalid_response', `${this.ctx.provider} at ${this.ctx.host} sent a stream event that is not JSON: ${JSON.stringify(data.slice(0, 80))}.`, {
        details: { provider: this.ctx.provider, deployment: this.ctx.deploymentId, model: this.ctx.upstreamModel },
      });
    }
    if (eventName === 'error' || chunk.error !== undefined) throw this.midStreamError(chunk.error ?? chunk);

    const groq = chunk.x_groq as Record<string, unknown> | undefined;
    if (groq !== undefined) {
      if (groq.error !== undefined) throw this.midStreamError(groq.error);
      if (groq.usage !== undefined) this.pendingUsage = this.usage = groq.usage as { total_tokens?: number };
    }
    this.meta ??= { id: chunk.id, created: chunk.created, model: chunk.model, system_fingerprint: chunk.system_fingerprint };
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      if (chunk.usage) this.usage = chunk.usage as { total_tokens?: number };
      if (choices.length === 0 && chunk.usage) this.usageSent = true;
      for (const choice of choices) {
        if (choice?.finish_reason) this.finishSeen = true;
        const delta = choice?.delta;
        if (choice?.finish_reason || delta?.content || delta?.tool_calls || delta?.reasoning) this.substantive = true;
      }
      if (chunk.usage) this.substantive = true;
    }
    return this.sink.send(data);
  }

  /**
   * JSON.parse of every event was the relay's main cost. Once the opening
   * events were read (`meta` taken, retry decided: `substantive`), only usage,
   * errors and a finish still matter, and each shows as its key in the text
   * (a key cannot hide inside a string value: quotes there are escaped). The
   * braces keep a truncated event on the parsing path, which reports it.
   */
  private canSkipReading(data: string): boolean {
    if (!this.substantive || this.meta === undefined) return false;
    if (data.charCodeAt(0) !== 0x7b || data.charCodeAt(data.length - 1) !== 0x7d) return false; // { … }
    return !MUST_READ.test(data);
  }

  /** The upstream body ended. */
  onEnd(): Promise<void> | undefined {
    if (this.done) return undefined;
    // Some OpenAI-compatible servers finish every choice but omit `[DONE]`; the answer is complete.
    if (this.finishSeen) return this.finish();
    throw new GatewayError('upstream_stream_interrupted', `${this.ctx.provider} at ${this.ctx.host} ended the stream before the answer was complete.`, {
      details: { provider: this.ctx.provider, deployment: this.ctx.deploymentId, model: this.ctx.upstreamModel },
    });
  }

  private finish(): Promise<void> | undefined {
    this.done = true;
    if (this.includeUsage && !this.usageSent && this.pendingUsage !== undefined) {
      const usageChunk = { ...this.meta, object: 'chat.completion.chunk', choices: [], usage: this.pendingUsage };
      const wait = this.sink.send(JSON.stringify(usageChunk));
      if (wait) return wait.then(() => this.sink.send('[DONE]'));
    }
    return this.sink.send('[DONE]');
  }

  private midStreamError(error: unknown): GatewayError {
    const parsed = parseUpstreamErrorBody(JSON.stringify({ error }));
    const said = parsed.message ? `: "${parsed.message}"` : '';
    return new GatewayError('upstream_stream_interrupted', `${this.ctx.provider} stopped the stream with an error${said}.`, {
      details: { provider: this.ctx.provider, deployment: this.ctx.deploymentId, model: this.ctx.upstreamModel, ...(parsed.code ? { upstream_code: parsed.code } : {}) },
    });
  }
}
