import { GatewayError } from '../../errors/gateway-error.js';
import { StreamPump } from '../stream-pump.js';
import type { ChatCall, ChatStream, Completion, ProviderAdapter } from '../types.js';
import type { UpstreamResponse } from '../upstream-response.js';
import { UpstreamClient, type UpstreamOptions } from '../upstream-client.js';
import { classifyUpstreamError, type TimeoutSetting } from '../upstream-error.js';
import { defaultMaxTokens } from './models.js';
import { toAnthropicRequest, type AnthropicRequest } from './request.js';
import { isAnthropicMessage, toChatCompletion } from './response.js';
import { AnthropicStreamRelay } from './stream-relay.js';

/** The API version every current SDK sends; it fixes the wire format this adapter speaks. */
const ANTHROPIC_VERSION = '2023-06-01';
const HEALTH_TIMEOUT: TimeoutSetting = { seconds: 10, key: undefined };
/** The models endpoint pages by 20 unless told otherwise; 1,000 is its maximum. */
const MODEL_LIST_LIMIT = 1000;

export interface AnthropicOptions extends UpstreamOptions {
  /** `model_info.max_output_tokens`: the `max_tokens` default, over the built-in table. */
  maxOutputTokens: number | undefined;
}

/** LiteLLM users give the root; people who copied a curl line give `/v1` or `/v1/messages`. All mean the same. */
export function anthropicEndpoints(apiBase: string): { messages: URL; models: URL } {
  const root = apiBase.replace(/\/+$/, '').replace(/\/v1\/messages$/, '').replace(/\/v1$/, '');
  return { messages: new URL(`${root}/v1/messages`), models: new URL(`${root}/v1/models`) };
}

/** Claude models through Anthropic's Messages API, behind OpenAI's chat API. */
export class AnthropicAdapter implements ProviderAdapter {
  private readonly client: UpstreamClient;
  private readonly messagesPath: string;
  private readonly modelsPath: string;
  private readonly totalTimeout: TimeoutSetting;
  private readonly streamTimeout: TimeoutSetting;

  constructor(private readonly options: AnthropicOptions) {
    const { messages, models } = anthropicEndpoints(options.apiBase);
    this.messagesPath = messages.pathname + messages.search;
    this.modelsPath = models.pathname;
    this.totalTimeout = { seconds: options.timeout, key: 'litellm_params.timeout' };
    this.streamTimeout = { seconds: options.streamTimeout, key: 'litellm_params.stream_timeout' };
    this.client = new UpstreamClient(messages.origin, {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'anthropic-version': ANTHROPIC_VERSION,
      ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      ...options.extraHeaders,
    }, options.context);
  }

  async complete(call: ChatCall): Promise<Completion> {
    const request = this.translate(call, false);
    const response = await this.send(request, call, this.totalTimeout);
    const message = await this.client.json(response, this.totalTimeout);
    if (!isAnthropicMessage(message)) {
      throw this.client.invalidResponse('JSON that is not a message (no `content` array); is api_base an Anthropic Messages API endpoint?');
    }
    return { body: toChatCompletion(message, request.jsonTool, Math.floor(Date.now() / 1000)), headers: response.headers };
  }

  async openStream(call: ChatCall): Promise<ChatStream> {
    const request = this.translate(call, true);
    const response = await this.send(request, call, this.streamTimeout);
    await this.client.expectEventStream(response, this.streamTimeout);
    const ctx = this.options.context;
    // Captured alone: a closure over `call` or `request` would keep both request bodies alive until the stream ends.
    const { includeUsage } = call;
    const { jsonTool } = request;
    const pump = new StreamPump(response, (sink) => new AnthropicStreamRelay(sink, includeUsage, ctx, jsonTool), ctx, this.streamTimeout);
    await pump.prime();
    return { headers: response.headers, usage: () => pump.usage(), pipe: (sink) => pump.pipe(sink) };
  }

  /**
   * Retrieves the model (costs no tokens; resolves aliases such as
   * `claude-sonnet-4-5`), proving the address and the key. When the model is
   * unknown, the list says which ones this key can use.
   */
  async checkHealth(upstreamModel: string, signal: AbortSignal): Promise<void> {
    const ctx = this.options.context;
    const response = await this.get(`${this.modelsPath}/${encodeURIComponent(upstreamModel)}`, signal);
    const text = await this.client.text(response, HEALTH_TIMEOUT);
    if (response.statusCode < 300) return;
    if (response.statusCode !== 404) throw classifyUpstreamError(response.statusCode, text, response.headers, ctx);
    const available = await this.listModels(signal);
    throw new GatewayError('upstream_model_unavailable', `${ctx.provider} at ${ctx.host} does not serve "${upstreamModel}" to this key${available.length > 0 ? ` (it lists ${available.length} models)` : ''}.`, {
      details: { provider: ctx.provider, deployment: ctx.deploymentId, model: upstreamModel, upstream_status: 404, available_models: available },
    });
  }

  private async listModels(signal: AbortSignal): Promise<string[]> {
    try {
      const response = await this.get(`${this.modelsPath}?limit=${MODEL_LIST_LIMIT}`, signal);
      const text = await this.client.text(response, HEALTH_TIMEOUT);
      if (response.statusCode >= 300) return [];
      const data = (JSON.parse(text) as { data?: Array<{ id?: unknown }> }).data;
      return Array.isArray(data) ? data.map((m) => m?.id).filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return []; // only a suggestion; the 404 already said what matters
    }
  }

  private translate(call: ChatCall, stream: boolean): AnthropicRequest {
    const body = this.options.prepareBody ? this.options.prepareBody(call.body) : call.body;
    return toAnthropicRequest(body, {
      model: call.upstreamModel,
      stream,
      defaultMaxTokens: defaultMaxTokens(call.upstreamModel, stream, this.options.maxOutputTokens),
    });
  }

  private send(request: AnthropicRequest, call: ChatCall, timeout: TimeoutSetting): Promise<UpstreamResponse> {
    return this.client.request('POST', this.messagesPath, JSON.stringify(request.body), call.signal, timeout);
  }

  private get(path: string, signal: AbortSignal): Promise<UpstreamResponse> {
    return this.client.request('GET', path, undefined, signal, HEALTH_TIMEOUT);
  }
}
