// What Switchyard knows about Claude models without asking: the context window
// (to refuse a prompt that cannot fit before paying for a round trip) and the
// largest `max_tokens` the API accepts (Anthropic requires `max_tokens`; OpenAI
// clients usually omit it). From platform.claude.com's model pages, 2026-08.
// Matched by prefix, so dated snapshots (`claude-sonnet-4-5-20250929`) and
// aliases (`claude-sonnet-4-5`) share a row; the longest prefix wins.

export interface ClaudeLimits {
  contextWindow: number;
  maxOutputTokens: number;
}

const K = 1_000;
const M = 1_000_000;

const TABLE: Array<[prefix: string, limits: ClaudeLimits]> = [
  // Current generation: 1M window, 128K output.
  ['claude-fable-5', { contextWindow: M, maxOutputTokens: 128 * K }],
  ['claude-opus-5', { contextWindow: M, maxOutputTokens: 128 * K }],
  ['claude-sonnet-5', { contextWindow: M, maxOutputTokens: 128 * K }],
  ['claude-haiku-5', { contextWindow: M, maxOutputTokens: 128 * K }],
  ['claude-opus-4-8', { contextWindow: M, maxOutputTokens: 128 * K }],
  ['claude-opus-4-7', { contextWindow: M, maxOutputTokens: 128 * K }],
  ['claude-opus-4-6', { contextWindow: M, maxOutputTokens: 128 * K }],
  ['claude-sonnet-4-6', { contextWindow: M, maxOutputTokens: 128 * K }],
  // 200K unless the `context-1m` beta is sent (then set model_info.max_input_tokens).
  ['claude-opus-4-5', { contextWindow: 200 * K, maxOutputTokens: 64 * K }],
  ['claude-sonnet-4-5', { contextWindow: 200 * K, maxOutputTokens: 64 * K }],
  ['claude-haiku-4-5', { contextWindow: 200 * K, maxOutputTokens: 64 * K }],
  ['claude-opus-4-1', { contextWindow: 200 * K, maxOutputTokens: 32 * K }],
  ['claude-opus-4', { contextWindow: 200 * K, maxOutputTokens: 32 * K }],
  ['claude-sonnet-4', { contextWindow: 200 * K, maxOutputTokens: 64 * K }],
  ['claude-3-7-sonnet', { contextWindow: 200 * K, maxOutputTokens: 64 * K }],
  ['claude-3-5-sonnet', { contextWindow: 200 * K, maxOutputTokens: 8_192 }],
  ['claude-3-5-haiku', { contextWindow: 200 * K, maxOutputTokens: 8_192 }],
  ['claude-3-opus', { contextWindow: 200 * K, maxOutputTokens: 4_096 }],
  ['claude-3-haiku', { contextWindow: 200 * K, maxOutputTokens: 4_096 }],
];
const LIMITS = [...TABLE].sort(([a], [b]) => b.length - a.length);

export function claudeLimits(model: string): ClaudeLimits | undefined {
  return LIMITS.find(([prefix]) => model.startsWith(prefix))?.[1];
}

/**
 * The largest `max_tokens` the model accepts: `model_info.max_output_tokens`
 * when configured (it wins, e.g. for Sonnet 3.7 with the `output-128k` beta
 * header), else the table's; undefined for a model neither knows.
 */
export function maxOutputTokens(model: string, configured: number | undefined): number | undefined {
  return configured ?? claudeLimits(model)?.maxOutputTokens;
}

/**
 * Models that take `temperature` or `top_p`, not both: Anthropic answers 400
 * "`temperature` and `top_p` cannot both be specified for this model". Every
 * model from Opus 4.1 (August 2025) on; older ones accept both.
 */
const ONE_SAMPLING_PARAMETER = [
  'claude-opus-4-1', 'claude-opus-4-5', 'claude-opus-4-6', 'claude-opus-4-7', 'claude-opus-4-8',
  'claude-sonnet-4-5', 'claude-sonnet-4-6', 'claude-haiku-4-5',
  'claude-fable-5', 'claude-opus-5', 'claude-sonnet-5', 'claude-haiku-5',
];

export function refusesTemperatureWithTopP(model: string): boolean {
  return ONE_SAMPLING_PARAMETER.some((prefix) => model.startsWith(prefix));
}

/**
 * `max_tokens` for a model the table does not know: every Claude model since
 * 3.5 accepts it, and it is long enough for most answers. `model_info.max_output_tokens`
 * in the config overrides it.
 */
export const UNKNOWN_MODEL_MAX_TOKENS = 8_192;

/**
 * Anthropic's SDKs refuse a non-streaming call whose `max_tokens` could take
 * over 10 minutes at their planning rate of 128,000 tokens an hour
 * (128,000 / 6 = 21,333), because networks drop idle connections that long;
 * Opus 4 and 4.1 are capped lower (8,192). A default we invent stays under
 * that; a `max_tokens` the client sends is passed as is.
 */
const NON_STREAMING_DEFAULT_CAP = 21_333;
const NON_STREAMING_MODEL_CAPS: Array<[prefix: string, cap: number]> = [
  ['claude-opus-4-1', 8_192],
  ['claude-opus-4-0', 8_192],
  ['claude-opus-4-2025', 8_192],
];

/** The `max_tokens` sent when the client gave none. */
export function defaultMaxTokens(model: string, stream: boolean, configured: number | undefined): number {
  const ceiling = maxOutputTokens(model, configured) ?? UNKNOWN_MODEL_MAX_TOKENS;
  if (stream) return ceiling;
  const modelCap = NON_STREAMING_MODEL_CAPS.find(([prefix]) => model.startsWith(prefix))?.[1] ?? NON_STREAMING_DEFAULT_CAP;
  return Math.min(ceiling, modelCap);
}
