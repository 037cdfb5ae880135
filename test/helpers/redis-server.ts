// A throwaway redis-server on a spare port, for tests that stop, pause or
// restart Redis (never the shared one on 6379). No persistence: stopping it
// loses everything, like a Redis that crashed.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface TestRedis {
  port: number;
  /** Starts the server (again, on the same port after stop()). */
  start(): Promise<void>;
  /** SIGKILL: connections drop at once, as when Redis crashes. */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that keeps connections open but never answers. */
  pause(): void;
  resume(): void;
  /** A plain client for assertions (fresh each call; the caller disconnects it). */
  client(): Redis;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server on `port` (a free one by default). */
export async function startTestRedis(port?: number): Promise<TestRedis> {
  port ??= await freePort();
  let proc: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server on ${port} did not start in 5 s: ${out}`)), 5000);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on ${port} exited with ${code}: ${out}`));
      });
    });
  };

  const stop = async (): Promise<void> => {
    const child = proc;
    proc = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  };

  await start();
  return {
    port,
    start,
    stop,
    pause: () => proc?.kill('SIGSTOP'),
    resume: () => proc?.kill('SIGCONT'),
    client: () => new Redis({ host: '127.0.0.1', port, lazyConnect: false, maxRetriesPerRequest: 1 }),
  };
}

/** Whether the shared Redis on 127.0.0.1:6379 answers (tests skip without it). */
export async function sharedRedisAvailable(): Promise<boolean> {
  const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Deletes the keys under `prefix` (never FLUSHALL: other tests share this Redis). */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/** The keys under `prefix` with their remaining TTL (ms; -1 = never expires). */
export async function keysWithTtl(client: Redis, prefix: string): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) result.set(key, await client.pttl(key));
  } while (cursor !== '0');
  return result;
}
