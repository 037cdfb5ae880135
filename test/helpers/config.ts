import type { MockUpstream } from '../mock-providers/openai-compatible.js';

/**
 * One `model_list` entry (YAML) for `alias` on a Groq model served by `mock`,
 * keyed by GROQ_API_KEY unless `params` says otherwise. `params` adds or
 * overrides `litellm_params` (values written as YAML flow scalars).
 */
export function groqEntry(alias: string, mock: MockUpstream, params: Record<string, string | number> = {}, model = 'groq/llama-3.3-70b-versatile'): string {
  const all: Record<string, string | number> = { model, api_key: 'os.environ/GROQ_API_KEY', api_base: `"${mock.baseUrl}"`, ...params };
  const fields = Object.entries(all).map(([key, value]) => `${key}: ${value}`).join(', ');
  return `  - model_name: "${alias}"\n    litellm_params: { ${fields} }\n`;
}
