import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { pingRedis, redisTarget } from './redis-ping.js';

const none = { host: undefined, port: undefined, password: undefined, url: undefined };

test('the target comes from redis_url when given, else host/port with Redis defaults', () => {
  assert.deepEqual(redisTarget({ ...none, url: 'rediss://user:p%40ss@cache.example:6380/0' }), { host: 'cache.example', port: 6380, tls: true, username: 'user', password: 'p@ss' });
  assert.deepEqual(redisTarget({ ...none, host: '10.0.0.5' }), { host: '10.0.0.5', port: 6379, tls: false, username: undefined, password: undefined });
  assert.equal(redisTarget(none).host, 'localhost');
});

test('a port where nothing listens is ECONNREFUSED', async () => {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  const result = await pingRedis({ ...none, host: '127.0.0.1', port });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, 'ECONNREFUSED');
});

test('AUTH then PING; a rejected password is reported with Redis\'s code, a silent server as a timeout', async () => {
  const received: string[] = [];
  const server = createServer((socket) => {
    socket.on('data', (data) => {
      received.push(String(data));
      if (String(data).includes('AUTH')) socket.write('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  try {
    const wrong = await pingRedis({ ...none, host: '127.0.0.1', port, password: 'secret-pw' });
    assert.equal(!wrong.ok && wrong.reason, 'WRONGPASS');
    assert.match(received.join(''), /^\*2\r\n\$4\r\nAUTH\r\n\$9\r\nsecret-pw\r\n\*1\r\n\$4\r\nPING\r\n/);
    const silent = await pingRedis({ ...none, host: '127.0.0.1', port }, 200);
    assert.equal(!silent.ok && silent.reason, 'ETIMEDOUT');
  } finally {
    server.close();
  }
});

test('a real Redis answers PONG', async (t) => {
  const result = await pingRedis({ ...none, host: '127.0.0.1', port: 6379 });
  if (!result.ok) return t.skip('no Redis on 127.0.0.1:6379');
  assert.equal(result.ok, true);
});
