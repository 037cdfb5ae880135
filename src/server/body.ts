import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
import { locateJsonError } from './json-position.js';
import { DeadlineSweep } from '../util/deadline-sweep.js';

export interface JsonBody {
  json: unknown;
  /** The bytes as received, so they can be forwarded without re-serialising. */
  raw: Buffer;
}

/** What a client may send: `max_request_size_mb` and `client_body_timeout_seconds`. */
export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

/**
 * Reads the whole body, refusing it as soon as it exceeds the size limit (from
 * `content-length` before reading, or while reading when the client lied or
 * used chunked encoding) or the time limit, then parses it as JSON.
 */
export async function readJsonBody(req: IncomingMessage, { maxBytes: limitBytes, timeoutMs }: BodyLimits): Promise<JsonBody> {
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) throw tooLarge(declared, limitBytes);
  const raw = await readBytes(req, limitBytes, timeoutMs);
  if (exceedsJsonDepth(raw)) {
    throw new GatewayError('json_too_deep', `Request body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep.`, { details: { max_depth: MAX_JSON_DEPTH } });
  }
  const text = raw.toString('utf8');
  try {
    return { json: JSON.parse(text), raw };
  } catch {
    const where = locateJsonError(text);
    throw new GatewayError('invalid_json', `Request body is not valid JSON: ${where.reason} at line ${where.line}, column ${where.column}.`, {
      details: { line: where.line, column: where.column },
    });
  }
}

/** Body timeouts are seconds long: checked four times a second, not with a timer per request. */
const bodyDeadlines = new DeadlineSweep(250);

/**
 * Event listeners rather than `for await`: leaving that loop early would
 * destroy the request before the 413 is sent. The whole body must arrive
 * within `timeoutMs` of the start: a stalled or trickling client holds a socket.
 */
function readBytes(req: IncomingMessage, limitBytes: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const deadline = bodyDeadlines.add(timeoutMs, () => {
      cleanup();
      reject(new GatewayError('request_timeout', `The request body did not arrive within ${timeoutMs / 1000} s (${size} bytes received).`, {
        details: { timeout_seconds: timeoutMs / 1000, received_bytes: size },
      }));
    });
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
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      bodyDeadlines.clear(deadline);
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
