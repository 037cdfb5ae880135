#!/usr/bin/env node
// The floor: the least a Node reverse proxy can do with the same building
// blocks as Switchyard (node:http in front, one undici Pool per upstream
// origin behind). It buffers the request body, forwards it with a fixed
// upstream Authorization header, and pipes the upstream answer back: no JSON
// parsing, no routing, no auth check, no logging.
//
// Usage: node bench/targets/bare-proxy.mjs --upstream http://127.0.0.1:PORT [--port N]
// Prints `listening on http://127.0.0.1:<port>` when ready. Binds 127.0.0.1 only.
import { createServer } from 'node:http';
import { argPort, argValue, exitWithParent } from '../lib/child.mjs';
import { undici } from '../lib/undici.mjs';

const upstream = argValue('--upstream');
if (!upstream) {
  process.stderr.write('bare-proxy: --upstream http://127.0.0.1:PORT is required\n');
  process.exit(2);
}

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
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
exitWithParent(() => server.close());
