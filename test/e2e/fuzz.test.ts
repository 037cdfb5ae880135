import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool } from 'undici';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process.js';

// Random and mutated requests for a bounded time: every answer is a catalog
// error or a success — never a 500, never a hang — and the gateway keeps
// serving afterwards. Seeded, so a failure can be replayed.

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const REQUESTS = 1500;
const TIME_LIMIT_MS = 15_000;

let gateway: GatewayProcess;
before(async () => {
  gateway = await startGateway({
    config: 'model_list:\n  - model_name: demo\n    litellm_params: { model: mock/demo }\ngeneral_settings: { max_request_size_mb: 1 }\n',
  });
});
after(() => gateway.stop());

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const valid = { model: 'demo', messages: [{ role: 'user', content: 'hi' }], stream: false };
const weird: unknown[] = [null, true, 0, -1, 1e308, '', 'x'.repeat(5000), [], {}, [[[]]], { role: 1 }, '\u0000', '\ud800', 'demo', NaN];

function mutate(random: () => number): { method: string; path: string; body: string | Buffer; headers: Record<string, string> } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const where = random();
  const path = where < 0.7 ? '/v1/chat/completions'
    : where < 0.85 ? pick(['/v1/messages', '/v1/messages/count_tokens'])
    : pick(['/v1/models', '/v1/models/%E0%A4%A', '/health/readiness', '/nope', '/v1/chat/completions/x', '/%2e%2e/etc', '/v1/models/demo', '/v1/messages/x']);
  const method = random() < 0.9 ? 'POST' : pick(['GET', 'PUT', 'DELETE', 'PATCH']);
  const headers: Record<string, string> = random() < 0.5 ? { 'content-type': 'application/json' } : { 'content-type': pick(['text/plain', 'multipart/form-data', 'application/x-www-form-urlencoded']) };
  // Anthropic's shape on its routes, so mutations reach its translation, not only its validation.
  const body: Record<string, unknown> = path.startsWith('/v1/messages') ? { ...structuredClone(valid), max_tokens: 16, stream: random() < 0.3 } : structuredClone(valid);
  const kind = random();
  if (kind < 0.25) {
    // Wrong types in every field the gateway reads, and in some it does not.
    for (const key of ['model', 'messages', 'stream', 'stream_options', 'temperature', 'tools', 'tool_choice', 'system', 'max_tokens']) if (random() < 0.4) body[key] = pick(weird);
  } else if (kind < 0.4) {
    delete body[pick(['model', 'messages'])];
  } else if (kind < 0.5) {
    let nested: unknown = 'deep';
    for (let i = 0; i < 2000 + Math.floor(random() * 5000); i++) nested = [nested];
    body.messages = [{ role: 'user', content: nested }];
  } else if (kind < 0.6) {
    body.stream = true;
    body.stream_options = random() < 0.5 ? { include_usage: pick(weird) } : { include_usage: true };
  } else if (kind < 0.7) {
    body.messages = [{ role: 'user', content: [{ type: 'text', text: pick(weird) }, { type: 'image_url', image_url: pick(weird) }] }];
  } else if (kind < 0.78) {
    body.messages = [
      { role: 'user', content: 'weather?' },
      { role: pick(['assistant', 'user', 'tool']), content: [{ type: pick(['tool_use', 'tool_result', 'image', 'text']), id: pick(weird), name: pick(weird), input: pick(weird), tool_use_id: pick(weird), content: pick(weird), source: pick(weird) }] },
    ];
    body.tools = [{ name: pick(['get_weather', ...weird]), input_schema: pick([{ type: 'object' }, ...weird]), type: pick([undefined, 'custom', 'web_search_20250305']) }];
  }
  let text = JSON.stringify(body);
  const damage = random();
  if (damage < 0.15) text = text.slice(0, Math.floor(random() * text.length));
  else if (damage < 0.25) text = text.replace(/[,:"{}]/, pick(['', ' ', "'", '}}', '\n']));
  else if (damage < 0.3) return { method, path, headers, body: Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))) };
  else if (damage < 0.32) text = JSON.stringify({ ...body, padding: 'p'.repeat(1_200_000) });
  return { method, path, headers, body: text };
}

/** The gateway's open file descriptors and active handles, from its own /metrics (prom-client's process metrics). */
async function openResources(): Promise<{ fds: number; handles: number }> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { fds: read('process_open_fds'), handles: read('nodejs_active_handles_total') };
}

test(`${REQUESTS} random and mutated requests: no 500, no hang, no leak, the gateway keeps serving (seed ${SEED})`, async () => {
  const before = await openResources();
  const random = rng(SEED);
  const client = new Pool(gateway.url, { connections: 8, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const deadline = Date.now() + TIME_LIMIT_MS;
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < REQUESTS && Date.now() < deadline) {
      sent++;
      const request = mutate(random);
      try {
        const res = await client.request({ ...request, body: request.method === 'GET' ? undefined : request.body });
        const text = await res.body.text();
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500) failures.push(`${res.statusCode} ${request.method} ${request.path}: ${text.slice(0, 200)}`);
        else if (res.statusCode >= 400 && !/"code":"[a-z_]+"/.test(text)) failures.push(`${res.statusCode} without a catalog code: ${text.slice(0, 200)}`);
      } catch (err) {
        // A refused oversized upload may close the socket early; anything else is a failure.
        if ((err as NodeJS.ErrnoException).code !== 'UND_ERR_SOCKET' && (err as NodeJS.ErrnoException).code !== 'EPIPE') failures.push(`${request.method} ${request.path}: ${String(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await client.close();
  assert.deepEqual(failures.slice(0, 10), [], `statuses: ${JSON.stringify([...statuses])}`);
  assert.ok(sent >= 300, `only ${sent} requests in ${TIME_LIMIT_MS} ms`);
  assert.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0, JSON.stringify([...statuses]));

  const after = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify(valid) });
  assert.equal(after.status, 200);
  assert.equal(gateway.proc.exitCode, null, 'still running');

  // Every socket the fuzz opened is closed, and nothing it started (timers, upstream calls) is left behind.
  let now = await openResources();
  for (let i = 0; i < 20 && (now.fds > before.fds + 2 || now.handles > before.handles + 2); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    now = await openResources();
  }
  assert.ok(Number.isFinite(before.fds) && Number.isFinite(before.handles), 'the process metrics are exported');
  assert.ok(now.fds <= before.fds + 2, `open fds ${before.fds} → ${now.fds}`);
  assert.ok(now.handles <= before.handles + 2, `active handles ${before.handles} → ${now.handles}`);
});
