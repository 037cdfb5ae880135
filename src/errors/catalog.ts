// Every error Switchyard can answer with, defined once. HTTP bodies, CLI
// failures, `switchyard explain`, `switchyard doctor` and docs/errors.md all
// read from here; call sites only add the specifics (which alias, which host).
// Codes are stable: tests and users match on them.

/** One thing to do. Commands differ per shell, so each may carry its own. */
export interface FixStep {
  text: string;
  /** bash/zsh (Linux, macOS, WSL). */
  posix?: string;
  /** Windows cmd.exe */
  cmd?: string;
  powershell?: string;
  /** A config snippet (YAML): the same on every OS. */
  config?: string;
}

export interface CatalogEntry {
  status: number;
  /** OpenAI's `error.type`, so SDKs classify the error as they would OpenAI's. */
  type: 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'server_error' | 'insufficient_quota';
  /** Whether the same request can succeed later; sent to clients as `x-should-retry`. */
  retryable: boolean;
  title: string;
  /** Why it happens, in one sentence. */
  cause: string;
  /** One line: what to do (goes into every HTTP error body). */
  fix: string;
  /** The fix in detail, for the CLI, `explain` and the docs. */
  steps: FixStep[];
  /** Other names users search for: the error reference's names, OS error codes, provider codes. */
  aliases?: string[];
  /** Where it happens: over HTTP, at start-up / in the CLI, or both. */
  surface: 'http' | 'cli' | 'both';
}

type Entry = Omit<CatalogEntry, 'steps'> & { steps?: FixStep[] };
const entry = (e: Entry): CatalogEntry => ({ ...e, steps: e.steps ?? [] });

const setVariable = (name: string, example: string): FixStep => ({
  text: `Set ${name} where Switchyard starts (or put ${name}=${example} in a .env file in that folder), then restart Switchyard.`,
  posix: `export ${name}=${example}`,
  cmd: `set ${name}=${example}`,
  powershell: `$env:${name}="${example}"`,
});

const findPortOwner: FixStep = {
  text: 'Find the process holding the port and stop it, or start Switchyard with --port <another>.',
  posix: 'lsof -nP -iTCP:4000 -sTCP:LISTEN   # or: ss -ltnp | grep :4000',
  cmd: 'netstat -ano | findstr :4000   &   taskkill /PID <pid> /F',
  powershell: 'Get-NetTCPConnection -LocalPort 4000 | Select-Object OwningProcess; Stop-Process -Id <pid>',
};

export const CATALOG = {
  // ── the client's request ──────────────────────────────────────────────
  invalid_json: entry({
    status: 400, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'Request body is not valid JSON',
    cause: 'The body could not be parsed as JSON; the message gives the line and column where parsing stopped.',
    fix: 'Send a JSON object; check quoting and commas at the line and column given.',
    steps: [
      { text: 'Check the body at the line and column given: double quotes around names and strings, no trailing commas.' },
      { text: 'In Windows cmd, quote the body with double quotes and escape the inner ones, or send it from a file.', posix: `curl http://localhost:4000/v1/chat/completions -H "Content-Type: application/json" -d '{"model": "groq-70b", "messages": [{"role": "user", "content": "Hello"}]}'`, cmd: 'curl http://localhost:4000/v1/chat/completions -H "Content-Type: application/json" -d @body.json' },
    ],
  }),
  invalid_request: entry({
    status: 400, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'A request field is missing or has the wrong type',
    cause: 'A field Switchyard needs (`model`, `messages`, `stream`, …) is missing or is not of the expected type; `param` names it.',
    fix: 'Fix the field named in `param` (see the OpenAI chat completions or the Anthropic Messages reference).',
  }),
  unsupported_param: entry({
    status: 400, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'The provider does not accept a parameter of this request',
    cause: 'The request uses a parameter the chosen provider or model rejects (Groq: `logprobs`, `logit_bias`, `top_logprobs`, `n` other than 1, `messages[].name`; Anthropic: penalties, `seed`, `n` other than 1, `temperature` above 1, `max_tokens` above the model\'s output limit (named in `max_output_tokens`), `temperature` together with `top_p` on Claude models from Opus 4.1 on), or, on /v1/messages, an Anthropic feature an OpenAI-compatible provider cannot honour (`top_k`, `thinking`, server tools, `document` blocks).',
    fix: 'Remove the parameter named in `param`, or set `litellm_settings.drop_params: true` to drop such parameters silently.',
    steps: [
      { text: 'Remove the parameter named in `param` from the request.' },
      { text: 'Or let Switchyard drop parameters the provider cannot take, in the config:', config: 'litellm_settings:\n  drop_params: true' },
    ],
  }),
  body_too_large: entry({
    status: 413, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'Request body is larger than the gateway accepts',
    cause: 'The body exceeds `general_settings.max_request_size_mb` (32 MB by default).',
    fix: 'Shorten the request, or raise `general_settings.max_request_size_mb`.',
  }),
  json_too_deep: entry({
    status: 400, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'Request body nests JSON too deeply',
    cause: 'The body nests arrays or objects more than 64 levels deep; no chat request needs that, and walking such a value can exhaust the stack.',
    fix: 'Flatten the structure: nest arrays and objects at most 64 levels deep.',
  }),
  headers_too_large: entry({
    status: 431, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'Request headers are too large',
    cause: 'The request line and headers together exceed 16 KB (Node\'s limit), most often a huge cookie or a header repeated many times.',
    fix: 'Send smaller headers (under 16 KB in total); put large data in the body.',
    aliases: ['431', 'HPE_HEADER_OVERFLOW'],
  }),
  url_too_long: entry({
    status: 414, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'Request URL is too long',
    cause: 'The URL exceeds 8 KB; Switchyard\'s endpoints take their input in the body, not the query string.',
    fix: 'Send the data in a JSON body instead of the URL, and check the client\'s base URL.',
    aliases: ['414'],
  }),
  request_timeout: entry({
    status: 408, type: 'invalid_request_error', retryable: true, surface: 'http',
    title: 'The client sent its request too slowly',
    cause: 'The headers did not arrive within `general_settings.client_header_timeout_seconds` (20 s), or the body not within `client_body_timeout_seconds` (60 s) after them; a stalled or very slow client holds a connection, so Switchyard closes it.',
    fix: 'Send the whole request promptly; on a slow link raise `general_settings.client_body_timeout_seconds`.',
    steps: [{ text: 'Give slow clients more time to upload the body:', config: 'general_settings:\n  client_body_timeout_seconds: 120' }],
    aliases: ['408', 'ERR_HTTP_REQUEST_TIMEOUT'],
  }),
  malformed_http: entry({
    status: 400, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'The request is not valid HTTP/1.1',
    cause: 'Node\'s HTTP parser rejected the bytes received: a bad request line, an invalid header name or value, a broken chunked encoding, or a protocol other than HTTP (TLS to a plain-HTTP port).',
    fix: 'Use an HTTP client (http://, not https://, unless a TLS proxy is in front), and check any hand-written headers.',
    aliases: ['HPE_INVALID_METHOD', 'HPE_INVALID_HEADER_TOKEN'],
  }),
  route_not_found: entry({
    status: 404, type: 'not_found_error', retryable: false, surface: 'http',
    title: 'No such endpoint',
    cause: 'The URL is not one Switchyard serves; most often the client\'s base URL lacks `/v1` or has it twice.',
    fix: 'Use /v1/chat/completions, /v1/messages, /v1/models or /health; an OpenAI client\'s base URL ends in /v1, an Anthropic client\'s does not.',
  }),
  method_not_allowed: entry({
    status: 405, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'Wrong HTTP method for this endpoint',
    cause: 'The endpoint exists but not for this method (e.g. GET on /v1/chat/completions).',
    fix: 'Use the method listed in the `allow` response header.',
  }),
  invalid_api_key: entry({
    status: 401, type: 'authentication_error', retryable: false, surface: 'http',
    title: 'Missing or wrong Switchyard key',
    cause: 'Switchyard has a `master_key` and the request carried no key, or a different one. (A provider rejecting its key is `upstream_authentication_error`.)',
    fix: 'Send the gateway\'s master key as `Authorization: Bearer <key>` or `x-api-key: <key>`.',
    steps: [
      { text: 'Give your client the master key from `general_settings.master_key` (or LITELLM_MASTER_KEY) as its API key.' },
      { text: 'With curl:', posix: 'curl http://localhost:4000/v1/models -H "Authorization: Bearer $LITELLM_MASTER_KEY"', cmd: 'curl http://localhost:4000/v1/models -H "Authorization: Bearer %LITELLM_MASTER_KEY%"', powershell: 'curl.exe http://localhost:4000/v1/models -H "Authorization: Bearer $env:LITELLM_MASTER_KEY"' },
    ],
    aliases: ['401'],
  }),
  model_not_found: entry({
    status: 404, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'Model alias is not configured',
    cause: 'The request\'s `model` matches no `model_name` in the config (a typo, a provider\'s model id instead of the alias, or the config file was not the one loaded).',
    fix: 'Use one of the configured aliases (GET /v1/models), or add a `model_list` entry with this `model_name`.',
    steps: [
      { text: 'List the aliases Switchyard serves:', posix: 'curl http://localhost:4000/v1/models' },
      { text: 'Or add the alias to the config and restart:', config: 'model_list:\n  - model_name: groq-70b\n    litellm_params:\n      model: groq/llama-3.3-70b-versatile\n      api_key: os.environ/GROQ_API_KEY' },
      { text: 'To pass any Groq model through by its own name, add a wildcard entry `model_name: groq/*` with `model: groq/*`.' },
    ],
    aliases: ['404'],
  }),

  // ── Switchyard's own limits and routing ──────────────────────────────
  gateway_rate_limited: entry({
    status: 429, type: 'rate_limit_error', retryable: true, surface: 'http',
    title: 'Switchyard\'s own rate limit for this alias was reached',
    cause: 'Every deployment of the alias is at its configured `rpm`, `tpm` or `max_parallel_requests`, and no capacity freed up while the request waited in the queue.',
    fix: 'Wait for `retry-after` seconds, or raise the limits / add deployments (more keys) for this alias.',
    steps: [{ text: 'Raise the deployment\'s limits, or add the same model under another key with the same model_name:', config: 'litellm_params:\n  rpm: 60\n  tpm: 24000\n  max_parallel_requests: 10' }],
  }),
  queue_full: entry({
    status: 503, type: 'server_error', retryable: true, surface: 'http',
    title: 'Switchyard is overloaded: too many requests are waiting',
    cause: 'The queue of requests waiting for rate-limit capacity is full, so new ones are turned away at once instead of piling up.',
    fix: 'Retry after `retry-after` seconds; send fewer concurrent requests or add capacity (deployments, keys).',
  }),
  all_deployments_rate_limited: entry({
    status: 429, type: 'rate_limit_error', retryable: true, surface: 'http',
    title: 'Every deployment of this alias is rate-limited by its provider',
    cause: 'Each deployment answered 429 recently and is cooling down until its provider\'s reset time; the message lists them and for how long.',
    fix: 'Wait for `retry-after` seconds, or add deployments with other keys or a `fallbacks` entry to another alias.',
  }),
  all_deployments_cooling_down: entry({
    status: 503, type: 'server_error', retryable: true, surface: 'http',
    title: 'Every deployment of this alias is cooling down after failures',
    cause: 'Each deployment failed repeatedly (unreachable, 5xx, overloaded, key rejected) and was taken out for `cooldown_time`; the message lists them, why, and for how long.',
    fix: 'Fix the cause named for each deployment, wait for `retry-after`, or add a `fallbacks` entry to another alias.',
    steps: [{ text: 'Send requests elsewhere while a group is down:', config: 'litellm_settings:\n  fallbacks: [{"groq-70b": ["groq-8b"]}]' }],
  }),

  // ── Switchyard's own configuration and start-up ──────────────────────
  config_not_found: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'cli',
    title: 'Configuration file not found',
    cause: 'The path given to --config does not exist (relative paths are read from the folder Switchyard was started in).',
    fix: 'Check the path given to --config; use an absolute path or run from the folder that holds the file.',
    steps: [
      { text: 'Use an absolute path:', posix: 'npx switchyard --config "$PWD/proxy_server_config.yaml"', cmd: 'npx switchyard --config "%CD%\\proxy_server_config.yaml"', powershell: 'npx switchyard --config "$PWD\\proxy_server_config.yaml"' },
    ],
    aliases: ['ConfigFileNotFound'],
  }),
  config_invalid_yaml: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'cli',
    title: 'Configuration file is not valid YAML',
    cause: 'The file could not be parsed as YAML at the line and column given (often a tab, a missing space after `:`, or misaligned indentation).',
    fix: 'Fix the YAML at the line and column given (indentation uses spaces, not tabs).',
  }),
  config_invalid: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'cli',
    title: 'Configuration file has invalid values',
    cause: 'A key has a value of the wrong type or outside the allowed values; each problem is listed with its line.',
    fix: 'Fix each listed key at its line; the README lists the accepted keys and values.',
    aliases: ['500'],
  }),
  env_var_not_set: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'both',
    title: 'An environment variable the config needs is not set',
    cause: 'The config says `os.environ/NAME` (or the provider\'s usual key variable) and NAME is not set or is empty. Switchyard starts anyway and disables only the deployments that need it.',
    fix: 'Set the variable (POSIX: export NAME=value; cmd: set NAME=value; PowerShell: $env:NAME="value") or add it to .env, then restart.',
    steps: [setVariable('GROQ_API_KEY', 'gsk_your_key_here')],
    aliases: ['EnvironmentVariableNotSet'],
  }),
  provider_not_supported: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'both',
    title: 'The configured provider is not supported by this Switchyard version',
    cause: 'The `litellm_params.model` prefix names a provider Switchyard cannot call yet; the rest of the config still works.',
    fix: 'Use groq/, openai/, openrouter/, ollama/, mock/, or openai/ with an api_base for any OpenAI-compatible server.',
  }),
  port_in_use: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'cli',
    title: 'The port is already in use',
    cause: 'Another process (often an earlier Switchyard or LiteLLM) listens on the port.',
    fix: 'Stop the other process or start with --port <another>.',
    steps: [findPortOwner, { text: 'Or use another port:', posix: 'npx switchyard --config proxy_server_config.yaml --port 4001' }],
    aliases: ['PortAlreadyInUse', 'EADDRINUSE', 'WinError 10048', '10048'],
  }),
  port_forbidden: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'cli',
    title: 'Not allowed to listen on this port',
    cause: 'Ports below 1024 need administrator rights; on Windows, Hyper-V/WSL reserve port ranges, or a firewall policy forbids the bind.',
    fix: 'Use a port above 1024, or on Windows check the excluded port ranges (netsh) and the firewall.',
    steps: [
      { text: 'Use an unprivileged port:', posix: 'npx switchyard --config proxy_server_config.yaml --port 4000' },
      { text: 'On Windows, see whether the port lies in a reserved range (Hyper-V, WSL, Docker):', cmd: 'netsh interface ipv4 show excludedportrange protocol=tcp' },
      { text: 'On Windows, allow the port through the firewall (as Administrator):', cmd: 'netsh advfirewall firewall add rule name="Switchyard" dir=in action=allow protocol=tcp localport=4000' },
    ],
    aliases: ['EACCES', 'WinError 10013', '10013'],
  }),
  host_not_available: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'cli',
    title: 'The --host address does not belong to this machine',
    cause: 'Switchyard can only bind an address of one of this machine\'s interfaces (or 0.0.0.0 / :: for all).',
    fix: 'Use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface; set a master_key first).',
    aliases: ['EADDRNOTAVAIL'],
  }),
  host_exposed_without_key: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'cli',
    title: 'Listening on every interface without a master key',
    cause: '--host 0.0.0.0 (or ::) accepts connections from the whole network and no master_key is set, so anyone who can reach the port can spend the provider keys.',
    fix: 'Set general_settings.master_key (or LITELLM_MASTER_KEY), or use --host 127.0.0.1.',
    steps: [
      { text: 'Require a key from clients:', config: 'general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY' },
      { text: 'Or serve this machine only:', posix: 'npx switchyard --config proxy_server_config.yaml --host 127.0.0.1' },
      { text: 'Or, on a network you trust, accept the risk explicitly:', posix: 'npx switchyard --config proxy_server_config.yaml --host 0.0.0.0 --allow_no_auth' },
    ],
  }),
  gateway_unreachable: entry({
    status: 502, type: 'server_error', retryable: true, surface: 'cli',
    title: 'Nothing answers at the gateway\'s address',
    cause: 'The client connects to a host and port where Switchyard is not listening: it is not running, it listens on another port, or it is bound to 127.0.0.1 while the client comes from another machine or container.',
    fix: 'Start Switchyard, and point the client at the host and port from its start-up banner.',
    steps: [
      { text: 'Check that it runs and answers:', posix: 'curl http://localhost:4000/health/liveliness', cmd: 'netstat -ano | findstr :4000' },
      { text: 'From another machine or a container, start it with --host 0.0.0.0 (and a master_key), and use the machine\'s address, not localhost.' },
    ],
    aliases: ['WinError 10061', '10061', 'ECONNREFUSED', 'Connection refused'],
  }),
  redis_unreachable: entry({
    status: 500, type: 'server_error', retryable: true, surface: 'cli',
    title: 'Redis is configured but cannot be reached',
    cause: '`router_settings.redis_host`/`redis_url` (or REDIS_HOST/REDIS_URL) points at a Redis that refuses, times out or rejects the password.',
    fix: 'Start Redis, fix the address or password, or remove the Redis settings to run on local state.',
    steps: [
      { text: 'Start Redis:', posix: 'redis-server --daemonize yes   # or: docker run -d -p 6379:6379 redis' },
      { text: 'Check the address Switchyard uses:', posix: 'redis-cli -h 127.0.0.1 -p 6379 ping' },
      { text: 'Or remove `redis_host`/`redis_port`/`redis_password` from router_settings (limits then apply per instance).' },
    ],
    aliases: ['RedisConnectionError'],
  }),
  state_per_worker: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'cli',
    title: 'Several workers without Redis keep limits per worker',
    cause: 'With --num_workers above 1 and no Redis, each worker keeps its own rpm/tpm/parallel counts and cooldowns, so together they may admit up to N times a deployment\'s limits.',
    fix: 'Set router_settings.redis_host/redis_port (or REDIS_HOST/REDIS_PORT) to share the state, or run one worker.',
    steps: [{ text: 'Share the state through Redis:', config: 'router_settings:\n  redis_host: 127.0.0.1\n  redis_port: 6379' }],
  }),
  log_dir_unavailable: entry({
    status: 500, type: 'server_error', retryable: false, surface: 'cli',
    title: 'The log directory cannot be written',
    cause: 'File logging is on (--log_dir or SWITCHYARD_LOG_DIR) and the directory cannot be created or its switchyard.log opened for appending: no permission, a file in the way, or a read-only disk.',
    fix: 'Give --log_dir a directory Switchyard may write (the default is the system temp folder + /switchyard), or drop the flag to log to stderr only.',
    steps: [
      { text: 'Check who may write there:', posix: 'ls -ld /tmp/switchyard', cmd: 'icacls "%TEMP%\\switchyard"', powershell: 'Get-Acl "$env:TEMP\\switchyard"' },
      { text: 'Or log elsewhere:', posix: 'npx switchyard --config proxy_server_config.yaml --log_dir "$HOME/.switchyard/logs"', cmd: 'npx switchyard --config proxy_server_config.yaml --log_dir "%LOCALAPPDATA%\\switchyard\\logs"' },
    ],
    aliases: ['ENOTDIR', 'EROFS'],
  }),
  internal_error: entry({
    status: 500, type: 'server_error', retryable: true, surface: 'both',
    title: 'Unexpected error inside Switchyard',
    cause: 'A bug in Switchyard; the log has the details under the request id.',
    fix: 'Retry; if it persists, run with --debug and report the request id.',
  }),

  // ── the upstream provider ─────────────────────────────────────────────
  upstream_bad_request: entry({
    status: 400, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'The provider rejected a request parameter',
    cause: 'The provider refused the request as invalid; its own message and `param` are passed on.',
    fix: 'Remove or change the parameter named in `param`; it is not supported by this provider or model.',
  }),
  context_length_exceeded: entry({
    status: 400, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'The messages do not fit in the model\'s context window',
    cause: 'The prompt (plus the requested completion) has more tokens than the model accepts; Llama 3.3 70B and 3.1 8B on Groq take 131,072.',
    fix: 'Shorten or chunk the messages, or add a `context_window_fallbacks` entry to a larger-window model.',
    steps: [
      { text: 'Shorten the conversation (drop old turns, summarise) or split the input into chunks.' },
      { text: 'Or send too-long requests to a larger-window alias automatically:', config: 'litellm_settings:\n  context_window_fallbacks: [{"groq-8b": ["groq-70b"]}]' },
    ],
  }),
  upstream_authentication_error: entry({
    status: 502, type: 'server_error', retryable: false, surface: 'http',
    title: 'The provider rejected the configured API key',
    cause: 'The key Switchyard sends for this deployment is wrong, revoked, truncated, or belongs to another provider. Your key to Switchyard is fine.',
    fix: 'Check the key in the variable named in the message (no spaces or newlines), or create a new one in the provider console.',
    steps: [
      { text: 'Check the variable is set and has no spaces or newline:', posix: 'printf "%s" "$GROQ_API_KEY" | wc -c', cmd: 'echo %GROQ_API_KEY%', powershell: 'echo $env:GROQ_API_KEY' },
      { text: 'Test the key directly against the provider:', posix: 'curl https://api.groq.com/openai/v1/models -H "Authorization: Bearer $GROQ_API_KEY"' },
      { text: 'Create a new key at console.groq.com/keys if it was revoked, then set it and restart Switchyard.' },
    ],
    aliases: ['AuthenticationError'],
  }),
  upstream_permission_denied: entry({
    status: 502, type: 'server_error', retryable: false, surface: 'http',
    title: 'The provider key lacks permission for this model',
    cause: 'The key is valid but may not use this model: the model is not in the account\'s tier, the organisation blocked it, or the region is not supported.',
    fix: 'Check the tier and region of the account in the provider console, or route the alias to a model the key may use.',
    aliases: ['403', 'PermissionDeniedError'],
  }),
  upstream_model_unavailable: entry({
    status: 502, type: 'server_error', retryable: false, surface: 'http',
    title: 'The provider does not serve the configured model',
    cause: 'The provider does not know `litellm_params.model` (a typo), has retired it, or does not offer it to this key.',
    fix: 'Update `litellm_params.model` to a model the provider lists (see its /models endpoint).',
    steps: [
      { text: 'List the provider\'s models:', posix: 'curl https://api.groq.com/openai/v1/models -H "Authorization: Bearer $GROQ_API_KEY"' },
      { text: 'Retired Groq models and their successors: console.groq.com/docs/deprecations.' },
    ],
    aliases: ['model_decommissioned'],
  }),
  rate_limit_exceeded: entry({
    status: 429, type: 'rate_limit_error', retryable: true, surface: 'http',
    title: 'The provider\'s rate limit was reached',
    cause: 'The provider counts requests or tokens per minute or per day for the key\'s organisation; the message says which limit (RPM, TPM, RPD, TPD).',
    fix: 'Wait for `retry-after` seconds, lower the request rate, or add deployments with other keys.',
    steps: [
      { text: 'Keep under the limit from the gateway side:', config: 'litellm_params:\n  rpm: 30\n  tpm: 12000' },
      { text: 'Add the same model under a second key (same model_name) so requests rotate between keys.' },
      { text: 'See your limits at console.groq.com/settings/limits.' },
    ],
    aliases: ['429', 'RateLimitError'],
  }),
  insufficient_quota: entry({
    status: 429, type: 'insufficient_quota', retryable: false, surface: 'http',
    title: 'The provider account is out of quota or credits',
    cause: 'The account\'s quota, credits or daily allowance is used up; waiting a minute will not help.',
    fix: 'Top up or upgrade the provider account, or route the alias to another key.',
  }),
  request_too_large: entry({
    status: 413, type: 'invalid_request_error', retryable: false, surface: 'http',
    title: 'The request is larger than the provider\'s per-minute token limit',
    cause: 'One request needs more tokens than the key may use in a whole minute (Groq answers 413), so no retry can ever succeed.',
    fix: 'Shorten the request, or use a model or tier with a higher TPM limit; retrying cannot help.',
  }),
  upstream_overloaded: entry({
    status: 503, type: 'server_error', retryable: true, surface: 'http',
    title: 'The provider is overloaded',
    cause: 'The provider has no capacity for this model right now (Groq: "over capacity", 503; flex tier 498).',
    fix: 'Retry after `retry-after` seconds with backoff, or configure a fallback model.',
    aliases: ['model_overloaded', '503'],
  }),
  upstream_generation_failed: entry({
    status: 502, type: 'server_error', retryable: true, surface: 'http',
    title: 'The model produced output the provider could not validate',
    cause: 'The model\'s tool call or JSON did not parse or match the schema (Groq `tool_use_failed`, `json_validate_failed`); `failed_generation` shows what it wrote.',
    fix: 'Retry, or adjust the prompt; the provider\'s `failed_generation` is in the error details.',
    aliases: ['tool_use_failed', 'json_validate_failed'],
  }),
  upstream_error: entry({
    status: 502, type: 'server_error', retryable: true, surface: 'http',
    title: 'The provider returned a server error',
    cause: 'The provider (or a proxy in front of it) failed with a 5xx.',
    fix: 'Retry shortly; check the provider\'s status page (groqstatus.com) if it persists.',
    aliases: ['502'],
  }),
  upstream_timeout: entry({
    status: 504, type: 'server_error', retryable: true, surface: 'http',
    title: 'The provider did not answer in time',
    cause: 'A deadline passed: connecting, the first byte of the answer, or the gap between streamed chunks; the message says which and the key that sets it.',
    fix: 'Raise `litellm_params.timeout` / `stream_timeout` (seconds) for this deployment, or retry.',
    steps: [{ text: 'Give the deployment more time:', config: 'litellm_params:\n  timeout: 120\n  stream_timeout: 60' }],
    aliases: ['Timeout', 'Connection Timeout', '504'],
  }),
  upstream_unreachable: entry({
    status: 502, type: 'server_error', retryable: true, surface: 'http',
    title: 'The provider could not be reached',
    cause: 'No HTTP answer from the provider: connection refused or reset, DNS failure, or no route (firewall, proxy, offline).',
    fix: 'Check `api_base`, DNS and the network (proxy, firewall) between Switchyard and the provider.',
    steps: [{ text: 'Test the provider from the machine Switchyard runs on:', posix: 'curl -sS https://api.groq.com/openai/v1/models -H "Authorization: Bearer $GROQ_API_KEY"' }],
    aliases: ['APIConnectionError', 'ENOTFOUND', 'ECONNRESET'],
  }),
  upstream_tls_error: entry({
    status: 502, type: 'server_error', retryable: false, surface: 'http',
    title: 'TLS to the provider failed',
    cause: 'The provider\'s certificate could not be verified: a wrong clock, a corporate proxy re-signing TLS, or an api_base host name that does not match.',
    fix: 'Check the system clock, corporate TLS interception (NODE_EXTRA_CA_CERTS) and the api_base host name.',
    steps: [setVariable('NODE_EXTRA_CA_CERTS', '/path/to/corporate-ca.pem')],
  }),
  upstream_invalid_response: entry({
    status: 502, type: 'server_error', retryable: true, surface: 'http',
    title: 'The provider sent a response Switchyard could not read',
    cause: 'The answer was not the provider\'s JSON or event stream: an HTML page from a proxy, a truncated body, an api_base that is not an OpenAI-compatible endpoint, or a body larger than 64 MiB (read no further, to keep the gateway\'s memory safe).',
    fix: 'Check that `api_base` points at an OpenAI-compatible endpoint (usually ending in /v1).',
  }),
  upstream_stream_interrupted: entry({
    status: 502, type: 'server_error', retryable: true, surface: 'http',
    title: 'The provider\'s stream ended early',
    cause: 'The provider stopped or broke the stream after it began; the answer the client received so far is incomplete, so Switchyard ends with an error event instead of `[DONE]`.',
    fix: 'Retry the request; the partial answer above is incomplete.',
  }),
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof CATALOG;
