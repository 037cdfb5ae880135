import type { ServerResponse } from 'node:http';
import { errorEnvelope } from '../errors/envelope.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { SseSink } from '../providers/types.js';

/**
 * Writes `data:` events to the client as they come, honouring backpressure:
 * when the socket buffer is full, `send` returns a promise that resolves on
 * `drain`, and the adapter stops reading from the upstream until then.
 */
export class SseWriter implements SseSink {
  private drained: Promise<void> | undefined;
  private corked = false;

  constructor(private readonly res: ServerResponse) {}

  start(headers: Record<string, string>): void {
    this.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // Tells buffering reverse proxies (nginx) to pass events through at once.
      'x-accel-buffering': 'no',
    });
    // No flushHeaders(): the stream is primed, so the first event is ready and
    // leaves in the same packet as the headers.
  }

  send(data: string): Promise<void> | undefined {
    return this.write(`data: ${data}\n\n`);
  }

  /** A named event (`event:` line first), as Anthropic's streams are written. */
  event(name: string, data: string): Promise<void> | undefined {
    return this.write(`event: ${name}\ndata: ${data}\n\n`);
  }

  private write(frame: string): Promise<void> | undefined {
    if (this.res.destroyed) return undefined;
    this.coalesce();
    if (this.res.write(frame)) return undefined;
    this.drained ??= new Promise<void>((resolve) => {
      const done = () => {
        this.drained = undefined;
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
    return this.drained;
  }

  /**
   * Events parsed from one upstream read (and the end) go out in one socket
   * write: the response is corked until the current tick's work is done.
   */
  private coalesce(): void {
    if (this.corked) return;
    this.corked = true;
    this.res.cork();
    process.nextTick(() => {
      this.corked = false;
      this.res.uncork();
    });
  }

  /** A failure after the stream began: an error event, and no `[DONE]`, so SDKs raise instead of accepting a cut answer. */
  fail(error: GatewayError, requestId: string): void {
    if (this.res.destroyed) return;
    this.res.end(`data: ${JSON.stringify(errorEnvelope(error, requestId))}\n\n`);
  }

  /** A failure after an Anthropic stream began: its `error` event ends the response (the SDKs throw on it). */
  failWithEvent(name: string, data: string): void {
    if (this.res.destroyed) return;
    this.res.end(`event: ${name}\ndata: ${data}\n\n`);
  }

  end(): void {
    if (!this.res.destroyed) this.res.end();
  }
}
