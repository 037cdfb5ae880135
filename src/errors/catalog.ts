// Every error Switchyard can answer with, defined once. HTTP bodies, CLI
// failures and docs read from here; messages elsewhere only add the specifics
// (which alias, which host). Codes are stable: tests and users match on them.

export interface CatalogEntry {
  status: number;
  /** OpenAI's `error.type`, so SDKs classify the error as they would OpenAI's. */
  type: 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'server_error' | 'insufficient_quota';
  title: string;
  /** Whether the same request can succeed later; sent to clients as `x-should-retry`. */
  retryable: boolean;
  /** One line: what the user should do. */
  fix: string;
}

function entry(status: number, type: CatalogEntry['type'], retryable: boolean, title: string, fix: string): CatalogEntry {
  return { status, type, retryable, title, fix };
}

export const CATALOG = {
  // ── the client's request ──────────────────────────────────────────────
  invalid_json: entry(400, 'invalid_request_error', false, 'Request body is not valid JSON',
    'Send a JSON object; check quoting and commas at the line and column given.'),
  invalid_request: entry(400, 'invalid_request_error', false, 'A request field is missing or has the wrong type',
    'Fix the field named in `param` (see the OpenAI chat completions reference).'),
  unsupported_media_type: entry(415, 'invalid_request_error', false, 'Request body is not JSON',
    'Send the body with `Content-Type: application/json`.'),
  body_too_large: entry(413, 'invalid_request_error', false, 'Request body is larger than the gateway accepts',
    'Shorten the request, or raise `general_settings.max_request_size_mb`.'),
  route_not_found: entry(404, 'not_found_error', false, 'No such endpoint',
    'Use /v1/chat/completions, /v1/models or /health; the base URL should end in /v1.'),
  method_not_allowed: entry(405, 'invalid_request_error', false, 'Wrong HTTP method for this endpoint',
    'Use the method listed in the `allow` response header.'),
  invalid_api_key: entry(401, 'authentication_error', false, 'Missing or wrong Switchyard key',
    'Send the gateway\'s master key as `Authorization: Bearer <key>` or `x-api-key: <key>`.'),
  model_not_found: entry(404, 'invalid_request_error', false, 'Model alias is not configured',
    'Use one of the configured aliases (GET /v1/models), or add a `model_list` entry with this `model_name`.'),

  // ── Switchyard's own configuration ────────────────────────────────────
  config_not_found: entry(500, 'server_error', false, 'Configuration file not found',
    'Check the path given to --config; use an absolute path or run from the folder that holds the file.'),
  config_invalid_yaml: entry(500, 'server_error', false, 'Configuration file is not valid YAML',
    'Fix the YAML at the line and column given (indentation uses spaces, not tabs).'),
  config_invalid: entry(500, 'server_error', false, 'Configuration file has invalid values',
    'Fix each listed key at its line; `switchyard --help` and the README list the accepted keys.'),
  env_var_not_set: entry(500, 'server_error', false, 'An environment variable the config needs is not set',
    'Set the variable (POSIX: export NAME=value; cmd: set NAME=value; PowerShell: $env:NAME="value") or add it to .env, then restart.'),
  provider_not_supported: entry(500, 'server_error', false, 'The configured provider is not supported by this Switchyard version',
    'Use groq/, openai/, openrouter/, ollama/, mock/, or openai/ with an api_base for any OpenAI-compatible server.'),
  port_in_use: entry(500, 'server_error', false, 'The port is already in use',
    'Stop the other process (POSIX: lsof -i :PORT; Windows: netstat -ano | findstr :PORT, then taskkill /PID <pid> /F) or start with --port <another>.'),
  port_forbidden: entry(500, 'server_error', false, 'Not allowed to listen on this port',
    'Use a port above 1024, or on Windows check excluded ranges: netsh interface ipv4 show excludedportrange protocol=tcp.'),
  internal_error: entry(500, 'server_error', true, 'Unexpected error inside Switchyard',
    'Retry; if it persists, run with --debug and report the request id.'),

  // ── the upstream provider ─────────────────────────────────────────────
  upstream_bad_request: entry(400, 'invalid_request_error', false, 'The provider rejected a request parameter',
    'Remove or change the parameter named in `param`; it is not supported by this provider or model.'),
  context_length_exceeded: entry(400, 'invalid_request_error', false, 'The messages do not fit in the model\'s context window',
    'Shorten or chunk the messages, or add a `context_window_fallbacks` entry to a larger-window model.'),
  upstream_authentication_error: entry(502, 'server_error', false, 'The provider rejected the configured API key',
    'Check the key in the variable named in the message (no spaces or newlines), or create a new one in the provider console.'),
  upstream_permission_denied: entry(502, 'server_error', false, 'The provider key lacks permission for this model',
    'Check the tier and region of the account in the provider console, or route the alias to a model the key may use.'),
  upstream_model_unavailable: entry(502, 'server_error', false, 'The provider does not serve the configured model',
    'Update `litellm_params.model` to a model the provider lists (see its /models endpoint).'),
  rate_limit_exceeded: entry(429, 'rate_limit_error', true, 'The provider\'s rate limit was reached',
    'Wait for `retry-after` seconds, lower the request rate, or add deployments with other keys.'),
  insufficient_quota: entry(429, 'insufficient_quota', false, 'The provider account is out of quota or credits',
    'Top up or upgrade the provider account, or route the alias to another key.'),
  request_too_large: entry(413, 'invalid_request_error', false, 'The request is larger than the provider\'s per-minute token limit',
    'Shorten the request, or use a model or tier with a higher TPM limit; retrying cannot help.'),
  upstream_overloaded: entry(503, 'server_error', true, 'The provider is overloaded',
    'Retry after `retry-after` seconds with backoff, or configure a fallback model.'),
  upstream_generation_failed: entry(502, 'server_error', true, 'The model produced output the provider could not validate',
    'Retry, or adjust the prompt; the provider\'s `failed_generation` is in the error details.'),
  upstream_error: entry(502, 'server_error', true, 'The provider returned a server error',
    'Retry shortly; check the provider\'s status page if it persists.'),
  upstream_timeout: entry(504, 'server_error', true, 'The provider did not answer in time',
    'Raise `litellm_params.timeout` (seconds) for this deployment, or retry.'),
  upstream_unreachable: entry(502, 'server_error', true, 'The provider could not be reached',
    'Check `api_base`, DNS and the network (proxy, firewall) between Switchyard and the provider.'),
  upstream_tls_error: entry(502, 'server_error', false, 'TLS to the provider failed',
    'Check the system clock, corporate TLS interception (NODE_EXTRA_CA_CERTS) and the api_base host name.'),
  upstream_invalid_response: entry(502, 'server_error', true, 'The provider sent a response Switchyard could not read',
    'Check that `api_base` points at an OpenAI-compatible endpoint (usually ending in /v1).'),
  upstream_stream_interrupted: entry(502, 'server_error', true, 'The provider\'s stream ended early',
    'Retry the request; the partial answer above is incomplete.'),
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof CATALOG;
