// Start-up time: from spawning a server process to its first successful
// answer over HTTP, which is what a supervisor, a rolling deploy or a
// developer waiting on `switchyard --config …` sees (the "listening on" line
// comes a moment before the first request can be served, and a process can
// print it before it really serves).
import http from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnNode, stopOne } from './processes.mjs';

/** A port that was free a moment ago on 127.0.0.1 (the process under test must know its port before it starts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One GET on a fresh connection: its status, or 0 when nothing answers yet. */
function probe(port, path) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode));
      res.once('error', () => resolve(0));
    });
    req.once('error', () => resolve(0));
    req.once('timeout', () => req.destroy());
  });
}

/**
 * Milliseconds from spawn to the first answer to `GET path` for which
 * `ok(status)` holds, polling every millisecond or two (a refused connection
 * costs microseconds, so the poller barely competes with the starting
 * process). `build(port)` gives `{ args, cwd?, env?, cleanup? }` for
 * `node ...args`. The process is stopped before this returns.
 */
export async function timeToAnswer(build, { path, ok, timeoutMs = 30_000 }) {
  const port = await freePort();
  const spec = build(port);
  const t0 = performance.now();
  const { child, stderr } = spawnNode(spec.args, { cwd: spec.cwd, env: spec.env });
  let exited = false;
  child.once('exit', () => { exited = true; });
  child.stdout.resume();
  try {
    for (;;) {
      const status = await probe(port, path);
      if (ok(status)) return performance.now() - t0;
      if (exited) throw new Error(`exited before answering ${path}${stderr() ? `:\n${stderr().trimEnd()}` : ''}`);
      if (performance.now() - t0 > timeoutMs) throw new Error(`no answer on ${path} within ${timeoutMs} ms`);
      await sleep(1);
    }
  } finally {
    await stopOne({ child });
    spec.cleanup?.();
  }
}
