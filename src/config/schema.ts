// LiteLLM's proxy config as zod schemas. The schemas are also the single list of
// keys: `known-keys.ts` reads their shapes to tell unknown keys (warned, with a
// suggestion) from keys LiteLLM knows but Switchyard ignores (`compat(…)`, warned
// as having no effect). To make Switchyard act on a compat key, give it a real
// schema here and read it in `build.ts`.

import * as z from 'zod';
import type { RoutingStrategyName } from './types.js';

const compatKeys = new WeakSet<z.ZodType>();

/** Whether `schema` is a key LiteLLM accepts and Switchyard ignores. */
export function isCompat(schema: z.ZodType): boolean {
  return compatKeys.has(schema);
}

/** Keys accepted with any value for compatibility; they have no effect. */
function compat<const K extends string>(...names: K[]): Record<K, z.ZodOptional<z.ZodUnknown>> {
  const shape = {} as Record<K, z.ZodOptional<z.ZodUnknown>>;
  for (const name of names) {
    const schema = z.unknown().optional();
    compatKeys.add(schema);
    shape[name] = schema;
  }
  return shape;
}

/** An optional key. YAML `key:` with nothing after it is null, which LiteLLM treats as absent. */
function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

// Values that came from environment variables are strings; LiteLLM's own coercion
// accepts "30" for 30 and "true" for true, so these do too.
function numeric<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string' || value.trim() === '') return value;
    const number = Number(value);
    return Number.isFinite(number) ? number : value;
  }, schema);
}
const flag = z.preprocess((value) => {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  return text === 'true' ? true : text === 'false' ? false : value;
}, z.boolean());

const positiveNumber = numeric(z.number().positive());
const nonNegativeNumber = numeric(z.number().nonnegative());
const positiveInt = numeric(z.int().positive());
const nonNegativeInt = numeric(z.int().nonnegative());
const port = numeric(z.int().min(1).max(65535));
const nonEmpty = z.string().min(1);
const httpUrl = z.string().regex(/^https?:\/\/[^/\s]/i, { error: 'must be an http:// or https:// URL' });

/** `[{ "gpt-4o": ["gpt-4o-mini", "groq-70b"] }]`: on failure of the key's alias, try the listed aliases in order. */
const fallbackList = z.array(z.record(z.string(), z.array(nonEmpty)));

const ROUTING_STRATEGIES = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'usage-based-routing',
  'usage-based-routing-v2',
] as const satisfies readonly RoutingStrategyName[];

// Params LiteLLM passes through to every call of the deployment (temperature, …)
// are listed as compat so they are reported rather than silently dropped.
const litellmParams = z.object({
  model: nonEmpty.refine((model) => !model.endsWith('/'), { error: 'must name a model after the provider prefix (e.g. groq/llama-3.3-70b-versatile)' }),
  api_key: optional(z.string()),
  api_base: optional(httpUrl),
  custom_llm_provider: optional(nonEmpty),
  rpm: optional(positiveInt),
  tpm: optional(positiveInt),
  timeout: optional(positiveNumber),
  stream_timeout: optional(positiveNumber),
  max_retries: optional(nonNegativeInt),
  max_parallel_requests: optional(positiveInt),
  weight: optional(nonNegativeNumber),
  order: optional(nonNegativeInt),
  mock_response: optional(z.string()),
  extra_headers: optional(z.record(z.string(), z.preprocess((value) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : value), z.string()))),
  ...compat(
    'api_version', 'organization', 'drop_params', 'additional_drop_params', 'tags', 'region_name', 'num_retries',
    'input_cost_per_token', 'output_cost_per_token', 'input_cost_per_second', 'output_cost_per_second',
    'litellm_credential_name', 'use_in_pass_through', 'use_litellm_proxy', 'merge_reasoning_content_in_choices',
    'configurable_clientside_auth_params', 'max_budget', 'budget_duration', 'model_info', 'cache_control_injection_points',
    'azure_ad_token', 'tenant_id', 'client_id', 'client_secret', 'vertex_project', 'vertex_location', 'vertex_credentials',
    'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_region_name', 'aws_profile_name', 'aws_role_name',
    'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'seed', 'n', 'presence_penalty', 'frequency_penalty',
    'logit_bias', 'logprobs', 'top_logprobs', 'response_format', 'reasoning_effort', 'thinking', 'tools', 'tool_choice',
    'parallel_tool_calls', 'user', 'stream_options', 'extra_body',
  ),
});

/** Free-form in LiteLLM (and passed through as `DeploymentConfig.modelInfo`); only `id` is read. */
const modelInfo = z.looseObject({
  id: optional(z.preprocess((value) => (typeof value === 'number' ? String(value) : value), nonEmpty)),
});

const deployment = z.object({
  model_name: nonEmpty,
  litellm_params: litellmParams,
  model_info: optional(modelInfo),
});

/** Deployment ids key the router's tables, so two entries may not share one. */
const modelList = z.array(deployment).check((ctx) => {
  const firstIndex = new Map<string, number>();
  ctx.value.forEach((item, index) => {
    const id = item.model_info?.id;
    if (id === undefined) return;
    const earlier = firstIndex.get(id);
    if (earlier === undefined) firstIndex.set(id, index);
    else ctx.issues.push({ code: 'custom', input: id, path: [index, 'model_info', 'id'], message: `id "${id}" is already used by model_list[${earlier}]` });
  });
});

const litellmSettings = z.object({
  drop_params: optional(flag),
  num_retries: optional(nonNegativeInt),
  request_timeout: optional(positiveNumber),
  fallbacks: optional(fallbackList),
  context_window_fallbacks: optional(fallbackList),
  content_policy_fallbacks: optional(fallbackList),
  allowed_fails: optional(nonNegativeInt),
  cooldown_time: optional(nonNegativeNumber),
  ...compat(
    'set_verbose', 'json_logs', 'success_callback', 'failure_callback', 'callbacks', 'service_callbacks', 'callback_settings',
    'cache', 'cache_params', 'telemetry', 'default_fallbacks', 'turn_off_message_logging', 'redact_user_api_key_info',
    'redact_messages_in_exceptions', 'langfuse_default_tags', 'force_ipv4', 'modify_params', 'enable_preview_features',
    'max_budget', 'budget_duration', 'max_internal_user_budget', 'internal_user_budget_duration', 'default_internal_user_params',
    'default_key_generate_params', 'upperbound_key_generate_params', 'key_generation_settings', 'default_team_settings',
    'disable_end_user_cost_tracking', 'disable_end_user_cost_tracking_prometheus_only', 'enable_json_schema_validation',
    'disable_hf_tokenizer_download', 'return_response_headers', 'ssl_verify', 'ssl_certificate', 'mcp_aliases',
    'public_model_groups', 'public_model_groups_links', 'num_retries_per_request', 'disable_add_transform_inline_image_block',
    'enable_loadbalancing_on_batch_endpoints', 'use_chat_completions_url_for_anthropic_messages', 'tag_budget_config',
    'guardrails', 'model_alias_map', 'max_end_user_budget', 'global_disable_no_log_param',
  ),
});

const routerSettings = z.object({
  routing_strategy: optional(z.enum(ROUTING_STRATEGIES)),
  num_retries: optional(nonNegativeInt),
  timeout: optional(positiveNumber),
  allowed_fails: optional(nonNegativeInt),
  cooldown_time: optional(nonNegativeNumber),
  retry_after: optional(nonNegativeNumber),
  // Switchyard's own: how long a request over a deployment's rpm/tpm/parallel limit waits for capacity, and how many may wait.
  disable_cooldowns: optional(flag),
  queue_wait_seconds: optional(nonNegativeNumber),
  max_queue_size: optional(positiveInt),
  routing_strategy_args: optional(z.object({ lowest_latency_buffer: optional(nonNegativeNumber) }).passthrough()),
  redis_host: optional(nonEmpty),
  redis_port: optional(port),
  redis_password: optional(z.string()),
  redis_url: optional(nonEmpty),
  // LiteLLM reads these here as well as in litellm_settings; router_settings wins.
  fallbacks: optional(fallbackList),
  context_window_fallbacks: optional(fallbackList),
  content_policy_fallbacks: optional(fallbackList),
  ...compat(
    'enable_pre_call_checks', 'model_group_alias', 'stream_timeout',
    'enable_tag_filtering', 'tag_filtering_match_any', 'retry_policy', 'allowed_fails_policy', 'model_group_retry_policy',
    'default_max_parallel_requests', 'default_priority', 'polling_interval', 'max_fallbacks', 'default_fallbacks',
    'default_litellm_params', 'debug_level', 'client_ttl', 'cache_kwargs', 'cache_responses', 'caching_groups', 'redis_db',
    'set_verbose', 'provider_budget_config', 'optional_pre_call_checks', 'routing_groups', 'max_retries',
    'enable_weighted_deployments', 'deployment_affinity_ttl_seconds',
  ),
});

const generalSettings = z.object({
  master_key: optional(nonEmpty),
  max_request_size_mb: optional(positiveNumber),
  max_response_size_mb: optional(positiveNumber),
  // Switchyard's own (nginx's names): how long a client may take to send its headers, then its body.
  client_header_timeout_seconds: optional(positiveNumber),
  client_body_timeout_seconds: optional(positiveNumber),
  ...compat(
    'database_url', 'database_connection_pool_limit', 'database_connection_timeout', 'allow_requests_on_db_unavailable',
    'store_model_in_db', 'supported_db_objects', 'disable_prisma_schema_update', 'alerting', 'alerting_threshold', 'alert_types',
    'alert_to_webhook_url', 'alerting_args', 'spend_report_frequency', 'background_health_checks', 'health_check_interval',
    'health_check_details', 'disable_spend_logs', 'disable_spend_updates', 'store_prompts_in_spend_logs',
    'maximum_spend_logs_retention_period', 'maximum_spend_logs_retention_interval', 'proxy_batch_write_at',
    'proxy_budget_rescheduler_min_time', 'proxy_budget_rescheduler_max_time', 'disable_reset_budget', 'disable_master_key_return',
    'disable_adding_master_key_hash_to_db', 'disable_retry_on_max_parallel_request_limit_error', 'disable_responses_id_security',
    'completion_model', 'embedding_model', 'image_generation_model', 'moderation_model', 'infer_model_from_keys',
    'forward_client_headers_to_llm_api', 'forward_openai_org_id', 'allowed_routes', 'public_routes', 'admin_only_routes',
    'allowed_ips', 'use_x_forwarded_for', 'custom_auth', 'custom_key_generate', 'custom_sso', 'enable_jwt_auth', 'litellm_jwtauth',
    'enable_oauth2_auth', 'enable_oauth2_proxy_auth', 'oauth2_config_mappings', 'enforce_user_param', 'enforced_params',
    'reject_clientside_metadata_tags', 'key_management_system', 'key_management_settings', 'use_azure_key_vault', 'use_google_kms',
    'max_parallel_requests', 'global_max_parallel_requests', 'user_api_key_cache_ttl', 'litellm_key_header_name',
    'allow_client_side_credentials', 'allow_user_auth', 'default_team_disabled', 'ui_access_mode', 'litellm_license',
    'pass_through_endpoints', 'service_account_settings', 'user_mcp_management_mode', 'use_redis_transaction_buffer',
    'use_client_credentials_pass_through_routes', 'proxy_batch_polling_interval',
  ),
});

const envValue = z.custom<string | number | boolean>((value) => ['string', 'number', 'boolean'].includes(typeof value), {
  error: 'must be a string, a number or true/false',
});

export const configSchema = z.object({
  model_list: optional(modelList),
  litellm_settings: optional(litellmSettings),
  router_settings: optional(routerSettings),
  general_settings: optional(generalSettings),
  environment_variables: optional(z.record(z.string(), envValue)),
  ...compat(
    'include', 'callback_settings', 'guardrails', 'credential_list', 'mcp_servers', 'mcp_tools', 'vector_store_registry',
    'search_tools', 'prompts', 'files_settings', 'finetune_settings', 'assistant_settings', 'model_group_settings',
    'pass_through_endpoints',
  ),
});

export type ParsedConfig = z.output<typeof configSchema>;
export type ParsedDeployment = z.output<typeof deployment>;
