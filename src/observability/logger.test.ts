import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './logger.js';

test('JSON lines by default; secrets dropped by field name; levels filter', () => {
  const lines: string[] = [];
  const logger = createLogger('info', (line) => lines.push(line));
  logger.info('request', { alias: 'groq-70b', api_key: 'gsk_secret', authorization: 'Bearer x', master_key: 'm', total_tokens: 5 });
  logger.debug('hidden');
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]!);
  assert.equal(entry.level, 'info');
  assert.equal(entry.alias, 'groq-70b');
  assert.equal(entry.total_tokens, 5);
  for (const field of ['api_key', 'authorization', 'master_key']) assert.equal(entry[field], '[redacted]');
  assert.ok(!lines[0]!.includes('gsk_secret'));
});

test('a terminal gets one short human line, still redacted', () => {
  const lines: string[] = [];
  createLogger('info', (line) => lines.push(line), true).info('request', { status: 200, alias: 'demo', api_key: 'gsk_secret', skipped: undefined });
  assert.match(lines[0]!, /^\d\d:\d\d:\d\d INFO  request status=200 alias=demo api_key=\[redacted\]\n$/);
});

test('nested objects and Bearer values in any string field are redacted too', () => {
  const lines: string[] = [];
  createLogger('info', (line) => lines.push(line)).info('upstream', {
    headers: { authorization: 'Bearer sk-nested-1', 'x-api-key': 'sk-nested-2', accept: 'json' },
    note: 'sent Bearer sk-inline-3 upstream',
  });
  const entry = JSON.parse(lines[0]!);
  assert.deepEqual(entry.headers, { authorization: '[redacted]', 'x-api-key': '[redacted]', accept: 'json' });
  assert.equal(entry.note, 'sent Bearer [redacted] upstream');
  assert.ok(!/sk-nested|sk-inline/.test(lines[0]!));
});
