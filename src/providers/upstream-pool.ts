import { createRequire } from 'node:module';
import type { Dispatcher, Pool as UndiciPool } from 'undici';

// Only undici's Pool and its request API, not its index: the index loads
// fetch, WebSocket, cookies, caching and mocking too, which the gateway
// never uses (≈10 MB of idle RSS and ≈100 ms of start-up). The index does
// one more thing, which is repeated here: it puts the request API
// (`request`, `stream`, …) on Dispatcher.prototype. undici has no `exports`
// map, so these paths are part of what it publishes; if a release moves
// them, start-up fails here at once (and the check below catches a missing
// API), never on the first request.
const requireUndici = createRequire(import.meta.url);
const DispatcherBase = requireUndici('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
if (typeof (DispatcherBase.prototype as Partial<Dispatcher>).request !== 'function') Object.assign(DispatcherBase.prototype, requireUndici('undici/lib/api/index.js'));
const Pool = requireUndici('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
if (typeof Pool.prototype.request !== 'function' || typeof Pool.prototype.stream !== 'function') throw new Error('undici: Pool has no request API (lib/api moved?)');

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
