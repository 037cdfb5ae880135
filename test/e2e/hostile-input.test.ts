import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';

// Hostile input over raw sockets: what Node's parser refuses by itself
// (oversized heads, broken HTTP, slow headers) and what Switchyard limits
// (URL length, slow or stalled bodies, deep JSON) all answer with a catalog
// error in the JSON envelope, the socket is closed, and the gateway serves on.

let gateway: GatewayProcess;
before(async () => {
  gateway = await startGateway({
    config: [
      'model_list:',
      '  - model_name: demo',
      '    litellm_params: { model: mock/demo }',
      'general_settings: { client_header_timeout_seconds: 1, client_body_timeout_seconds: 1 }',
      '',
    ].join('\n'),
  });
});
after(() => gateway.stop());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** ms from the first write until the server closed the connection. */
  closedAfterMs: number;
}

/** Writes `parts` (with a pause between them), then reads until the server closes the connection. */
async function raw(parts: Array<string | Buffer>, pauseMs = 0): Promise<RawAnswer> {
  const socket: Socket = connect(gateway.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const started = Date.now();
  let received = '';
  socket.setEncoding('latin1').on('data', (d: string) => (received += d));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  socket.on('error', () => undefined);
  for (const part of parts) {
    if (socket.destroyed) break;
    socket.write(part);
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  const closedAfterMs = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
  socket.destroy();
  const [head = '', body = ''] = received.split('\r\n\r\n', 2);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body, closedAfterMs };
}

function codeOf(answer: RawAnswer): string {
  return (JSON.parse(answer.body) as { error: { code: string } }).error.code;
}

const chatHead = (contentLength: number) =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;

test('headers over 16 KB: 431 headers_too_large in the JSON envelope, connection closed', async () => {
  const filler = Array.from({ length: 20 }, (_, i) => `x-filler-${i}: ${'a'.repeat(1000)}\r\n`).join('');
  const answer = await raw([`GET /v1/models HTTP/1.1\r\nHost: x\r\n${filler}\r\n`]);
  assert.equal(answer.status, 431);
  assert.equal(codeOf(answer), 'headers_too_large');
  assert.equal(answer.headers['content-type'], 'application/json');
  assert.match(answer.headers['x-request-id'] ?? '', /^[\w-]{36}$/);
  assert.ok(answer.closedAfterMs >= 0, 'the server closed the connection');
});

test('a URL over 8 KB: 414 url_too_long, whether the parser or the router sees it first', async () => {
  const routed = await raw([`GET /v1/models?q=${'a'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
  assert.equal(routed.status, 414);
  assert.equal(codeOf(routed), 'url_too_long');
  const parsed = await raw([`GET /v1/models?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
  assert.equal(parsed.status, 414);
  assert.equal(codeOf(parsed), 'url_too_long');
});

test('bytes that are not HTTP (a TLS hello, a bad header): 400 malformed_http', async () => {
  const tls = await raw([Buffer.from('16030100a5010000a10303', 'hex')]);
  assert.equal(tls.status, 400);
  assert.equal(codeOf(tls), 'malformed_http');
  const badHeader = await raw(['GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n']);
  assert.equal(badHeader.status, 400);
  assert.equal(codeOf(badHeader), 'malformed_http');
});

test('slow headers (slowloris): 408 request_timeout after client_header_timeout_seconds, socket freed', async () => {
  const answer = await raw(['GET /v1/models HTTP/1.1\r\n', 'Host: x\r\n', 'X-Slow: 1\r\n'], 600);
  assert.equal(answer.status, 408);
  assert.equal(codeOf(answer), 'request_timeout');
  assert.ok(answer.closedAfterMs > 900 && answer.closedAfterMs < 3500, `closed after ${answer.closedAfterMs} ms`);
});

test('a stalled body: 408 request_timeout after client_body_timeout_seconds, socket freed', async () => {
  const answer = await raw([chatHead(100) + '{"model":']);
  assert.equal(answer.status, 408);
  assert.equal(codeOf(answer), 'request_timeout');
  assert.equal(answer.headers.connection, 'close');
  assert.ok(answer.closedAfterMs > 900 && answer.closedAfterMs < 3000, `closed after ${answer.closedAfterMs} ms`);
});

test('a trickling body (a byte every 200 ms) is cut at the same deadline', async () => {
  const answer = await raw([chatHead(100), ...'{"model":"demo","messages":[]}'.split('')], 200);
  assert.equal(answer.status, 408);
  assert.equal(codeOf(answer), 'request_timeout');
  assert.ok(answer.closedAfterMs < 3000, `closed after ${answer.closedAfterMs} ms`);
});

test('JSON nested 100,000 deep: 400 json_too_deep, quickly; 60 levels are fine', async () => {
  const deep = (n: number) => JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }).replace('"hi"', `${'['.repeat(n)}"hi"${']'.repeat(n)}`);
  const started = performance.now();
  const refused = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', body: deep(100_000) });
  assert.equal(refused.status, 400);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'json_too_deep');
  assert.ok(performance.now() - started < 2000);
  // A bracket inside a string is text, not nesting.
  const inString = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', body: deep(1).replace('"hi"', JSON.stringify('[{'.repeat(5000) + '\\"')) });
  assert.equal(inString.status, 200, await inString.text());
  const fine = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', body: deep(60) });
  assert.notEqual(((await fine.json()) as { error?: { code: string } }).error?.code, 'json_too_deep');
});

test('after all that, the gateway still serves', async () => {
  const res = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }) });
  assert.equal(res.status, 200);
  assert.equal(gateway.proc.exitCode, null);
});
