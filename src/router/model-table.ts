import type { Config, DeploymentConfig, Secret } from '../config/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { createAdapter, type AdapterDefaults } from '../providers/create-adapter.js';
import { contextWindowOf } from '../providers/context-window.js';
import { providerInfo } from '../providers/provider-table.js';
import type { Deployment, ModelGroup } from './deployment.js';

const DEFAULT_TIMEOUT_SECONDS = 600;
/** Wildcard resolutions are cached; a client sending endless new names must not grow memory. */
const MAX_CACHED_WILDCARD_GROUPS = 1024;

interface WildcardPattern {
  pattern: string;
  prefix: string;
  suffix: string;
  entries: DeploymentConfig[];
}

/**
 * The config compiled into lookup tables at start-up: the hot path resolves an
 * alias with one map lookup (exact names), or a scan of the few wildcard
 * patterns whose result is then cached.
 */
export class ModelTable {
  private readonly exact = new Map<string, ModelGroup>();
  private readonly wildcards: WildcardPattern[] = [];
  private readonly wildcardCache = new Map<string, ModelGroup>();
  private readonly adapterDefaults: AdapterDefaults;

  constructor(config: Config, private readonly env: NodeJS.ProcessEnv = process.env) {
    this.adapterDefaults = {
      timeout: config.routerSettings.timeout ?? config.litellmSettings.requestTimeout ?? DEFAULT_TIMEOUT_SECONDS,
      dropParams: config.litellmSettings.dropParams,
    };
    const byPattern = new Map<string, DeploymentConfig[]>();
    for (const entry of config.deployments) {
      if (entry.modelName.includes('*')) {
        const list = byPattern.get(entry.modelName) ?? [];
        list.push(entry);
        byPattern.set(entry.modelName, list);
        continue;
      }
      const group = this.exact.get(entry.modelName) ?? { alias: entry.modelName, deployments: [] };
      group.deployments.push(this.build(entry, entry.provider, entry.upstreamModel, entry.apiKey));
      this.exact.set(entry.modelName, group);
    }
    for (const [pattern, entries] of byPattern) {
      const star = pattern.indexOf('*');
      this.wildcards.push({ pattern, prefix: pattern.slice(0, star), suffix: pattern.slice(star + 1), entries });
    }
    // Most specific first: `groq/*` wins over `*` for "groq/llama-3.1-8b-instant".
    this.wildcards.sort((a, b) => b.prefix.length + b.suffix.length - (a.prefix.length + a.suffix.length));
  }

  resolve(model: string): ModelGroup | undefined {
    const group = this.exact.get(model);
    if (group !== undefined || this.wildcards.length === 0) return group;
    const cached = this.wildcardCache.get(model);
    if (cached !== undefined) return cached;
    for (const wildcard of this.wildcards) {
      if (model.length < wildcard.prefix.length + wildcard.suffix.length) continue;
      if (!model.startsWith(wildcard.prefix) || !model.endsWith(wildcard.suffix)) continue;
      const captured = model.slice(wildcard.prefix.length, model.length - wildcard.suffix.length);
      const resolved: ModelGroup = { alias: model, deployments: wildcard.entries.map((entry) => this.buildWildcard(entry, captured)) };
      if (this.wildcardCache.size >= MAX_CACHED_WILDCARD_GROUPS) this.wildcardCache.clear();
      this.wildcardCache.set(model, resolved);
      return resolved;
    }
    return undefined;
  }

  /** Concrete aliases, in config order (wildcard patterns are not models a client can list). */
  aliases(): string[] {
    return [...this.exact.keys()];
  }

  groups(): ModelGroup[] {
    return [...this.exact.values()];
  }

  wildcardPatterns(): string[] {
    return this.wildcards.map((w) => w.pattern);
  }

  private buildWildcard(entry: DeploymentConfig, captured: string): Deployment {
    const upstream = entry.upstreamModel.replace('*', captured);
    if (entry.provider !== '*') return this.build(entry, entry.provider, upstream, entry.apiKey, captured);
    // `model: "*"`: the provider comes from the requested name, as in LiteLLM ("groq/llama-3.1-8b-instant").
    const slash = upstream.indexOf('/');
    const prefix = slash > 0 ? upstream.slice(0, slash) : '';
    const provider = providerInfo(prefix) ? prefix : 'openai';
    const model = provider === prefix ? upstream.slice(slash + 1) : upstream;
    const envName = providerInfo(provider)?.apiKeyEnv;
    const envValue = envName === undefined ? undefined : this.env[envName];
    const key: Secret | undefined = entry.apiKey ?? (envName !== undefined && envValue ? { value: envValue, source: { kind: 'default-env', name: envName } } : undefined);
    return this.build({ ...entry, apiKeyMissing: key ? undefined : entry.apiKeyMissing }, provider, model, key, captured);
  }

  private build(entry: DeploymentConfig, provider: string, upstreamModel: string, apiKey: Secret | undefined, captured?: string): Deployment {
    let adapter: Deployment['adapter'];
    try {
      adapter = createAdapter(entry, provider, upstreamModel, apiKey, this.adapterDefaults);
    } catch (err) {
      adapter = new GatewayError('config_invalid', `Alias "${entry.modelName}": ${(err as Error).message}`, { details: { deployment: entry.id } });
    }
    return {
      id: captured === undefined ? entry.id : `${entry.id}:${captured}`,
      alias: captured === undefined ? entry.modelName : entry.modelName.replace('*', captured),
      provider,
      upstreamModel,
      config: entry,
      contextWindow: contextWindowOf(provider, upstreamModel, entry.modelInfo),
      adapter,
    };
  }
}
