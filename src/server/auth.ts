import * as crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';

/**
 * Checks the caller's key against `general_settings.master_key`. Both
 * `Authorization: Bearer` (OpenAI SDKs) and `x-api-key` (Anthropic SDKs) are
 * accepted. Digests are compared so timing reveals neither content nor length.
 */
export function createAuthenticator(masterKey: string | undefined): (headers: IncomingHttpHeaders) => void {
  if (masterKey === undefined) return () => undefined;
  const expected = digest(masterKey);
  return (headers) => {
    const presented = presentedKey(headers);
    if (presented === undefined) {
      throw new GatewayError('invalid_api_key', 'This Switchyard requires a key: send `Authorization: Bearer <master_key>` or `x-api-key: <master_key>`.');
    }
    if (!sameDigest(digest(presented), expected)) {
      throw new GatewayError('invalid_api_key', 'The key sent to Switchyard does not match its master_key (general_settings.master_key).');
    }
  };
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match ? match[1]!.trim() : authorization.trim();
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}

/**
 * Runs on every authenticated request, so the digest is a 32-character
 * 'binary' (latin1) string: the one-shot `crypto.hash` (Node ≥ 20.12)
 * returning a string, compared below, costs a third of returning the Buffers
 * `timingSafeEqual` needs. Older Node builds a Hash object.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'binary') => string }).hash;
function digest(value: string): string {
  return oneShot !== undefined ? oneShot('sha256', value, 'binary') : crypto.createHash('sha256').update(value).digest('binary');
}

/** Whether two digests are equal, in a time that does not depend on where they differ. */
function sameDigest(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
