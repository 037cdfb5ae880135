// Test helper (imported only by the *.test.ts files beside it): fabricated
// deployments, statistics and pick contexts for the strategy tests.
import type { DeploymentConfig } from '../../config/types.js';
import type { ProviderAdapter } from '../../providers/types.js';
import type { DeploymentStats } from '../../state/store.js';
import type { Deployment } from '../deployment.js';
import type { PickContext } from '../strategy.js';

const notCalled = (): never => {
  throw new Error('strategy tests never call the adapter');
};
const adapter: ProviderAdapter = { complete: notCalled, openStream: notCalled, checkHealth: notCalled };

type Limits = Partial<Pick<DeploymentConfig, 'rpm' | 'tpm' | 'weight' | 'order'>>;

/** A deployment `id` of alias `test-model` with the given limits/weight/order. */
export function deployment(id: string, limits: Limits = {}): Deployment {
  const config: DeploymentConfig = {
    id,
    modelName: 'test-model',
    index: 0,
    litellmModel: 'mock/test-model',
    provider: 'mock',
    upstreamModel: 'test-model',
    apiBase: undefined,
    apiKey: undefined,
    apiKeyMissing: undefined,
    rpm: limits.rpm,
    tpm: limits.tpm,
    timeout: undefined,
    streamTimeout: undefined,
    maxRetries: undefined,
    maxParallelRequests: undefined,
    weight: limits.weight,
    order: limits.order,
    mockResponse: undefined,
    extraHeaders: {},
    modelInfo: {},
    position: undefined,
  };
  return { id, alias: 'test-model', provider: 'mock', upstreamModel: 'test-model', config, contextWindow: undefined, adapter };
}

/** Statistics with zero use and no latency unless given. */
export function stats(partial: Partial<DeploymentStats> = {}): DeploymentStats {
  return { inFlight: 0, latencyMs: undefined, requestsThisMinute: 0, tokensThisMinute: 0, ...partial };
}

/** A pick context; `random` is fixed (default 0: the first of any random choice). */
export function context(byId: Record<string, Partial<DeploymentStats>>, options: { estimatedTokens?: number; random?: number } = {}): PickContext {
  const fixed = options.random ?? 0;
  return {
    stats: new Map(Object.entries(byId).map(([id, s]) => [id, stats(s)])),
    estimatedTokens: options.estimatedTokens ?? 0,
    random: () => fixed,
  };
}

/** The ids `pick` returns over the given fixed random values (to see every tie member). */
export function picksOver(pick: (ctx: PickContext) => Deployment, ctx: PickContext, randoms: readonly number[] = [0, 0.25, 0.5, 0.75, 0.999]): string[] {
  return [...new Set(randoms.map((r) => pick({ ...ctx, random: () => r }).id))].sort();
}
