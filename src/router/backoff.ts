// Exponential backoff with jitter, as the OpenAI and Anthropic SDKs do it:
// 0.5 s, 1 s, 2 s … capped at 8 s, minus up to 25 % so clients do not retry in step.

const BASE_MS = 500;
const CAP_MS = 8_000;

/** Wait before retry number `retry` (0 for the first retry); `random` in [0, 1). */
export function backoffMs(retry: number, random: () => number): number {
  const exponential = Math.min(BASE_MS * 2 ** retry, CAP_MS);
  return Math.round(exponential * (1 - random() * 0.25));
}

/**
 * The provider's own wait wins when it gave one (retry-after, reset headers),
 * since retrying sooner only earns another 429.
 */
export function retryDelayMs(retry: number, providerRetryAfterSeconds: number | undefined, random: () => number): number {
  if (providerRetryAfterSeconds !== undefined && providerRetryAfterSeconds >= 0) return Math.ceil(providerRetryAfterSeconds * 1000);
  return backoffMs(retry, random);
}
