// The ids a provider lists, for "did you mean …?" when a configured model is
// not among them. The adapter's health check only says yes or no, so doctor
// reads the list itself: the same GET /models with the same key and headers.

import type { CallableDeployment } from './deployments.js';
import { apiBaseOf } from './deployments.js';

export async function listModelIds(deployment: CallableDeployment, signal: AbortSignal): Promise<string[]> {
  const key = deployment.config.apiKey?.value;
  const headers: Record<string, string> = { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...deployment.config.extraHeaders };
  try {
    const response = await fetch(`${versionedBase(deployment)}/models`, { headers, signal });
    if (!response.ok) return [];
    const data = ((await response.json()) as { data?: Array<{ id?: unknown }> }).data;
    return Array.isArray(data) ? data.map((m) => m?.id).filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return []; // a suggestion is a nicety; the check's verdict does not depend on it
  }
}

/** As the adapter does: Ollama configs give the server root, its OpenAI API is under /v1. */
function versionedBase(deployment: CallableDeployment): string {
  const base = apiBaseOf(deployment).replace(/\/+$/, '');
  return deployment.provider.startsWith('ollama') && !base.endsWith('/v1') ? `${base}/v1` : base;
}
