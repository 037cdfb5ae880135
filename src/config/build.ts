// Validated YAML → the `Config` the rest of the gateway reads. Decisions that
// depend on more than one key live here: the provider of each deployment, where
// its key comes from, and which of two overlapping settings wins.

import { PROVIDERS, providerInfo } from '../providers/provider-table.js';
import type { Diagnostics } from './diagnostics.js';
import { parseLitellmModel, type ModelTarget } from './litellm-model.js';
import { formatPath, type PathSegment, type SourceMap } from './positions.js';
import { referenceAt, type EnvReference } from './resolve-env.js';
import type { ParsedConfig, ParsedDeployment } from './schema.js';
import type { Config, DeploymentConfig, FallbackMap, GeneralSettings, LitellmSettings, RedisSettings, RouterSettings, Secret, SourcePosition } from './types.js';

export interface BuildContext {
  source: SourceMap;
  diagnostics: Diagnostics;
  env: NodeJS.ProcessEnv;
  references: readonly EnvReference[];
}

/** `model_list[i].litellm_params.api_key`: an unset variable there is a per-deployment problem, not a start-up one. */
export function isDeploymentApiKey(path: readonly PathSegment[]): boolean {
  return path.length === 4 && path[0] === 'model_list' && typeof path[1] === 'number' && path[2] === 'litellm_params' && path[3] === 'api_key';
}

export function buildConfig(parsed: ParsedConfig, context: BuildContext): Omit<Config, 'file' | 'warnings'> {
  const deployments = (parsed.model_list ?? []).map((item, index) => buildDeployment(item, index, context));
  if (deployments.length === 0) {
    context.diagnostics.warn('empty_model_list', context.source.at(['model_list']), 'model_list has no entries; every request will fail with model_not_found');
  }
  return {
    deployments,
    litellmSettings: buildLitellmSettings(parsed, context),
    routerSettings: buildRouterSettings(parsed, context),
    generalSettings: buildGeneralSettings(parsed, context),
  };
}

function buildDeployment(item: ParsedDeployment, index: number, context: BuildContext): DeploymentConfig {
  const { source, diagnostics } = context;
  const params = item.litellm_params;
  const paramsPath = ['model_list', index, 'litellm_params'];
  const target = parseLitellmModel(params.model, params.custom_llm_provider);

  if (!target.supported) {
    const key = params.custom_llm_provider === undefined ? 'model' : 'custom_llm_provider';
    diagnostics.warn('unsupported_provider', source.at([...paramsPath, key]),
      `${formatPath([...paramsPath, key])}: provider "${target.provider}" is not supported by Switchyard (supported: ${Object.keys(PROVIDERS).join(', ')}); `
      + `requests to "${item.model_name}" will fail with provider_not_supported`);
  }
  const info = providerInfo(target.provider);
  if (info !== undefined && info.family !== 'mock' && info.defaultApiBase === undefined && params.api_base === undefined) {
    diagnostics.warn('api_base_missing', source.at([...paramsPath, 'model']),
      `${formatPath(paramsPath)}: provider "${target.provider}" has no default address; add api_base or requests to "${item.model_name}" cannot be sent`);
  }

  return {
    id: item.model_info?.id ?? `${item.model_name}#${index}`,
    modelName: item.model_name,
    index,
    litellmModel: params.model,
    provider: target.provider,
    upstreamModel: target.upstreamModel,
    apiBase: params.api_base,
    ...resolveApiKey(item, index, target, context),
    rpm: params.rpm,
    tpm: params.tpm,
    timeout: params.timeout,
    streamTimeout: params.stream_timeout,
    maxRetries: params.max_retries,
    maxParallelRequests: params.max_parallel_requests,
    weight: params.weight,
    order: params.order,
    mockResponse: params.mock_response,
    extraHeaders: params.extra_headers ?? {},
    modelInfo: definedEntries(item.model_info ?? {}),
    position: source.at(['model_list', index]),
  };
}

/**
 * Where the deployment's key comes from: `api_key` (a reference or inline), else
 * the provider's usual variable, as in LiteLLM. A key that should be there and
 * is not becomes `apiKeyMissing` plus a warning: the gateway still starts, and
 * only this deployment answers `env_var_not_set`.
 */
function resolveApiKey(item: ParsedDeployment, index: number, target: ModelTarget, context: BuildContext): Pick<DeploymentConfig, 'apiKey' | 'apiKeyMissing'> {
  const { source, diagnostics, env } = context;
  const params = item.litellm_params;
  const keyPath = ['model_list', index, 'litellm_params', 'api_key'];
  const until = `requests to "${item.model_name}" will fail until it is set`;

  const reference = referenceAt(context.references, keyPath);
  if (reference !== undefined) {
    const value = params.api_key;
    if (value?.trim()) return { apiKey: secret(value, { kind: 'env', name: reference.name }, reference.position, context), apiKeyMissing: undefined };
    const state = reference.state === 'unset' ? 'is not set' : 'is empty';
    diagnostics.warn('env_var_not_set', reference.position, `${formatPath(keyPath)}: environment variable ${reference.name} ${state}; ${until}`);
    return { apiKey: undefined, apiKeyMissing: { name: reference.name, position: reference.position } };
  }
  // An empty inline key means "no key" in LiteLLM too, which then tries the default variable.
  if (params.api_key?.trim()) return { apiKey: secret(params.api_key, { kind: 'inline' }, source.at(keyPath), context), apiKeyMissing: undefined };

  const info = providerInfo(target.provider);
  const name = info?.apiKeyEnv;
  if (info === undefined || name === undefined) return { apiKey: undefined, apiKeyMissing: undefined };
  const value = env[name];
  if (value?.trim()) return { apiKey: secret(value, { kind: 'default-env', name }, undefined, context), apiKeyMissing: undefined };
  // A custom api_base on a key-requiring provider (`openai/` + a local server) may
  // well need no key; if it does, the upstream's 401 will say so.
  const defaultEndpoint = params.api_base === undefined || params.api_base === info.defaultApiBase;
  if (!info.requiresKey || !defaultEndpoint) return { apiKey: undefined, apiKeyMissing: undefined };
  const position = source.at(['model_list', index, 'litellm_params', 'model']);
  const state = value === undefined ? 'is not set' : 'is empty';
  diagnostics.warn('env_var_not_set', position, `${formatPath(['model_list', index, 'litellm_params'])}: no api_key given, and ${name} (the ${target.provider} default) ${state}; ${until}`);
  return { apiKey: undefined, apiKeyMissing: { name, position } };
}

/** Keys pasted with a trailing newline or space are a classic; send them trimmed and say so. */
function secret(value: string, from: Secret['source'], position: SourcePosition | undefined, context: BuildContext): Secret {
  const trimmed = value.trim();
  if (trimmed !== value) {
    const what = from.kind === 'inline' ? 'the inline api_key' : `the value of ${from.name}`;
    context.diagnostics.warn('api_key_whitespace', position, `${what} has leading or trailing whitespace; it is sent trimmed`);
  }
  return { value: trimmed, source: from };
}

// Keys LiteLLM reads from both sections: the router_settings value wins, and the
// litellm_settings one is reported as overridden rather than silently ignored.
const SHARED_KEYS = ['fallbacks', 'context_window_fallbacks', 'content_policy_fallbacks', 'num_retries', 'allowed_fails', 'cooldown_time'] as const;

function warnOverridden(parsed: ParsedConfig, context: BuildContext): void {
  for (const key of SHARED_KEYS) {
    if (parsed.router_settings?.[key] !== undefined && parsed.litellm_settings?.[key] !== undefined) {
      context.diagnostics.warn('overridden_key', context.source.keyAt(['litellm_settings', key]),
        `litellm_settings.${key} has no effect: router_settings.${key} is also set and wins, as in LiteLLM`);
    }
  }
}

function buildLitellmSettings(parsed: ParsedConfig, context: BuildContext): LitellmSettings {
  const settings = parsed.litellm_settings;
  const router = parsed.router_settings;
  warnOverridden(parsed, context);
  const fallbacks = (key: 'fallbacks' | 'context_window_fallbacks' | 'content_policy_fallbacks'): FallbackMap => router?.[key] ?? settings?.[key] ?? [];
  return {
    dropParams: settings?.drop_params ?? false,
    numRetries: settings?.num_retries,
    requestTimeout: settings?.request_timeout,
    fallbacks: fallbacks('fallbacks'),
    contextWindowFallbacks: fallbacks('context_window_fallbacks'),
    contentPolicyFallbacks: fallbacks('content_policy_fallbacks'),
    allowedFails: settings?.allowed_fails,
    cooldownTime: settings?.cooldown_time,
    raw: definedEntries(settings ?? {}),
  };
}

/**
 * Effective router values: LiteLLM's Router falls back to the module-wide
 * `litellm_settings` values (`request_timeout` for `timeout`) when
 * router_settings leaves them out, so the router reads one place.
 */
function buildRouterSettings(parsed: ParsedConfig, context: BuildContext): RouterSettings {
  const router = parsed.router_settings;
  const settings = parsed.litellm_settings;
  return {
    routingStrategy: router?.routing_strategy ?? 'simple-shuffle',
    numRetries: router?.num_retries ?? settings?.num_retries,
    timeout: router?.timeout ?? settings?.request_timeout,
    allowedFails: router?.allowed_fails ?? settings?.allowed_fails,
    cooldownTime: router?.cooldown_time ?? settings?.cooldown_time,
    retryAfter: router?.retry_after,
    disableCooldowns: router?.disable_cooldowns ?? false,
    queueWaitSeconds: router?.queue_wait_seconds,
    maxQueueSize: router?.max_queue_size,
    lowestLatencyBuffer: router?.routing_strategy_args?.lowest_latency_buffer,
    redis: buildRedis(parsed, context),
    raw: definedEntries(router ?? {}),
  };
}

const REDIS_ENV = ['REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD', 'REDIS_URL'] as const;

/** From router_settings.redis_*, completed from REDIS_* variables; absent when neither mentions Redis. */
function buildRedis(parsed: ParsedConfig, context: BuildContext): RedisSettings | undefined {
  const { env, diagnostics } = context;
  const router = definedEntries(parsed.router_settings ?? {});
  const inFile = Object.keys(router).some((key) => key.startsWith('redis_'));
  const inEnv = REDIS_ENV.some((name) => env[name]);
  if (!inFile && !inEnv) return undefined;

  let envPort: number | undefined;
  if (env.REDIS_PORT) {
    envPort = Number(env.REDIS_PORT);
    if (!Number.isInteger(envPort) || envPort < 1 || envPort > 65535) {
      diagnostics.warn('env_var_invalid', undefined, 'REDIS_PORT is not a port number (1-65535); it is ignored');
      envPort = undefined;
    }
  }
  return {
    host: parsed.router_settings?.redis_host ?? (env.REDIS_HOST || undefined),
    port: parsed.router_settings?.redis_port ?? envPort,
    password: parsed.router_settings?.redis_password ?? (env.REDIS_PASSWORD || undefined),
    url: parsed.router_settings?.redis_url ?? (env.REDIS_URL || undefined),
  };
}

/**
 * `master_key`, else LITELLM_MASTER_KEY as in LiteLLM. Unset or empty references
 * and an empty inline key never reach here: they stop start-up earlier.
 */
function buildGeneralSettings(parsed: ParsedConfig, context: BuildContext): GeneralSettings {
  const settings = parsed.general_settings;
  const raw = definedEntries(settings ?? {});
  const configured = settings?.master_key;
  if (configured !== undefined) {
    const reference = referenceAt(context.references, ['general_settings', 'master_key']);
    return { masterKey: { value: configured, source: reference ? { kind: 'env', name: reference.name } : { kind: 'inline' } }, raw };
  }
  const fromEnv = context.env.LITELLM_MASTER_KEY;
  if (fromEnv === '') {
    context.diagnostics.warn('env_var_not_set', undefined, 'LITELLM_MASTER_KEY is empty, so the gateway runs without a master key');
  }
  return { masterKey: fromEnv ? { value: fromEnv, source: { kind: 'default-env', name: 'LITELLM_MASTER_KEY' } } : undefined, raw };
}

/** Drops keys whose value is undefined (absent in the file) so `raw` shows what was written. */
function definedEntries<T extends object>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));
}
