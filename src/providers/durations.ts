// Providers say "when" in three dialects: Go durations in headers and messages
// (Groq, OpenAI: "2m59.56s", "84ms"), seconds or HTTP dates in `retry-after`,
// and RFC 3339 timestamps (Anthropic). All become seconds from now.

const GO_DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** "2m59.56s" → 179.56; undefined when nothing parses. */
export function parseGoDuration(text: string): number | undefined {
  let total = 0;
  let matched = false;
  for (const [, amount, unit] of text.matchAll(GO_DURATION_PART)) {
    total += Number(amount) * (UNIT_SECONDS[unit!] ?? 0);
    matched = true;
  }
  return matched ? Math.round(total * 1000) / 1000 : undefined;
}

/** `retry-after`: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds : undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** "... Please try again in 25.01s." / "in 14m24s" inside provider messages. */
export function parseTryAgainIn(message: string): number | undefined {
  const match = /try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(message);
  return match ? parseGoDuration(match[1]!) : undefined;
}

/** Anthropic's `anthropic-ratelimit-*-reset`: an RFC 3339 timestamp ("2026-08-21T12:00:30Z") → seconds from now, 0 when past. */
export function parseResetTimestamp(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  // Date.parse also reads bare numbers and loose formats; only a real timestamp counts here.
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text.trim())) return undefined;
  const at = Date.parse(text.trim());
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round(at - now) / 1000);
}
