// Reading `litellm_params.model` the way LiteLLM does: `<provider>/<model>`,
// where only a known provider name counts as a prefix.

import { providerInfo } from '../providers/provider-table.js';

/**
 * Provider prefixes LiteLLM accepts (its `LlmProviders`) that Switchyard does
 * not serve. A prefix from this list names a provider, so `bedrock/anthropic.claude-…`
 * is an unsupported provider rather than an OpenAI model called `bedrock/anthropic.claude-…`.
 */
const LITELLM_ONLY_PROVIDERS = new Set([
  'anthropic_text', 'azure', 'azure_ai', 'azure_text', 'bedrock', 'sagemaker', 'sagemaker_chat', 'vertex_ai',
  'vertex_ai_beta', 'gemini', 'mistral', 'codestral', 'text-completion-codestral', 'cohere', 'cohere_chat', 'together_ai',
  'huggingface', 'replicate', 'deepseek', 'xai', 'fireworks_ai', 'perplexity', 'deepinfra', 'cerebras', 'sambanova', 'ai21',
  'ai21_chat', 'nlp_cloud', 'petals', 'oobabooga', 'baseten', 'watsonx', 'watsonx_text', 'databricks', 'cloudflare', 'voyage',
  'clarifai', 'predibase', 'triton', 'nvidia_nim', 'friendliai', 'featherless_ai', 'github', 'github_copilot', 'volcengine',
  'dashscope', 'moonshot', 'v0', 'morph', 'lambda_ai', 'maritalk', 'xinference', 'empower', 'custom', 'custom_openai',
  'text-completion-openai', 'aiohttp_openai', 'litellm_proxy', 'vllm', 'llamafile', 'lm_studio', 'galadriel', 'nebius',
  'infinity', 'deepgram', 'elevenlabs', 'assemblyai', 'novita', 'topaz', 'snowflake', 'gradient_ai', 'meta_llama', 'nscale',
  'hyperbolic', 'recraft', 'fal_ai', 'heroku', 'aiml', 'cometapi', 'oci', 'vercel_ai_gateway', 'wandb', 'ovhcloud', 'lemonade',
  'jina_ai', 'datarobot', 'bytez', 'runwayml', 'compactifai', 'docker_model_runner', 'milvus', 'palm', 'anyscale', 'aleph_alpha',
]);

export interface ModelTarget {
  /**
   * A provider-table name, the name of a provider Switchyard does not serve, or
   * `'*'` for `model: "*"`: a catch-all that takes the provider from the model
   * name the client requests (`groq/llama-3.1-8b-instant` → groq).
   */
  provider: string;
  /** Sent upstream; `'*'` in a wildcard entry stands for the requested model. */
  upstreamModel: string;
  supported: boolean;
}

export function parseLitellmModel(model: string, customProvider: string | undefined): ModelTarget {
  if (model === '*' && customProvider === undefined) return { provider: '*', upstreamModel: '*', supported: true };

  const slash = model.indexOf('/');
  const prefix = slash === -1 ? undefined : model.slice(0, slash);
  const rest = slash === -1 ? model : model.slice(slash + 1);

  // custom_llm_provider wins; LiteLLM still strips a prefix that repeats it.
  if (customProvider !== undefined) {
    return { provider: customProvider, upstreamModel: prefix === customProvider ? rest : model, supported: providerInfo(customProvider) !== undefined };
  }
  if (prefix !== undefined && providerInfo(prefix) !== undefined) return { provider: prefix, upstreamModel: rest, supported: true };
  if (prefix !== undefined && LITELLM_ONLY_PROVIDERS.has(prefix)) return { provider: prefix, upstreamModel: rest, supported: false };
  // No provider prefix: LiteLLM sends the whole string to OpenAI.
  return { provider: 'openai', upstreamModel: model, supported: true };
}
