import { GatewayError } from '../../errors/gateway-error.js';
import type { UpstreamResponse } from '../upstream-response.js';
import { UpstreamClient, type UpstreamOptions } from '../upstream-client.js';
import type { ChatCall, ChatStream, Completion, ProviderAdapter } from '../types.js';
import { classifyUpstreamError, type TimeoutSetting } from '../upstream-error.js';
import { normalizeCompletion } from './normalize.js';
import { spliceModel } from '../splice-model.js';
import { StreamPump } from '../stream-pump.js';
import { StreamRelay } from './stream-relay.js';

const MAX_LISTED_MODELS = 500;
const HEALTH_TIMEOUT: TimeoutSetting = { seconds: 10, key: undefined };

export type OpenAICompatibleOptions = UpstreamOptions;

/** Groq, OpenAI, OpenRouter, Ollama, vLLM and any server speaking OpenAI's chat API. */
export class OpenAICompatibleAdapter implements ProviderAdapter {
  private readonly client: UpstreamClient;
  private readonly path: string;
  private readonly modelsPath: string;
  private readonly totalTimeout: TimeoutSetting;
  private readonly streamTimeout: TimeoutSetting;

  constructor(private readonly options: OpenAICompatibleOptions) {
    const url = new URL(options.apiBase.replace(/\/+$/, '') + '/chat/completions');
    this.path = url.pathname + url.search;
    this.totalTimeout = { seconds: options.timeout, key: 'litellm_params.timeout' };
    this.streamTimeout = { seconds: options.streamTimeout, key: 'litellm_params.stream_timeout' };
    this.modelsPath = url.pathname.replace(/\/chat\/completions$/, '/models');
    // Computed once: the hot path only spreads nothing and sends.
    this.client = new UpstreamClient(url.origin, {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      ...options.extraHeaders,
    }, options.context);
  }

  async complete(call: ChatCall): Promise<Completion> {
    const response = await this.send(call, this.totalTimeout);
    const body = await this.client.json(response, this.totalTimeout);
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { choices?: unknown }).choices)) {
      throw this.client.invalidResponse('JSON without `choices`; is api_base an OpenAI-compatible endpoint (usually ending in /v1)?');
    }
    return { body: normalizeCompletion(body as Record<string, unknown>), headers: response.headers };
  }

  async openStream(call: ChatCall): Promise<ChatStream> {
    const response = await this.send(call, this.streamTimeout);
    await this.client.expectEventStream(response, this.streamTimeout);
    const ctx = this.options.context;
    // Captured alone: a closure over `call` would keep the parsed request body alive until the stream ends.
    const { includeUsage } = call;
    const pump = new StreamPump(response, (sink) => new StreamRelay(sink, includeUsage, ctx), ctx, this.streamTimeout);
    await pump.prime();
    return { headers: response.headers, usage: () => pump.usage(), pipe: (sink) => pump.pipe(sink) };
  }

  /** Lists the upstream's models (costs no tokens) and looks for ours. */
  async checkHealth(upstreamModel: string, signal: AbortSignal): Promise<void> {
    const ctx = this.options.context;
    const response = await this.client.request('GET', this.modelsPath, undefined, signal, HEALTH_TIMEOUT);
    const text = await this.client.text(response, HEALTH_TIMEOUT);
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

  private send(call: ChatCall, timeout: TimeoutSetting): Promise<UpstreamResponse> {
    const body = this.options.prepareBody ? this.options.prepareBody(call.body) : call.body;
    const unchanged = body === call.body && call.rawBody !== undefined;
    const payload = (unchanged && spliceModel(call.rawBody!, call.upstreamModel)) || JSON.stringify({ ...body, model: call.upstreamModel });
    return this.client.request('POST', this.path, payload, call.signal, timeout);
  }
}
