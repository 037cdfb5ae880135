import type { Config } from '../config/types.js';
import { GatewayError } from '../errors/gateway-error.js';
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
    const deployment = this.strategy.pick(group);
    if (deployment.adapter instanceof GatewayError) throw deployment.adapter;
    const result = await invoke(deployment.adapter, {
      body,
      upstreamModel: deployment.upstreamModel,
      stream,
      includeUsage: stream && body.stream_options?.include_usage === true,
      signal: ctx.signal,
      requestId: ctx.requestId,
    });
    return { result, deployment, attempts: 1 };
  }
}
