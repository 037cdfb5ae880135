// What Switchyard knows about each provider prefix of `litellm_params.model`.
// Adding an OpenAI-compatible provider is one row here.

export type ProviderFamily = 'openai-compatible' | 'anthropic' | 'mock';

export interface ProviderInfo {
  family: ProviderFamily;
  /** Base URL up to and including the version segment; requests go to `${apiBase}/chat/completions` (Anthropic: the root, `/v1/messages` is added). */
  defaultApiBase: string | undefined;
  /** Environment variable read when `api_key` is not given (LiteLLM's convention). */
  apiKeyEnv: string | undefined;
  /** Whether calls without a key are pointless (Groq) or normal (Ollama, local servers). */
  requiresKey: boolean;
  /** Key prefix the provider issues, to spot a key pasted into the wrong variable. */
  keyPrefix?: string;
}

export const PROVIDERS: Record<string, ProviderInfo> = {
  groq: { family: 'openai-compatible', defaultApiBase: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY', requiresKey: true, keyPrefix: 'gsk_' },
  openai: { family: 'openai-compatible', defaultApiBase: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', requiresKey: true, keyPrefix: 'sk-' },
  anthropic: { family: 'anthropic', defaultApiBase: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY', requiresKey: true, keyPrefix: 'sk-ant-' },
  openrouter: { family: 'openai-compatible', defaultApiBase: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY', requiresKey: true, keyPrefix: 'sk-or-' },
  ollama: { family: 'openai-compatible', defaultApiBase: 'http://localhost:11434/v1', apiKeyEnv: undefined, requiresKey: false },
  ollama_chat: { family: 'openai-compatible', defaultApiBase: 'http://localhost:11434/v1', apiKeyEnv: undefined, requiresKey: false },
  hosted_vllm: { family: 'openai-compatible', defaultApiBase: undefined, apiKeyEnv: 'HOSTED_VLLM_API_KEY', requiresKey: false },
  openai_like: { family: 'openai-compatible', defaultApiBase: undefined, apiKeyEnv: undefined, requiresKey: false },
  mock: { family: 'mock', defaultApiBase: undefined, apiKeyEnv: undefined, requiresKey: false },
};

export function providerInfo(provider: string): ProviderInfo | undefined {
  return Object.hasOwn(PROVIDERS, provider) ? PROVIDERS[provider] : undefined;
}
