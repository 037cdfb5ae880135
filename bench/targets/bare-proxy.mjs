#!/usr/bin/env node
// The floor: the least a Node reverse proxy can do with the same building
// blocks as Switchyard (node:http in front, one undici Pool per upstream
// origin behind). It buffers the request body, forwards it with a fixed
// upstream Authorization header, and pipes the upstream answer back: no JSON
// parsing, no routing, no auth check, no logging.
//
// Usage: node bench/targets/bare-proxy.mjs --upstream http://127.0.0.1:PORT [--port N] [--workers N]
// Prints `listening on http://127.0.0.1:<port>` when ready. Binds 127.0.0.1 only.
//
// --workers N (N > 1): N node:cluster workers on one port, with Node's default
// round-robin scheduling as Switchyard's --num_workers uses: what N Node
// processes can gain on this machine, to judge Switchyard's workers against.
import { createServer } from 'node:http';
import { argPort, argValue, exitWithParent } from '../lib/child.mjs';
import { undici } from '../lib/undici.mjs';

const upstream = argValue('--upstream');
if (!upstream) {
  process.stderr.write('bare-proxy: --upstream http://127.0.0.1:PORT is required\n');
  process.exit(2);
}
const workers = Number(argValue('--workers') ?? 1);
// Loaded only for workers, so that the one-process floor starts as it always did.
const cluster = workers > 1 ? (await import('node:cluster')).default : undefined;

if (cluster?.isPrimary) supervise(workers);
else serve();

/** The primary serves nothing: it announces the shared port once every worker listens, and takes its workers with it when it goes. */
function supervise(count) {
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === count) process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
  });
  // One worker short would be measured as two: fail loudly instead.
  cluster.on('exit', (worker, code, signal) => {
    process.stderr.write(`bare-proxy: worker ${worker.process.pid} exited (${signal ?? `code ${code}`})\n`);
    process.exit(1);
  });
  for (let i = 0; i < count; i++) cluster.fork();
  // A worker also exits by itself when its IPC channel closes (a primary SIGKILLed).
  exitWithParent(() => {
    for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
  });
}

function serve() {
  // Same pool settings as Switchyard's src/providers/upstream-pool.ts.
  const pool = new undici.Pool(upstream, {
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connect: { timeout: 10_000 },
  });
  const UPSTREAM_HEADERS = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${process.env.GROQ_API_KEY ?? 'gsk_bench'}`,
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      pool.request({ method: req.method, path: req.url, headers: UPSTREAM_HEADERS, body }).then(
        (up) => {
          const headers = { 'content-type': up.headers['content-type'] ?? 'application/octet-stream' };
          if (up.headers['content-length'] !== undefined) headers['content-length'] = up.headers['content-length'];
          res.writeHead(up.statusCode, headers);
          up.body.pipe(res);
        },
        (err) => {
          if (res.headersSent) return res.destroy();
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`bare-proxy: ${err.code ?? err.message}`);
        },
      );
    });
  });

  server.listen(argPort(), '127.0.0.1', () => {
    // A worker's port reaches the primary with cluster's 'listening' event.
    if (!cluster) process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
  });
  exitWithParent(() => server.close());
}
