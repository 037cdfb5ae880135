import { createRequire } from 'node:module';

// package.json sits one level above both src/ (under tsx) and dist/ (compiled).
const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

export const VERSION: string = pkg.version;
