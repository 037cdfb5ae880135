#!/usr/bin/env node
// The peer: Portkey's open-source AI gateway (@portkey-ai/gateway, a
// dependency of bench/ only), run as published (`build/start-server.js`), in
// this process. Portkey has no config file of its own here: each request
// names the provider and the upstream in headers (`x-portkey-provider: groq`,
// `x-portkey-custom-host: <mock>/v1`, Authorization passed through as the
// provider key), which is how its docs use it against a self-hosted upstream.
//
// Its server binds every interface and prints a spinner and a banner; the
// harness wants 127.0.0.1 only and a `listening on` line, so before loading it
// this wrapper makes every listen() in the process bind 127.0.0.1 and prints
// the line once the server listens.
//
// Usage: node bench/targets/portkey.mjs [--port N]
import { createRequire } from 'node:module';
import net from 'node:net';
import { argPort, exitWithParent } from '../lib/child.mjs';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function loopbackOnly(...args) {
  // Portkey calls listen(port) or listen({ port }); either way: that port, on loopback.
  const port = typeof args[0] === 'object' && args[0] !== null ? args[0].port : args[0];
  const done = args.find((a) => typeof a === 'function');
  this.once('listening', () => {
    process.stdout.write(`listening on http://127.0.0.1:${this.address().port}\n`);
  });
  return listen.call(this, Number(port) || 0, '127.0.0.1', done);
};

// Its banner and spinner go to stdout; the harness only looks for the line above.
console.clear = () => undefined;
process.argv = [process.argv[0], 'portkey', `--port=${argPort()}`, '--headless'];
const entry = createRequire(import.meta.url).resolve('@portkey-ai/gateway/build/start-server.js');
exitWithParent();
await import(entry);
