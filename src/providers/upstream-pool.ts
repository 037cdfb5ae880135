import { createRequire } from 'node:module';
import type { Pool as UndiciPool } from 'undici';

// Only undici's Pool, not its index: the index loads fetch, WebSocket,
// cookies, caching, mocking and the request API, which the gateway never
// uses (≈10 MB of idle RSS and ≈100 ms of start-up); calls go through the
// Pool's own `dispatch` (upstream-response.ts). undici has no `exports` map,
// so this path is part of what it publishes; if a release moves it,
// start-up fails here at once, never on the first request.
const requireUndici = createRequire(import.meta.url);
const Pool = requireUndici('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
if (typeof Pool.prototype.dispatch !== 'function') throw new Error('undici: Pool has no dispatch (lib/dispatcher/pool.js moved?)');

// One keep-alive pool per upstream origin, shared by every deployment that
// points there (several Groq keys reuse the same TLS connections).
const pools = new Map<string, UndiciPool>();

export function poolFor(origin: string): UndiciPool {
  let pool = pools.get(origin);
  if (pool === undefined) {
    pool = new Pool(origin, {
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connect: { timeout: 10_000 },
    });
    pools.set(origin, pool);
  }
  return pool;
}

export async function closeAllPools(): Promise<void> {
  const closing = [...pools.values()].map((pool) => pool.destroy().catch(() => undefined));
  pools.clear();
  await Promise.all(closing);
}
