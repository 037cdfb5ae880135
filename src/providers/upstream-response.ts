// An upstream call through undici's dispatch API with a handler of our own,
// not its `request()`: that wraps every answer in a stream.Readable (plus an
// AsyncResource and a promise per read), which cost ≈6 µs of the ≈30 µs
// undici spends per small answer. The gateway reads a body in one of two
// ways only — whole (`text()`) or chunk by chunk into an SSE parser
// (`read()`) — and this body does just those, with the same backpressure
// (the socket is paused while 64 KiB wait unread) and the same errors.

import type { Dispatcher } from 'undici';
import type { CancelSignal } from '../util/cancel-signal.js';
import type { UpstreamHeaders } from './types.js';

/** What an upstream answered: status and headers once they arrived, the body as it arrives. */
export interface UpstreamResponse {
  readonly statusCode: number;
  readonly headers: UpstreamHeaders;
  readonly body: UpstreamBody;
}

/** undici's own Readable pauses the socket at the same mark. */
const HIGH_WATER_BYTES = 64 * 1024;

/**
 * The most of one answer read whole (a completion, an error body, a model
 * list). Far beyond any real answer; it keeps a broken or hostile upstream
 * from filling the gateway's memory.
 */
export const MAX_WHOLE_BODY_BYTES = 64 * 1024 * 1024;

/** A body read whole grew past its limit; the connection was dropped. */
export class UpstreamBodyTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`upstream body larger than ${limitBytes} bytes`);
  }
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

export class UpstreamBody {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private state: 'open' | 'ended' | 'failed' = 'open';
  private failure: unknown;
  /** A `read()` waiting for the next chunk. */
  private reader: Waiter<Buffer | null> | undefined;
  /** A `text()` waiting for the end. */
  private collector: Waiter<string> | undefined;
  private collectLimit = MAX_WHOLE_BODY_BYTES;

  constructor(private readonly controller: Dispatcher.DispatchController) {}

  /** The next chunk, or null once the body ended; rejects with the error that broke it. */
  read(): Promise<Buffer | null> {
    const chunk = this.queue.shift();
    if (chunk !== undefined) {
      this.queuedBytes -= chunk.length;
      if (this.controller.paused && this.queuedBytes < HIGH_WATER_BYTES) this.controller.resume();
      return Promise.resolve(chunk);
    }
    if (this.state === 'ended') return Promise.resolve(null);
    if (this.state === 'failed') return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.reader = { resolve, reject };
    });
  }

  /** The whole body as UTF-8 text; rejects with UpstreamBodyTooLarge past `maxBytes`. */
  text(maxBytes = MAX_WHOLE_BODY_BYTES): Promise<string> {
    if (this.queuedBytes > maxBytes) {
      const tooLarge = new UpstreamBodyTooLarge(maxBytes);
      this.destroy(tooLarge);
      return Promise.reject(tooLarge);
    }
    if (this.state === 'ended') return Promise.resolve(this.drainText());
    if (this.state === 'failed') return Promise.reject(this.failure);
    this.collectLimit = maxBytes;
    // Read to the end: nothing waits for room any more.
    if (this.controller.paused) this.controller.resume();
    return new Promise((resolve, reject) => {
      this.collector = { resolve, reject };
    });
  }

  /** Stops reading: the upstream connection is dropped unless the body already ended. */
  destroy(reason: Error = new Error('upstream body discarded')): void {
    if (this.state !== 'open') {
      this.queue = [];
      return;
    }
    this.fail(reason);
    this.controller.abort(reason);
  }

  /** From the dispatch handler: one chunk as it came off the socket. */
  push(chunk: Buffer): void {
    if (this.state !== 'open') return;
    const reader = this.reader;
    if (reader !== undefined) {
      this.reader = undefined;
      reader.resolve(chunk);
      return;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.collector === undefined) {
      if (this.queuedBytes >= HIGH_WATER_BYTES) this.controller.pause();
    } else if (this.queuedBytes > this.collectLimit) {
      this.destroy(new UpstreamBodyTooLarge(this.collectLimit));
    }
  }

  /** From the dispatch handler: the body is complete. */
  end(): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    const { reader, collector } = this;
    this.reader = this.collector = undefined;
    reader?.resolve(null);
    collector?.resolve(this.drainText());
  }

  /** From the dispatch handler, or destroy(): the body broke off. Chunks not read yet are dropped. */
  fail(err: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.failure = err;
    this.queue = [];
    this.queuedBytes = 0;
    const { reader, collector } = this;
    this.reader = this.collector = undefined;
    reader?.reject(err);
    collector?.reject(err);
  }

  private drainText(): string {
    const chunks = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  }
}

/**
 * Sends one request; resolves with the response once its headers arrived,
 * rejects with undici's error (or the signal's reason) when none came. The
 * signal aborts the call at any point, the body's reading included.
 */
export function dispatchUpstream(pool: Dispatcher, options: Dispatcher.DispatchOptions, signal: CancelSignal): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    pool.dispatch(options, new UpstreamCall(signal, resolve, reject));
  });
}

class UpstreamCall implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private body: UpstreamBody | undefined;

  constructor(
    private readonly signal: CancelSignal,
    private resolve: ((response: UpstreamResponse) => void) | undefined,
    private readonly reject: (err: unknown) => void,
  ) {
    signal.addEventListener('abort', this.onAbort);
  }

  // undici calls this again when it retries the request on another connection.
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal.aborted) controller.abort(this.abortReason());
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: UpstreamHeaders): void {
    if (statusCode < 200 || this.resolve === undefined) return; // 1xx: the answer is still to come
    const resolve = this.resolve;
    this.resolve = undefined;
    this.body = new UpstreamBody(controller);
    resolve({ statusCode, headers, body: this.body });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body?.push(chunk);
  }

  onResponseEnd(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.body?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.signal.removeEventListener('abort', this.onAbort);
    if (this.body !== undefined) this.body.fail(err);
    else this.reject(err);
  }

  private readonly onAbort = (): void => {
    const reason = this.abortReason();
    // The reader learns why; undici then reports the same reason to onResponseError, which finds the body failed already.
    this.body?.fail(reason);
    // Not connected yet: onRequestStart aborts once it is.
    this.controller?.abort(reason);
  };

  private abortReason(): Error {
    const reason = this.signal.reason;
    return reason instanceof Error ? reason : new Error('upstream call aborted', { cause: reason });
  }
}
