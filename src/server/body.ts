import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';
import { locateJsonError } from './json-position.js';

/**
 * Reads the whole body, refusing it as soon as it exceeds `limitBytes` (from
 * `content-length` before reading, or while reading when the client lied or
 * used chunked encoding), then parses it as JSON.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) throw tooLarge(declared, limitBytes);
  const text = await readText(req, limitBytes);
  try {
    return JSON.parse(text);
  } catch {
    const where = locateJsonError(text);
    throw new GatewayError('invalid_json', `Request body is not valid JSON: ${where.reason} at line ${where.line}, column ${where.column}.`, {
      details: { line: where.line, column: where.column },
    });
  }
}

/** Event listeners rather than `for await`: leaving that loop early would destroy the request before the 413 is sent. */
function readText(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        reject(tooLarge(size, limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8'));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(size: number, limitBytes: number): GatewayError {
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  return new GatewayError('body_too_large', `Request body exceeds the ${mb(limitBytes)} MB limit (${mb(size)} MB received or declared).`, {
    details: { limit_bytes: limitBytes },
  });
}
