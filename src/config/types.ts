// The validated, resolved configuration. Produced once by `loadConfig`; the hot
// path never looks at YAML again (it reads the tables `compileModelTable` builds).

/** Where a value came from, so errors can say "proxy_server_config.yaml:12:7". */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/**
 * A secret together with where it came from. Error messages name the source
 * (`GROQ_API_KEY`) and show the value only masked (`gsk_…abcd`).
 */
export interface Secret {
  value: string;
  /** `env`: `os.environ/NAME` in the file; `default-env`: the provider's usual variable; `inline`: written in the file. */
  source: { kind: 'env' | 'default-env'; name: string } | { kind: 'inline' };
}

/** A `litellm_params` value that named an environment variable which is not set. */
export interface MissingEnv {
  name: string;
  position: SourcePosition | undefined;
}

/** One `model_list` entry. */
export interface DeploymentConfig {
  /** `model_info.id` when given, else `<model_name>#<index>`; stable across reloads of the same file. */
  id: string;
  /** `model_name`: the alias clients send. May be a wildcard pattern (`groq/*`, `*`). */
  modelName: string;
  /** Index in `model_list`. */
  index: number;
  /** `litellm_params.model` as written, e.g. `groq/llama-3.3-70b-versatile`. */
  litellmModel: string;
  /** Provider prefix of `litellm_params.model` (`groq`, `openai`, `mock`, …); `openai` when there is none. */
  provider: string;
  /** The model id sent upstream (prefix removed). May contain `*` for wildcard entries. */
  upstreamModel: string;
  apiBase: string | undefined;
  apiKey: Secret | undefined;
  /** Set when `api_key` (or the provider's default variable) pointed at an unset variable. */
  apiKeyMissing: MissingEnv | undefined;
  rpm: number | undefined;
  tpm: number | undefined;
  /** Seconds. */
  timeout: number | undefined;
  /** Seconds. */
  streamTimeout: number | undefined;
  maxRetries: number | undefined;
  maxParallelRequests: number | undefined;
  weight: number | undefined;
  order: number | undefined;
  mockResponse: string | undefined;
  /** Extra headers sent upstream (`litellm_params.extra_headers`). */
  extraHeaders: Record<string, string>;
  modelInfo: Record<string, unknown>;
  position: SourcePosition | undefined;
}

export type FallbackMap = Array<Record<string, string[]>>;

export interface LitellmSettings {
  dropParams: boolean;
  numRetries: number | undefined;
  requestTimeout: number | undefined;
  fallbacks: FallbackMap;
  contextWindowFallbacks: FallbackMap;
  contentPolicyFallbacks: FallbackMap;
  allowedFails: number | undefined;
  cooldownTime: number | undefined;
  /** Everything else under `litellm_settings`, kept for later features. */
  raw: Record<string, unknown>;
}

export type RoutingStrategyName =
  | 'simple-shuffle'
  | 'least-busy'
  | 'latency-based-routing'
  | 'usage-based-routing'
  | 'usage-based-routing-v2';

export interface RedisSettings {
  host: string | undefined;
  port: number | undefined;
  password: string | undefined;
  url: string | undefined;
}

export interface RouterSettings {
  routingStrategy: RoutingStrategyName;
  numRetries: number | undefined;
  timeout: number | undefined;
  allowedFails: number | undefined;
  cooldownTime: number | undefined;
  retryAfter: number | undefined;
  /** LiteLLM's `disable_cooldowns`: failing deployments stay in rotation. */
  disableCooldowns: boolean;
  /** Seconds a request over a deployment's limits waits for capacity (Switchyard's own key; default 5). */
  queueWaitSeconds: number | undefined;
  /** Requests that may wait at once before new ones get `queue_full` (default 1000). */
  maxQueueSize: number | undefined;
  /** `routing_strategy_args.lowest_latency_buffer` for latency-based routing. */
  lowestLatencyBuffer: number | undefined;
  redis: RedisSettings | undefined;
  raw: Record<string, unknown>;
}

export interface GeneralSettings {
  masterKey: Secret | undefined;
  raw: Record<string, unknown>;
}

export interface ConfigWarning {
  /** Stable code: `unknown_key`, `unsupported_key`, `env_var_not_set`, `unsupported_provider`, … */
  code: string;
  message: string;
  position: SourcePosition | undefined;
}

export interface Config {
  /** Absolute path of the file read, or `undefined` for the built-in default. */
  file: string | undefined;
  deployments: DeploymentConfig[];
  litellmSettings: LitellmSettings;
  routerSettings: RouterSettings;
  generalSettings: GeneralSettings;
  warnings: ConfigWarning[];
}
