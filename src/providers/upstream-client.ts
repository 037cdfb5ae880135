import type { Dispatcher } from 'undici';
import { GatewayError } from '../errors/gateway-error.js';
import type { CancelSignal } from '../util/cancel-signal.js';
import type { ChatBody } from './types.js';
import { poolFor } from './upstream-pool.js';
import { dispatchUpstream, UpstreamBodyTooLarge, type UpstreamResponse } from './upstream-response.js';
import { classifyNetworkError, classifyUpstreamError, type TimeoutSetting, type UpstreamContext } from './upstream-error.js';

/** What every HTTP adapter is built from (create-adapter.ts). */
export interface UpstreamOptions {
  context: UpstreamContext;
  /** `api_base`, e.g. `https://api.groq.com/openai/v1`. */
  apiBase: string;
  /** Already resolved; `undefined` for keyless servers (Ollama). */
  apiKey: string | undefined;
  /** `extra_headers`, sent with every call (e.g. `anthropic-beta`). */
  extraHeaders: Record<string, string>;
  /** Seconds to wait for a non-streaming answer. */
  timeout: number;
  /** Seconds to wait for a stream's headers and between its events. */
  streamTimeout: number;
  /** Drops or refuses what the provider cannot take (param-policy.ts); throws a GatewayError. */
  prepareBody: ((body: ChatBody) => ChatBody) | undefined;
}

/**
 * The HTTP half every adapter shares: one upstream origin, its fixed headers,
 * and the rule that every way a call can fail (no answer, an error status, a
 * body that is not what the API sends) becomes a catalog error naming where.
 * Adapters keep only their wire format.
 */
export class UpstreamClient {
  private readonly pool: Dispatcher;

  constructor(
    origin: string,
    private readonly headers: Record<string, string>,
    readonly context: UpstreamContext,
  ) {
    this.pool = poolFor(origin);
  }

  async request(method: 'GET' | 'POST', path: string, body: string | Buffer | undefined, signal: CancelSignal, timeout: TimeoutSetting): Promise<UpstreamResponse> {
    try {
      return await dispatchUpstream(this.pool, {
        method,
        path,
        headers: this.headers,
        body,
        headersTimeout: timeout.seconds * 1000,
        bodyTimeout: timeout.seconds * 1000,
      }, signal);
    } catch (err) {
      // The client left: nothing to classify, the server drops the request.
      if (signal.aborted) throw signal.reason ?? err;
      throw classifyNetworkError(err, this.context, timeout);
    }
  }

  /** The whole body as text; a failure while reading is a network failure. */
  async text(response: UpstreamResponse, timeout: TimeoutSetting): Promise<string> {
    try {
      return await response.body.text();
    } catch (err) {
      if (err instanceof UpstreamBodyTooLarge) throw this.invalidResponse(`a body larger than ${err.limitBytes / 1024 / 1024} MiB (the connection was dropped)`);
      throw classifyNetworkError(err, this.context, timeout);
    }
  }

  /** A successful answer's parsed JSON; an error status or a body that is not JSON throws the catalog error. */
  async json(response: UpstreamResponse, timeout: TimeoutSetting): Promise<unknown> {
    const text = await this.text(response, timeout);
    if (response.statusCode >= 300) throw classifyUpstreamError(response.statusCode, text, response.headers, this.context);
    try {
      return JSON.parse(text);
    } catch {
      throw this.invalidResponse(`a body that is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    }
  }

  /** Throws the catalog error unless the answer is a successful event stream. */
  async expectEventStream(response: UpstreamResponse, timeout: TimeoutSetting): Promise<void> {
    if (response.statusCode >= 300) {
      const text = await this.text(response, timeout);
      throw classifyUpstreamError(response.statusCode, text, response.headers, this.context);
    }
    const contentType = String(response.headers['content-type'] ?? '');
    if (!contentType.includes('text/event-stream')) {
      const text = await this.text(response, timeout);
      throw this.invalidResponse(`"${contentType || 'no content-type'}" instead of an event stream: ${JSON.stringify(text.slice(0, 80))}`);
    }
  }

  invalidResponse(what: string): GatewayError {
    const ctx = this.context;
    return new GatewayError('upstream_invalid_response', `${ctx.provider} at ${ctx.host} answered with ${what}.`, {
      details: { provider: ctx.provider, deployment: ctx.deploymentId, model: ctx.upstreamModel },
    });
  }
}
