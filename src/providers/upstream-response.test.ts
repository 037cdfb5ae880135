// The upstream call and its body against a real local HTTP server: whole and
// chunked reads, backpressure, cancellation, and the errors of a dead or
// broken upstream (undici's own error codes, which upstream-error.ts classifies).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Cancellation } from '../util/cancel-signal.js';
import { GatewayError } from '../errors/gateway-error.js';
import { UpstreamClient } from './upstream-client.js';
import { closeAllPools, poolFor } from './upstream-pool.js';
import { dispatchUpstream, MAX_WHOLE_BODY_BYTES, UpstreamBodyTooLarge, type UpstreamResponse } from './upstream-response.js';

const CHUNK = Buffer.alloc(16 * 1024, 'x');
let server: Server;
let origin: string;
const sockets = new Set<Socket>();
let answer: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;

before(async () => {
  server = createServer((req, res) => answer(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await closeAllPools();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const call = (signal = new Cancellation(), origin_ = origin): Promise<UpstreamResponse> =>
  dispatchUpstream(poolFor(origin_), { method: 'POST', path: '/x', headers: { 'content-type': 'application/json' }, body: '{}', headersTimeout: 5000, bodyTimeout: 5000 }, signal);

/** Writes `count` chunks, each once the socket took the previous one; resolves with how many went out. */
function writeChunks(res: ServerResponse, count: number): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    const more = () => {
      while (sent < count) {
        sent++;
        if (!res.write(CHUNK)) return void res.once('drain', more);
      }
      res.end();
      resolve(sent);
    };
    res.on('close', () => resolve(sent));
    more();
  });
}

test('text() joins a body sent in several chunks; status and headers arrive first', async () => {
  answer = (_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json', 'x-ratelimit-remaining-requests': '7' });
    res.write('{"a":"é');
    setTimeout(() => res.end('"}'), 20);
  };
  const response = await call();
  assert.equal(response.statusCode, 201);
  assert.equal(response.headers['x-ratelimit-remaining-requests'], '7');
  assert.deepEqual(JSON.parse(await response.body.text()), { a: 'é' });
});

test('read() hands out the chunks in order, then null', async () => {
  answer = (_req, res) => void writeChunks(res, 8);
  const response = await call();
  let bytes = 0;
  for (let chunk = await response.body.read(); chunk !== null; chunk = await response.body.read()) bytes += chunk.length;
  assert.equal(bytes, 8 * CHUNK.length);
  assert.equal(await response.body.read(), null);
});

test('backpressure: an unread body pauses the upstream socket, and reading resumes it', async () => {
  let sending: Promise<number> | undefined;
  answer = (_req, res) => {
    sending = writeChunks(res, 512); // 8 MiB: far more than the socket buffers hold
  };
  const response = await call();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sentWhilePaused = await Promise.race([sending!, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 50))]);
  assert.equal(sentWhilePaused, -1, 'the server could write everything: nothing paused the upstream');
  let bytes = 0;
  for (let chunk = await response.body.read(); chunk !== null; chunk = await response.body.read()) bytes += chunk.length;
  assert.equal(bytes, 512 * CHUNK.length);
  assert.equal(await sending, 512);
});

test('the signal aborts a body being read: the reader gets its reason and the connection is dropped', async () => {
  let closed: Promise<void> | undefined;
  answer = (_req, res) => {
    closed = new Promise((resolve) => res.on('close', resolve));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {}\n\n');
  };
  const signal = new Cancellation();
  const response = await call(signal);
  assert.ok(await response.body.read());
  const reading = response.body.read();
  signal.abort(new Error('client disconnected'));
  await assert.rejects(reading, /client disconnected/);
  await closed;
});

test('the signal aborts a call still waiting for its headers', async () => {
  answer = () => undefined; // never answers
  const signal = new Cancellation();
  const pending = call(signal);
  setTimeout(() => signal.abort(new Error('client disconnected')), 30);
  await assert.rejects(pending, /client disconnected/);
});

test('destroy() drops the connection of a body nobody will read', async () => {
  let closed: Promise<void> | undefined;
  answer = (_req, res) => {
    closed = new Promise((resolve) => res.on('close', resolve));
    res.writeHead(200);
    res.write('partial');
  };
  const response = await call();
  response.body.destroy();
  await closed;
  await assert.rejects(response.body.read(), /discarded/);
});

test('an upstream that cuts the body fails the read with undici\'s socket error', async () => {
  answer = (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('short');
    setTimeout(() => res.socket?.destroy(), 20);
  };
  const response = await call();
  await assert.rejects(response.body.text(), (err: { code?: string }) => err.code === 'UND_ERR_SOCKET');
});

test('nothing listening: the call rejects with the connection error', async () => {
  const idle = createServer();
  await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
  const port = (idle.address() as AddressInfo).port;
  await new Promise((resolve) => idle.close(resolve));
  await assert.rejects(call(new Cancellation(), `http://127.0.0.1:${port}`), (err: { code?: string }) => err.code === 'ECONNREFUSED');
});

test('a body read whole stops at its limit: the connection is dropped, nothing more is held', async () => {
  let sending: Promise<number> | undefined;
  answer = (_req, res) => {
    sending = writeChunks(res, 512); // 8 MiB
  };
  const response = await call();
  await assert.rejects(response.body.text(1024 * 1024), (err: unknown) => err instanceof UpstreamBodyTooLarge && err.limitBytes === 1024 * 1024);
  assert.ok((await sending!) < 512, 'the upstream could send its whole body');
});

test('the limit holds for a body that arrived whole before it was read', async () => {
  answer = (_req, res) => res.end(Buffer.alloc(10 * 1024, 'x'));
  const response = await call();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await assert.rejects(response.body.text(1024), UpstreamBodyTooLarge);
});

test('the gateway refuses an answer past MAX_WHOLE_BODY_BYTES as upstream_invalid_response', async () => {
  answer = (_req, res) => void writeChunks(res, MAX_WHOLE_BODY_BYTES / CHUNK.length + 64);
  const context = { alias: 'a', deploymentId: 'a#0', provider: 'groq', upstreamModel: 'm', host: '127.0.0.1', apiKey: undefined };
  const client = new UpstreamClient(origin, {}, context);
  const timeout = { seconds: 10, key: undefined };
  const response = await client.request('POST', '/x', '{}', new Cancellation(), timeout);
  await assert.rejects(client.text(response, timeout), (err: unknown) => err instanceof GatewayError && err.code === 'upstream_invalid_response');
});
