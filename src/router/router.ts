import type { Config } from '../config/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { clearlyExceeds, estimatePromptTokens } from '../providers/context-window.js';
import type { ChatBody, ChatStream, Completion, ProviderAdapter } from '../providers/types.js';
import { closestMatch } from '../util/suggest.js';
import type { Deployment, ModelGroup } from './deployment.js';
import { ModelTable } from './model-table.js';
import { SimpleShuffle } from './strategies/simple-shuffle.js';
import type { RoutingStrategy } from './strategy.js';

/** What a call needs besides the body: identity and cancellation. */
export interface CallContext {
  requestId: string;
  signal: AbortSignal;
}

export interface Routed<T> {
  result: T;
  deployment: Deployment;
  /** Upstream calls made, including the successful one. */
  attempts: number;
}

/**
 * Resolves an alias to its deployment group and runs the call. The only place
 * that decides which deployment serves a request (and, as retries and
 * fallbacks arrive, whether to try again or elsewhere).
 */
function tooLong(deployment: Deployment, estimate: number, window: number, upstream?: GatewayError): GatewayError {
  const model = `${deployment.upstreamModel} (${deployment.provider}, alias "${deployment.alias}")`;
  const size = `about ${estimate.toLocaleString('en-US')} tokens (estimated)`;
  const windowText = `the ${window.toLocaleString('en-US')}-token context window of ${model}`;
  const what = upstream === undefined
    ? `The messages are ${size}, more than ${windowText}; refused before sending.`
    : `The provider refused the request as too long for ${windowText}; the messages are ${size}, and the requested max_tokens counts too.`;
  return new GatewayError('context_length_exceeded', `${what} Shorten or chunk them, or add a context_window_fallbacks entry to a larger-window alias.`, {
    param: 'messages',
    details: { ...upstream?.details, provider: deployment.provider, deployment: deployment.id, estimated_tokens: estimate, context_window: window },
  });
}

export class Router {
  readonly table: ModelTable;
  private readonly strategy: RoutingStrategy;

  constructor(config: Config, env: NodeJS.ProcessEnv = process.env) {
    this.table = new ModelTable(config, env);
    this.strategy = new SimpleShuffle();
  }

  resolve(model: string): ModelGroup {
    const group = this.table.resolve(model);
    if (group !== undefined) return group;
    const aliases = this.table.aliases();
    const guess = closestMatch(model, aliases);
    const didYouMean = guess === undefined ? '' : ` Did you mean "${guess}"?`;
    const listed = aliases.length === 0 ? 'No aliases are configured.' : `Configured aliases: ${aliases.join(', ')}.`;
    const patterns = this.table.wildcardPatterns();
    const wildcard = patterns.length === 0 ? '' : ` Wildcard patterns: ${patterns.join(', ')}.`;
    throw new GatewayError('model_not_found', `Model "${model}" is not configured in Switchyard.${didYouMean} ${listed}${wildcard}`, {
      param: 'model',
      details: { ...(guess === undefined ? {} : { suggestion: guess }), available_models: aliases },
    });
  }

  complete(body: ChatBody, ctx: CallContext): Promise<Routed<Completion>> {
    return this.call(body, ctx, false, (adapter, call) => adapter.complete(call));
  }

  openStream(body: ChatBody, ctx: CallContext): Promise<Routed<ChatStream>> {
    return this.call(body, ctx, true, (adapter, call) => adapter.openStream(call));
  }

  private async call<T>(
    body: ChatBody,
    ctx: CallContext,
    stream: boolean,
    invoke: (adapter: ProviderAdapter, call: Parameters<ProviderAdapter['complete']>[0]) => Promise<T>,
  ): Promise<Routed<T>> {
    const group = this.resolve(body.model);
    const deployment = this.strategy.pick(group.deployments, { stats: new Map(), estimatedTokens: 0, random: Math.random });
    if (deployment.adapter instanceof GatewayError) throw deployment.adapter;
    const window = deployment.contextWindow;
    const estimate = window === undefined ? undefined : estimatePromptTokens(body, window);
    if (window !== undefined && estimate !== undefined && clearlyExceeds(estimate, window)) throw tooLong(deployment, estimate, window);
    const result = await invoke(deployment.adapter, {
      body,
      upstreamModel: deployment.upstreamModel,
      stream,
      includeUsage: stream && body.stream_options?.include_usage === true,
      signal: ctx.signal,
      requestId: ctx.requestId,
    }).catch((err: unknown) => {
      // The provider counted: add what we know, so the message has the numbers.
      if (err instanceof GatewayError && err.code === 'context_length_exceeded' && window !== undefined) {
        throw tooLong(deployment, estimate ?? estimatePromptTokens(body, window), window, err);
      }
      throw err;
    });
    return { result, deployment, attempts: 1 };
  }
}
