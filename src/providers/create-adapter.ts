import type { DeploymentConfig, Secret } from '../config/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { AnthropicAdapter } from './anthropic/adapter.js';
import { cacheControlPolicy } from './cache-control.js';
import { MockAdapter } from './mock/adapter.js';
import { paramPolicy } from './param-policy.js';
import { OpenAICompatibleAdapter } from './openai-compatible/adapter.js';
import { providerInfo, PROVIDERS } from './provider-table.js';
import type { ChatBody, ProviderAdapter } from './types.js';

export interface AdapterDefaults {
  /** Seconds; used when the deployment sets no `timeout`. */
  timeout: number;
  /** `litellm_settings.drop_params` */
  dropParams: boolean;
}

/**
 * Builds the adapter for one deployment at start-up. A deployment that cannot
 * work (unknown provider, key variable unset) gets an error instead, thrown
 * when it is chosen: the gateway still starts and serves the other aliases.
 */
export function createAdapter(
  deployment: DeploymentConfig,
  provider: string,
  upstreamModel: string,
  apiKey: Secret | undefined,
  defaults: AdapterDefaults,
): ProviderAdapter | GatewayError {
  const details = { provider, deployment: deployment.id, model: upstreamModel };
  if (deployment.mockResponse !== undefined) return new MockAdapter(deployment.mockResponse);
  const info = providerInfo(provider);
  if (info === undefined) {
    return new GatewayError('provider_not_supported',
      `Alias "${deployment.modelName}" uses provider "${provider}" (${deployment.litellmModel}), which this Switchyard version does not support. Supported: ${Object.keys(PROVIDERS).join(', ')}.`,
      { details });
  }
  if (info.family === 'mock') return new MockAdapter(undefined);

  const missing = deployment.apiKeyMissing;
  if (info.requiresKey && (apiKey === undefined || apiKey.value.trim() === '')) {
    const name = missing?.name ?? (apiKey?.source.kind !== 'inline' ? apiKey?.source.name : undefined) ?? info.apiKeyEnv ?? 'api_key';
    const where = missing?.position ? ` (${missing.position.file}:${missing.position.line})` : '';
    return new GatewayError('env_var_not_set',
      `Alias "${deployment.modelName}" → ${deployment.litellmModel} needs the environment variable ${name}${where}, which is not set or empty. Set it (or put it in .env) and restart Switchyard.`,
      { details: { ...details, env_var: name } });
  }
  const apiBase = withVersionSegment(provider, deployment.apiBase ?? info.defaultApiBase);
  if (apiBase === undefined) {
    return new GatewayError('provider_not_supported',
      `Alias "${deployment.modelName}" uses provider "${provider}", which has no default address: set litellm_params.api_base.`,
      { details });
  }
  const url = new URL(apiBase);
  const configured = deployment.modelInfo.max_output_tokens;
  const maxOutputTokens = typeof configured === 'number' && configured > 0 ? configured : undefined;
  const common = {
    apiBase,
    apiKey: apiKey?.value.trim(),
    extraHeaders: deployment.extraHeaders,
    timeout: deployment.timeout ?? defaults.timeout,
    streamTimeout: deployment.streamTimeout ?? deployment.timeout ?? defaults.timeout,
    prepareBody: pipeline(cacheControlPolicy(provider), paramPolicy(provider, defaults.dropParams, { upstreamModel, maxOutputTokens })),
    context: { alias: deployment.modelName, deploymentId: deployment.id, provider, upstreamModel, host: url.host, apiKey },
  };
  if (info.family === 'anthropic') return new AnthropicAdapter({ ...common, maxOutputTokens });
  return new OpenAICompatibleAdapter(common);
}

type BodyStep = (body: ChatBody) => ChatBody;

/**
 * The body-preparation steps a provider needs, run in order, or undefined when
 * it needs none (the OpenAI adapter then forwards the client's bytes as they came).
 */
function pipeline(...steps: Array<BodyStep | undefined>): BodyStep | undefined {
  const present = steps.filter((step): step is BodyStep => step !== undefined);
  if (present.length <= 1) return present[0];
  return (body) => {
    let current = body;
    for (const step of present) current = step(current);
    return current;
  };
}

/** LiteLLM configs give Ollama's root (`http://localhost:11434`); its OpenAI API lives under /v1. */
function withVersionSegment(provider: string, apiBase: string | undefined): string | undefined {
  if (apiBase === undefined || !provider.startsWith('ollama')) return apiBase;
  const trimmed = apiBase.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}
