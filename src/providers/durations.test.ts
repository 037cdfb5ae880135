import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, parseResetTimestamp, parseRetryAfter, parseTryAgainIn } from './durations.js';

test('Go durations as Groq and OpenAI send them', () => {
  assert.equal(parseGoDuration('2m59.56s'), 179.56);
  assert.equal(parseGoDuration('940ms'), 0.94);
  assert.equal(parseGoDuration('1h2m3s'), 3723);
  assert.equal(parseGoDuration('soon'), undefined);
});

test('retry-after as seconds or an HTTP date', () => {
  assert.equal(parseRetryAfter('2'), 2);
  assert.equal(parseRetryAfter('-1'), undefined);
  const now = Date.parse('2026-11-25T12:00:00Z');
  assert.equal(parseRetryAfter('Wed, 25 Nov 2026 12:00:30 GMT', now), 30);
  assert.equal(parseRetryAfter(undefined), undefined);
});

test('the wait inside a provider message', () => {
  assert.equal(parseTryAgainIn('... Used 5435, Requested 3066. Please try again in 25.01s. Need more'), 25.01);
  assert.equal(parseTryAgainIn('on tokens per day (TPD): Please try again in 14m24s'), 864);
  assert.equal(parseTryAgainIn('no hint'), undefined);
});

test("Anthropic's RFC 3339 reset timestamps", () => {
  const now = Date.parse('2026-08-21T12:00:00Z');
  assert.equal(parseResetTimestamp('2026-08-21T12:00:30Z', now), 30);
  assert.equal(parseResetTimestamp('2026-08-21T14:00:30+02:00', now), 30);
  assert.equal(parseResetTimestamp('2026-08-21T11:59:00Z', now), 0);
  assert.equal(parseResetTimestamp('30', now), undefined);
  assert.equal(parseResetTimestamp(undefined, now), undefined);
});
