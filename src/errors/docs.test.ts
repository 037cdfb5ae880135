import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CATALOG } from './catalog.js';
import { renderErrorDocs } from './docs.js';

test('docs/errors.md is exactly what the catalog generates (run `npm run docs:errors`)', () => {
  const onDisk = readFileSync(resolve(import.meta.dirname, '../../docs/errors.md'), 'utf8');
  assert.equal(onDisk, renderErrorDocs());
});

test('every catalog entry is complete and its status matches its OpenAI type', () => {
  for (const [code, entry] of Object.entries(CATALOG)) {
    assert.match(code, /^[a-z_]+$/, code);
    for (const field of ['title', 'cause', 'fix'] as const) assert.ok(entry[field].length > 10, `${code}.${field}`);
    if (entry.status === 429) assert.ok(['rate_limit_error', 'insufficient_quota'].includes(entry.type), code);
    if (entry.status === 401) assert.equal(entry.type, 'authentication_error', code);
    if (entry.status >= 500) assert.equal(entry.type, 'server_error', code);
  }
});

test('aliases are unique, so `switchyard explain <name>` is unambiguous', () => {
  const seen = new Map<string, string>();
  for (const [code, entry] of Object.entries(CATALOG)) {
    for (const alias of ('aliases' in entry ? entry.aliases : []) as string[]) {
      if (/^\d{3}$/.test(alias)) continue; // HTTP statuses legitimately list several codes
      assert.ok(!seen.has(alias.toLowerCase()), `${alias} is used by ${seen.get(alias.toLowerCase())} and ${code}`);
      seen.set(alias.toLowerCase(), code);
    }
  }
});
