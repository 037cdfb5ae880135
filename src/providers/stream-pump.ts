import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { GatewayError } from '../errors/gateway-error.js';
import type { SseSink } from './types.js';
import type { UpstreamResponse } from './upstream-response.js';
import { classifyNetworkError, type TimeoutSetting, type UpstreamContext } from './upstream-error.js';

/**
 * Translates one provider's SSE events into the client's OpenAI chunks, writing
 * them to the sink it was built with. One implementation per wire format
 * (OpenAI-compatible, Anthropic); the pump below is shared.
 */
export interface SseRelay {
  /** One upstream event; returns a promise only when the client needs time to drain. Throws a GatewayError to end the stream. */
  onEvent(data: string, eventName: string | undefined): Promise<void> | undefined;
  /** The upstream body ended; throws when the answer was not complete. */
  onEnd(): Promise<void> | undefined;
  /** An event with real output went out: from then on a failure cannot be retried. */
  readonly substantive: boolean;
  /** Token usage the stream reported, once it has. */
  readonly usage: { total_tokens?: number } | undefined;
}

/**
 * Holds events until the client's sink is attached. Before that moment the
 * client has received nothing, so a failure can still be retried elsewhere.
 */
class DeferredSink implements SseSink {
  private readonly held: string[] = [];
  private target: SseSink | undefined;

  send(data: string): Promise<void> | undefined {
    if (this.target) return this.target.send(data);
    this.held.push(data);
    return undefined;
  }

  async attach(target: SseSink): Promise<void> {
    this.target = target;
    for (const data of this.held.splice(0)) {
      const wait = target.send(data);
      if (wait) await wait;
    }
  }
}

/**
 * Reads an upstream SSE body through a relay in two phases: `prime()`
 * reads until the first event has been checked (nothing reached the client
 * yet, so failures are retryable), `pipe()` attaches the client and forwards
 * the rest with backpressure.
 */
export class StreamPump {
  private readonly deferred = new DeferredSink();
  private readonly relay: SseRelay;
  private readonly parser: EventSourceParser;
  /**
   * The body yields Buffers; this keeps split UTF-8 characters whole. Not
   * TextDecoder: ICU's decoder makes every string two-byte, which made the
   * relay's parsing, matching and the client's write slower too.
   */
  private readonly decoder = new StringDecoder('utf8');
  private pending: Promise<void> | undefined;
  private failure: unknown;
  private ended = false;

  constructor(
    private readonly response: UpstreamResponse,
    createRelay: (sink: SseSink) => SseRelay,
    private readonly ctx: UpstreamContext,
    private readonly timeout: TimeoutSetting,
  ) {
    this.relay = createRelay(this.deferred);
    this.parser = createParser({
      onEvent: (event) => {
        if (this.failure !== undefined) return;
        try {
          const wait = this.relay.onEvent(event.data, event.event);
          if (wait) this.pending = this.pending ? this.pending.then(() => wait) : wait;
        } catch (err) {
          this.failure = err;
        }
      },
    });
  }

  usage(): { total_tokens?: number } | undefined {
    return this.relay.usage;
  }

  /** Resolves once the first event with real output passed the relay's checks, or the stream ended. */
  prime(): Promise<void> {
    return this.guard(() => this.pump(() => this.relay.substantive));
  }

  pipe(sink: SseSink): Promise<void> {
    return this.guard(async () => {
      await this.deferred.attach(sink);
      if (!this.ended) await this.pump(() => false);
    });
  }

  private async pump(stop: () => boolean): Promise<void> {
    while (!stop()) {
      const chunk = await this.response.body.read();
      if (chunk === null) {
        this.ended = true;
        const wait = this.relay.onEnd();
        if (wait) await wait;
        return;
      }
      this.parser.feed(this.decoder.write(chunk));
      if (this.failure !== undefined) throw this.failure;
      // Backpressure: read no further from the upstream until the client drained.
      if (this.pending) {
        const wait = this.pending;
        this.pending = undefined;
        await wait;
      }
    }
  }

  private async guard(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      this.response.body.destroy();
      throw this.classify(err);
    }
  }

  private classify(err: unknown): unknown {
    if (err instanceof GatewayError) return err;
    // Not a socket or timeout failure: our bug, reported as internal_error with its cause logged.
    if (typeof (err as { code?: unknown })?.code !== 'string') return err;
    const classified = classifyNetworkError(err, this.ctx, this.timeout);
    if (classified.code === 'upstream_timeout') return classified;
    return new GatewayError('upstream_stream_interrupted', `${this.ctx.provider} at ${this.ctx.host} broke off the stream (${String(classified.details.os_error)}).`, {
      details: classified.details,
      cause: err,
    });
  }
}
