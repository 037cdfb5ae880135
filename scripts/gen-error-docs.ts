// Writes docs/errors.md from the catalog: `npm run docs:errors`.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderErrorDocs } from '../src/errors/docs.js';

writeFileSync(resolve(import.meta.dirname, '../docs/errors.md'), renderErrorDocs());
