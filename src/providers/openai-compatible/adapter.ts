import type { Dispatcher } from 'undici';
import { GatewayError } from '../../errors/gateway-error.js';
import { poolFor } from '../upstream-pool.js';
import type { ChatBody, ChatCall, ChatStream, Completion, ProviderAdapter } from '../types.js';
import { classifyNetworkError, classifyUpstreamError, type TimeoutSetting, type UpstreamContext } from '../upstream-error.js';
import { normalizeCompletion } from './normalize.js';
import { spliceModel } from '../splice-model.js';
import { StreamPump } from '../stream-pump.js';
import { StreamRelay } from './stream-relay.js';

const MAX_LISTED_MODELS = 500;
const HEALTH_TIMEOUT: TimeoutSetting = { seconds: 10, key: undefined };

export interface OpenAICompatibleOptions {
  context: UpstreamContext;
  /** e.g. `https://api.groq.com/openai/v1` */
  apiBase: string;
  /** Already resolved; `undefined` for keyless servers (Ollama). */
  apiKey: string | undefined;
  extraHeaders: Record<string, string>;
  /** Seconds to wait for a non-streaming answer. */
  timeout: number;
  /** Seconds to wait for a stream's headers and between its chunks. */
  streamTimeout: number;
  /** Drops or refuses parameters this provider rejects (see param-policy.ts); throws a GatewayError. */
  prepareBody: ((body: ChatBody) => ChatBody) | undefined;
}

/** Groq, OpenAI, OpenRouter, Ollama, vLLM and any server speaking OpenAI's chat API. */
export class OpenAICompatibleAdapter implements ProviderAdapter {
  private readonly pool: Dispatcher;
  private readonly path: string;
  private readonly modelsPath: string;
  private readonly headers: Record<string, string>;
  private readonly totalTimeout: TimeoutSetting;
  private readonly streamTimeout: TimeoutSetting;

  constructor(private readonly options: OpenAICompatibleOptions) {
    const url = new URL(options.apiBase.replace(/\/+$/, '') + '/chat/completions');
    this.pool = poolFor(url.origin);
    this.path = url.pathname + url.search;
    this.totalTimeout = { seconds: options.timeout, key: 'litellm_params.timeout' };
    this.streamTimeout = { seconds: options.streamTimeout, key: 'litellm_params.stream_timeout' };
    this.modelsPath = url.pathname.replace(/\/chat\/completions$/, '/models');
    // Computed once: the hot path only spreads nothing and sends.
    this.headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      ...options.extraHeaders,
    };
  }

  async complete(call: ChatCall): Promise<Completion> {
    const response = await this.send(call, this.totalTimeout);
    const text = await this.readBody(response, this.totalTimeout);
    if (response.statusCode >= 300) throw classifyUpstreamError(response.statusCode, text, response.headers, this.options.context);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.invalidResponse(`a body that is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    }
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { choices?: unknown }).choices)) {
      throw this.invalidResponse('JSON without `choices`; is api_base an OpenAI-compatible endpoint (usually ending in /v1)?');
    }
    return { body: normalizeCompletion(body as Record<string, unknown>), headers: response.headers };
  }

  async openStream(call: ChatCall): Promise<ChatStream> {
    const response = await this.send(call, this.streamTimeout);
    if (response.statusCode >= 300) {
      const text = await this.readBody(response, this.streamTimeout);
      throw classifyUpstreamError(response.statusCode, text, response.headers, this.options.context);
    }
    const contentType = String(response.headers['content-type'] ?? '');
    if (!contentType.includes('text/event-stream')) {
      const text = await this.readBody(response, this.streamTimeout);
      throw this.invalidResponse(`"${contentType || 'no content-type'}" instead of an event stream: ${JSON.stringify(text.slice(0, 80))}`);
    }
    const pump = new StreamPump(response, (sink) => new StreamRelay(sink, call.includeUsage, this.options.context), this.options.context, this.streamTimeout);
    await pump.prime();
    return { headers: response.headers, usage: () => pump.usage(), pipe: (sink) => pump.pipe(sink) };
  }

  /** Lists the upstream's models (costs no tokens) and looks for ours. */
  async checkHealth(upstreamModel: string, signal: AbortSignal): Promise<void> {
    const ctx = this.options.context;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({ method: 'GET', path: this.modelsPath, headers: this.headers, signal, headersTimeout: HEALTH_TIMEOUT.seconds * 1000, bodyTimeout: HEALTH_TIMEOUT.seconds * 1000 });
    } catch (err) {
      throw this.networkError(err, signal, HEALTH_TIMEOUT);
    }
    const text = await this.readBody(response, HEALTH_TIMEOUT);
    if (response.statusCode >= 300) throw classifyUpstreamError(response.statusCode, text, response.headers, ctx);
    let ids: unknown[] | undefined;
    try {
      const data = (JSON.parse(text) as { data?: Array<{ id?: unknown }> }).data;
      ids = Array.isArray(data) ? data.map((m) => m?.id) : undefined;
    } catch {
      ids = undefined; // some compatible servers have no model list; reachability and the key were proven
    }
    if (ids !== undefined && ids.length > 0 && !ids.includes(upstreamModel)) {
      // The list lets callers (doctor) suggest the id that was probably meant.
      const available = ids.filter((id): id is string => typeof id === 'string').slice(0, MAX_LISTED_MODELS);
      throw new GatewayError('upstream_model_unavailable', `${ctx.provider} at ${ctx.host} does not list "${upstreamModel}" among its ${ids.length} models.`, {
        details: { provider: ctx.provider, deployment: ctx.deploymentId, model: upstreamModel, available_models: available },
      });
    }
  }

  private async send(call: ChatCall, timeout: TimeoutSetting): Promise<Dispatcher.ResponseData> {
    const body = this.options.prepareBody ? this.options.prepareBody(call.body) : call.body;
    const unchanged = body === call.body && call.rawBody !== undefined;
    const payload = (unchanged && spliceModel(call.rawBody!, call.upstreamModel)) || JSON.stringify({ ...body, model: call.upstreamModel });
    try {
      return await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: this.headers,
        body: payload,
        signal: call.signal,
        headersTimeout: timeout.seconds * 1000,
        bodyTimeout: timeout.seconds * 1000,
      });
    } catch (err) {
      throw this.networkError(err, call.signal, timeout);
    }
  }

  private async readBody(response: Dispatcher.ResponseData, timeout: TimeoutSetting): Promise<string> {
    try {
      return await response.body.text();
    } catch (err) {
      throw classifyNetworkError(err, this.options.context, timeout);
    }
  }

  private networkError(err: unknown, signal: AbortSignal, timeout: TimeoutSetting): unknown {
    // The client left: nothing to classify, the server drops the request.
    if (signal.aborted) return signal.reason ?? err;
    return classifyNetworkError(err, this.options.context, timeout);
  }

  private invalidResponse(what: string): GatewayError {
    const ctx = this.options.context;
    return new GatewayError('upstream_invalid_response', `${ctx.provider} at ${ctx.host} answered with ${what}.`, {
      details: { provider: ctx.provider, deployment: ctx.deploymentId, model: ctx.upstreamModel },
    });
  }
}
