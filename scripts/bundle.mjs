#!/usr/bin/env node
// The `switchyard` command as one file, dependencies inside: dist/switchyard.js.
// Start-up is mostly Node resolving and compiling ≈130 modules (ours, zod,
// yaml, commander, prom-client); one file halves that. tsc's dist/ stays as
// it is for the library entry (dist/index.js) and for type declarations.
//
// undici is not inside: upstream-pool.ts loads only its Pool, from
// node_modules, at run time (createRequire is invisible to the bundler).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/switchyard.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The CommonJS dependencies call require() for Node's built-ins; an ES module has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // Stack traces name our functions either way; with NODE_OPTIONS=--enable-source-maps they point into src/.
  sourcemap: 'linked',
  logLevel: 'warning',
});
