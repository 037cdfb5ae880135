// One RESP round trip to Redis (AUTH if a password, then PING), without a
// client library: start-up and `doctor` only need to know whether the
// configured Redis answers, and why not. Never echoes the password.

import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { RedisSettings } from '../config/types.js';

export interface RedisTarget {
  host: string;
  port: number;
  tls: boolean;
  username: string | undefined;
  password: string | undefined;
}

export type RedisPingResult =
  | { ok: true; target: RedisTarget }
  /** `reason`: the OS error code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND, …) or Redis's own error (WRONGPASS, NOAUTH). */
  | { ok: false; target: RedisTarget; reason: string; detail: string };

const DEFAULT_PORT = 6379;
const DEFAULT_HOST = 'localhost';

/** Where Redis is, from redis_url (which wins, as in LiteLLM) or redis_host/port/password. */
export function redisTarget(settings: RedisSettings): RedisTarget {
  if (settings.url !== undefined) {
    try {
      const url = new URL(settings.url);
      return {
        host: url.hostname.replace(/^\[|\]$/g, '') || DEFAULT_HOST,
        port: url.port ? Number(url.port) : DEFAULT_PORT,
        tls: url.protocol === 'rediss:',
        username: url.username ? decodeURIComponent(url.username) : undefined,
        password: url.password ? decodeURIComponent(url.password) : settings.password,
      };
    } catch {
      // Not a URL: fall through to the separate keys, and the ping will say what fails.
    }
  }
  return { host: settings.host ?? DEFAULT_HOST, port: settings.port ?? DEFAULT_PORT, tls: false, username: undefined, password: settings.password };
}

/** `host:port`, IPv6 in brackets. */
export function redisAddress(target: RedisTarget): string {
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

export async function pingRedis(settings: RedisSettings, timeoutMs = 1500): Promise<RedisPingResult> {
  const target = redisTarget(settings);
  return new Promise((resolve) => {
    let settled = false;
    let socket: Socket;
    const finish = (result: RedisPingResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const fail = (reason: string, detail: string): void => finish({ ok: false, target, reason, detail });
    const timer = setTimeout(() => fail('ETIMEDOUT', `no answer within ${timeoutMs} ms`), timeoutMs);

    socket = target.tls ? connectTls({ host: target.host, port: target.port, servername: target.host }) : connectTcp({ host: target.host, port: target.port });
    socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      const auth = target.password === undefined ? '' : command(target.username === undefined ? ['AUTH', target.password] : ['AUTH', target.username, target.password]);
      socket.write(auth + command(['PING']));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'ERROR', err.message));
    socket.once('close', () => fail('ECONNRESET', 'the connection closed before Redis answered'));

    let buffer = '';
    let expected = target.password === undefined ? 1 : 2;
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while (expected > 0 && (newline = buffer.indexOf('\r\n')) >= 0) {
        const reply = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        expected--;
        if (reply.startsWith('-')) {
          // "-WRONGPASS invalid username-password pair": the first word is Redis's error code.
          const text = reply.slice(1);
          return fail(text.split(' ')[0] ?? 'ERR', text);
        }
        if (expected === 0) {
          return reply === '+PONG' ? finish({ ok: true, target }) : fail('EPROTO', `unexpected answer to PING (is ${redisAddress(target)} a Redis server?)`);
        }
      }
    });
  });
}

/** A RESP array of bulk strings. */
function command(parts: string[]): string {
  return `*${parts.length}\r\n` + parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('');
}
