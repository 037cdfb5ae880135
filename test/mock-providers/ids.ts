// Deterministic identifiers and the Go duration format providers use.
//
// Ids are derived from a seed (server flavor + request counter, or request
// content) so that two runs of a test see the same ids, while the *shape* of
// each id matches the provider's (length, alphabet, prefix).

import { createHash } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Crockford-style base32, lowercase: the alphabet of Groq's `req_01…` ULID-like ids. */
const ULID = '0123456789abcdefghjkmnpqrstvwxyz';

/** `length` characters from `alphabet`, a pure function of `seed`. */
export function idFrom(seed: string, length: number, alphabet: 'lower' | 'mixed' | 'hex' | 'ulid'): string {
  const chars = alphabet === 'lower' ? LOWER : alphabet === 'mixed' ? MIXED : alphabet === 'ulid' ? ULID : '0123456789abcdef';
  let out = '';
  let round = 0;
  while (out.length < length) {
    const digest = createHash('sha256').update(`${seed}#${round++}`).digest();
    for (const byte of digest) {
      if (out.length === length) break;
      out += chars[byte % chars.length];
    }
  }
  return out;
}

/** A v4-shaped UUID from a seed (Groq's `chatcmpl-<uuid>`). */
export function uuidFrom(seed: string): string {
  const h = idFrom(seed, 32, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Go's time.Duration.String() as Groq and OpenAI print reset/wait times:
 * `940ms`, `7.66s`, `25.01s`, `2m59.56s`, `14m24s`, `1h2m3s`.
 */
export function goDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = Math.round((seconds % 60) * 100) / 100;
  const secs = `${Number(rest.toFixed(2))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secs}`;
  if (minutes > 0) return `${minutes}m${secs}`;
  return secs;
}
