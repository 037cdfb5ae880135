// The deployments the network checks call, built by the gateway's own model
// table so doctor talks to providers exactly as serving would (same adapters,
// same keys, same error classification).

import type { Config } from '../config/types.js';
import { maskSecret } from '../errors/mask.js';
import { providerInfo } from '../providers/provider-table.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { Deployment } from '../router/deployment.js';
import { ModelTable } from '../router/model-table.js';

/** A deployment whose adapter could be built, i.e. one that would call a provider. */
export interface CallableDeployment extends Deployment {
  adapter: ProviderAdapter;
}

export interface Endpoint {
  /** `groq@api.groq.com` */
  label: string;
  /** How the key is known to the user: `GROQ_API_KEY (gsk_…abcd)`, never the key. */
  keyLabel: string;
  deployments: CallableDeployment[];
}

/** Substituted for `*` to build a wildcard entry's adapter; never sent as a model to serve. */
const WILDCARD_PROBE = 'switchyard-doctor-probe';

/**
 * Deployments that call a provider: not mock ones, and not those whose adapter
 * is an error (unset key, unknown provider: the env and config checks report
 * them). Wildcard entries with a fixed provider (`groq/*`) are included for the
 * endpoint check only, flagged by `wildcard`.
 */
export function callableDeployments(config: Config, env: NodeJS.ProcessEnv): Array<CallableDeployment & { wildcard: boolean }> {
  const table = new ModelTable(config, env);
  const exact = table.groups().flatMap((group) => group.deployments).map((d) => ({ ...d, wildcard: false }));
  const wildcards = table.wildcardPatterns()
    .flatMap((pattern) => table.resolve(pattern.replace('*', WILDCARD_PROBE))?.deployments ?? [])
    .filter((d) => d.config.provider !== '*')
    .map((d) => ({ ...d, wildcard: true }));
  return [...exact, ...wildcards].filter((d): d is CallableDeployment & { wildcard: boolean } => {
    if (d.adapter instanceof Error || d.config.mockResponse !== undefined) return false;
    return providerInfo(d.provider)?.family !== 'mock';
  });
}

/** One endpoint per (provider, api_base, key): checking each once is enough to prove reachability and the key. */
export function groupByEndpoint(deployments: readonly CallableDeployment[]): Endpoint[] {
  const byKey = new Map<string, Endpoint>();
  for (const d of deployments) {
    const base = apiBaseOf(d);
    const key = d.config.apiKey;
    const id = `${d.provider}\u0000${base}\u0000${key?.value ?? ''}`;
    let endpoint = byKey.get(id);
    if (endpoint === undefined) {
      const host = safeHost(base);
      const keyLabel = key === undefined ? 'no key' : `${key.source.kind === 'inline' ? 'inline api_key' : key.source.name} (${maskSecret(key.value)})`;
      endpoint = { label: `${d.provider}@${host}`, keyLabel, deployments: [] };
      byKey.set(id, endpoint);
    }
    endpoint.deployments.push(d);
  }
  return [...byKey.values()];
}

export function apiBaseOf(d: Deployment): string {
  return d.config.apiBase ?? providerInfo(d.provider)?.defaultApiBase ?? '';
}

function safeHost(base: string): string {
  try {
    return new URL(base).host; // never the full URL: it may carry credentials
  } catch {
    return base;
  }
}
