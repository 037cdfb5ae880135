// The harness and the bare proxy use the very undici that Switchyard uses:
// resolved from the repository root's node_modules, never from bench/'s.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../package.json', import.meta.url));
export const undici = require('undici');
export const undiciVersion = require('undici/package.json').version;
