import type { ServerResponse } from 'node:http';
import { errorEnvelope } from '../errors/envelope.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { SseSink } from '../providers/types.js';
import type { ResponseHeaders } from './context.js';

/** OpenAI's last event: nothing follows it, so the response can end with it. */
const DONE = '[DONE]';

/**
 * Writes `data:` events to the client as they come, honouring backpressure:
 * when the socket buffer is full, `send` returns a promise that resolves on
 * `drain`, and the adapter stops reading from the upstream until then.
 *
 * Events handed over in one tick (those parsed from one upstream read) are
 * joined and written as one string at the end of the tick: one HTTP chunk and
 * one socket write, where a `res.write` per event cost a chunk header, two
 * CRLFs and a write request each (a 20-event stream was a 60-buffer `writev`).
 * The tick's end is also when the first event leaves, so nothing waits longer.
 */
export class SseWriter implements SseSink {
  private drained: Promise<void> | undefined;
  /** Frames of the current tick, written by `flush` (or with the response's end). */
  private pending = '';
  private flushScheduled = false;

  constructor(private readonly res: ServerResponse) {}

  /** `headers`: the request's own object (RequestContext.headers), completed here. */
  start(headers: ResponseHeaders): void {
    headers['content-type'] = 'text/event-stream; charset=utf-8';
    headers['cache-control'] = 'no-cache';
    headers.connection ??= 'keep-alive'; // 'close' while draining
    // Tells buffering reverse proxies (nginx) to pass events through at once.
    headers['x-accel-buffering'] = 'no';
    this.res.writeHead(200, headers);
    // No flushHeaders(): the stream is primed, so the first event is ready and
    // leaves in the same packet as the headers.
  }

  send(data: string): Promise<void> | undefined {
    const frame = `data: ${data}\n\n`;
    // Ending here rather than when the upstream body ends puts the chunked
    // terminator into the same write as the last events (one syscall, one segment less).
    if (data === DONE) {
      this.finish(frame);
      return undefined;
    }
    return this.write(frame);
  }

  /** A named event (`event:` line first), as Anthropic's streams are written. */
  event(name: string, data: string): Promise<void> | undefined {
    return this.write(`event: ${name}\ndata: ${data}\n\n`);
  }

  private write(frame: string): Promise<void> | undefined {
    if (!this.writable()) return undefined;
    this.pending += frame;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
    // Backpressure found by an earlier flush; this tick's frames are only gathered so far.
    return this.drained;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const out = this.pending;
    this.pending = '';
    if (out === '' || !this.writable() || this.res.write(out)) return;
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
  };

  /** A failure after the stream began: an error event, and no `[DONE]`, so SDKs raise instead of accepting a cut answer. */
  fail(error: GatewayError, requestId: string): void {
    this.finish(`data: ${JSON.stringify(errorEnvelope(error, requestId))}\n\n`);
  }

  /** A failure after an Anthropic stream began: its `error` event ends the response (the SDKs throw on it). */
  failWithEvent(name: string, data: string): void {
    this.finish(`event: ${name}\ndata: ${data}\n\n`);
  }

  end(): void {
    this.finish('');
  }

  /** Ends the response with what this tick gathered and `last`; once. */
  private finish(last: string): void {
    if (!this.writable()) return;
    const out = this.pending + last;
    this.pending = '';
    if (out === '') this.res.end();
    else this.res.end(out);
  }

  private writable(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }
}
