import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { startGateway } from '../helpers/gateway-process.js';

// Thousands of concurrent connections — idle keep-alive ones, ones stuck
// half-way through their headers, ones stalled in their body, ones that never
// sent a byte — and normal requests still get answered quickly, the process
// stays within a memory bound, and the stalled ones are cut at their deadline.

/** The file-descriptor limit bounds both processes; stay well inside it (there is none to speak of on Windows). */
function connectionBudget(wanted: number): number {
  if (process.platform === 'win32') return wanted;
  const limit = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim());
  return Number.isFinite(limit) ? Math.min(wanted, limit - 256) : wanted;
}

const TOTAL = connectionBudget(2000);
const BODY = JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

test(`${TOTAL} concurrent connections (idle, half-sent headers, stalled bodies, silent): requests still answered fast, memory bounded`, { skip: TOTAL < 200 ? `ulimit -n allows only ${TOTAL + 256} descriptors` : false }, async () => {
  const gateway = await startGateway({
    config: 'model_list:\n  - model_name: demo\n    litellm_params: { model: mock/demo }\ngeneral_settings: { client_header_timeout_seconds: 4, client_body_timeout_seconds: 2 }\n',
  });
  const sockets: Socket[] = [];
  try {
    const rssBefore = await metric(gateway.url, 'process_resident_memory_bytes');
    const quarter = Math.floor(TOTAL / 4);
    // Opened in one burst, beyond Node's default listen backlog (511). The time it takes is reported, not
    // asserted: on a loaded machine this test's own event loop is what makes it slow.
    const openStarted = performance.now();
    const opened = await Promise.all(Array.from({ length: TOTAL }, () => open(gateway.port)));
    const openMs = performance.now() - openStarted;
    sockets.push(...opened);
    const closedAt = new Map<Socket, number>();
    const startedAt = Date.now();
    for (const socket of sockets) {
      socket.on('error', () => undefined).on('close', () => closedAt.set(socket, Date.now() - startedAt));
      socket.resume();
    }
    const idle = sockets.slice(0, quarter);
    const halfHeaders = sockets.slice(quarter, 2 * quarter);
    const stalledBodies = sockets.slice(2 * quarter, 3 * quarter);
    const silent = sockets.slice(3 * quarter);
    // Idle keep-alive: one complete request each, then nothing.
    for (const s of idle) s.write(`GET /health/liveliness HTTP/1.1\r\nHost: x\r\n\r\n`);
    for (const s of halfHeaders) s.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n');
    for (const s of stalledBodies) s.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY.slice(0, 10)}`);
    // (the last quarter never sends a byte)
    await new Promise((r) => setTimeout(r, 300));

    // Normal traffic meanwhile: answered, and fast.
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      const res = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', body: BODY });
      assert.equal(res.status, 200);
      await res.text();
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)]!;
    assert.ok(p95 < 250, `p95 ${p95.toFixed(1)} ms with ${TOTAL} connections open`);

    const rssDuring = await metric(gateway.url, 'process_resident_memory_bytes');
    const perConnection = (rssDuring - rssBefore) / TOTAL;
    assert.ok(rssDuring - rssBefore < 150 * 1024 * 1024, `RSS grew by ${((rssDuring - rssBefore) / 1048576).toFixed(1)} MB`);

    // Every stalled client is cut at its deadline and its socket freed: bodies at 2 s, headers (and silence) at 4 s.
    const closedWithin = async (group: Socket[], ms: number) => {
      while (group.some((s) => !closedAt.has(s)) && Date.now() - startedAt < ms) await new Promise((r) => setTimeout(r, 100));
      return group.filter((s) => closedAt.has(s)).length;
    };
    assert.equal(await closedWithin(stalledBodies, 3500), stalledBodies.length, 'stalled bodies closed');
    assert.equal(await closedWithin(halfHeaders, 6500), halfHeaders.length, 'half-sent headers closed');
    assert.equal(await closedWithin(silent, 6500), silent.length, 'silent connections closed');
    assert.equal(idle.filter((s) => closedAt.has(s)).length, 0, 'idle keep-alive connections are kept (keepAliveTimeout 65 s)');
    process.stdout.write(`# ${TOTAL} connections opened in ${openMs.toFixed(0)} ms: p95 ${p95.toFixed(1)} ms, RSS +${((rssDuring - rssBefore) / 1048576).toFixed(1)} MB (${(perConnection / 1024).toFixed(1)} KB each)\n`);

    const after = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', body: BODY });
    assert.equal(after.status, 200);
  } finally {
    for (const s of sockets) s.destroy();
    await gateway.stop();
  }
});
