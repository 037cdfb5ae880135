// What a client may send before any handler sees it, and the catalog error it
// gets when it sends more. Node's HTTP parser refuses oversized headers, bad
// syntax and slow headers by itself, but answers with a bare status line; the
// `clientError` handler here answers with the same JSON envelope as every
// other error instead, then frees the socket.
//
// Limits (documented in the README):
// - request line + headers: 16 KB (Node's maxHeaderSize) → 431 headers_too_large
// - URL: 8 KB → 414 url_too_long (also when the request line alone overflows 16 KB)
// - headers must arrive within client_header_timeout_seconds (20 s) → 408 request_timeout
// - a body must arrive within client_body_timeout_seconds (60 s) → 408 (chat's reader, body.ts);
//   a body nobody reads is bounded by Node's requestTimeout: both timeouts plus a margin
// - JSON nesting: 64 levels → 400 json_too_deep (json-depth.ts)
// - anything else the parser rejects → 400 malformed_http

import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Config } from '../config/types.js';
import { errorEnvelope, errorHeaders } from '../errors/envelope.js';
import { GatewayError } from '../errors/gateway-error.js';

export const MAX_HEADER_BYTES = 16 * 1024;
export const MAX_URL_BYTES = 8 * 1024;
const DEFAULT_HEADER_TIMEOUT_MS = 20_000;
const DEFAULT_BODY_TIMEOUT_MS = 60_000;
/** Time for the client to read our error answer before the socket is destroyed anyway. */
const LINGER_MS = 1000;

/** Options for `createServer`: set here so the documented limits hold whatever Node's defaults become. */
export const hostileInputServerOptions: ServerOptions = {
  maxHeaderSize: MAX_HEADER_BYTES,
  // How often Node checks header and request timeouts (default 30 s, which would let a 20 s limit run to 50 s).
  connectionsCheckingInterval: 1000,
};

export interface ClientTimeouts {
  headerMs: number;
  bodyMs: number;
}

export function clientTimeouts(config: Config): ClientTimeouts {
  const seconds = (key: string): number | undefined => {
    const value = config.generalSettings.raw[key];
    return typeof value === 'number' && value > 0 ? value * 1000 : undefined;
  };
  return {
    headerMs: seconds('client_header_timeout_seconds') ?? DEFAULT_HEADER_TIMEOUT_MS,
    bodyMs: seconds('client_body_timeout_seconds') ?? DEFAULT_BODY_TIMEOUT_MS,
  };
}

/**
 * Node enforces the header deadline itself. Its request deadline (headers and
 * body) is only the backstop for bodies no handler reads: the chat handler's
 * own body timer fires first and answers through the normal error path.
 */
export function applyClientTimeouts(server: Server, timeouts: ClientTimeouts): void {
  server.requestTimeout = timeouts.headerMs + timeouts.bodyMs + 5000;
  server.headersTimeout = timeouts.headerMs;
}

/** The URL limit, checked before routing (the parser's own limit is the 16 KB of the whole head). */
export function checkUrlLength(url: string | undefined): void {
  if (url !== undefined && url.length > MAX_URL_BYTES) {
    throw new GatewayError('url_too_long', `The request URL is ${url.length} bytes long; Switchyard accepts at most ${MAX_URL_BYTES}.`, {
      details: { limit_bytes: MAX_URL_BYTES },
    });
  }
}

/**
 * Answers the parser's refusals and Node's timeouts with a catalog error, then
 * closes the connection. `onRefused` observes each refusal (log, metrics):
 * it receives the code only, never the raw bytes, which may hold a key.
 */
export function answerClientErrors(server: Server, onRefused: (error: GatewayError, cause: string) => void): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    const error = classify(err);
    if (error === undefined || !socket.writable || responseStarted(socket)) {
      // A reset, or an answer already on its way: nothing sensible to add.
      socket.destroy();
      return;
    }
    onRefused(error, err.code ?? 'unknown');
    socket.end(rawResponse(error));
    // end() sends a FIN after the answer; a client that keeps sending would hold the socket, so it goes anyway.
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}

function classify(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): GatewayError | undefined {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return requestLineTooLong(err.rawPacket)
        ? new GatewayError('url_too_long', `The request line is longer than the ${MAX_URL_BYTES / 1024} KB Switchyard accepts for a URL.`, { details: { limit_bytes: MAX_URL_BYTES } })
        : new GatewayError('headers_too_large', `The request headers exceed ${MAX_HEADER_BYTES / 1024} KB.`, { details: { limit_bytes: MAX_HEADER_BYTES } });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError('request_timeout', 'The request did not arrive in time: its headers were too slow, or its body, which nothing read, never ended.');
    default:
      if (err.code?.startsWith('HPE_') === true) {
        return new GatewayError('malformed_http', `The request is not valid HTTP/1.1 (${err.code}).`, { details: { parser_code: err.code } });
      }
      return undefined;
  }
}

/**
 * Whether the head overflowed inside the request line. The parser does not
 * say which part overflowed; the packet it was parsing does, when it starts
 * the request (the common case: a client writes its head at once).
 */
function requestLineTooLong(packet: Buffer | undefined): boolean {
  if (packet === undefined || !/^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1'))) return false;
  const lineEnd = packet.indexOf('\n');
  return lineEnd === -1 || lineEnd > MAX_URL_BYTES;
}

/** Node keeps the response in flight on the socket; once its headers are out, another answer would corrupt the stream. */
function responseStarted(socket: Duplex): boolean {
  return (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage?.headersSent === true;
}

function rawResponse(error: GatewayError): string {
  const id = randomUUID();
  const body = JSON.stringify(errorEnvelope(error, id));
  const headers: Record<string, string | number> = {
    'x-request-id': id,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
    ...errorHeaders(error),
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n${head}\r\n${body}`;
}
