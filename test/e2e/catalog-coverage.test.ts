import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CATALOG } from '../../src/errors/catalog.js';

// Every catalog error — over HTTP or on the command line — is provoked for real
// by some end-to-end test; adding a code without such a test fails here.
const NOT_PROVOKABLE = new Set(['internal_error']); // a Switchyard bug by definition

test('each catalog code is asserted by an end-to-end test', () => {
  const dir = import.meta.dirname;
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts') && f !== 'catalog-coverage.test.ts')
    .map((f) => readFileSync(resolve(dir, f), 'utf8'))
    .join('\n');
  const missing = Object.entries(CATALOG)
    .map(([code]) => code)
    .filter((code) => !NOT_PROVOKABLE.has(code))
    .filter((code) => !new RegExp(`\\b${code}\\b`).test(sources));
  assert.deepEqual(missing, []);
});
