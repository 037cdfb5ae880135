import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicRateLimitWait, readAnthropicBudgets } from './rate-limit-headers.js';

const NOW = Date.parse('2026-08-21T12:00:00Z');

test('budgets are read with their RFC 3339 resets as seconds from now', () => {
  const readings = readAnthropicBudgets({
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': '2026-08-21T12:00:01Z',
    'anthropic-ratelimit-output-tokens-limit': '80000',
    'anthropic-ratelimit-output-tokens-remaining': '80000',
    'anthropic-ratelimit-output-tokens-reset': '2026-08-21T12:00:00.500Z',
  }, NOW);
  assert.deepEqual(readings, [
    { budget: 'requests', limitType: 'RPM', remaining: 3999, limit: 4000, resetSeconds: 1 },
    { budget: 'output-tokens', limitType: 'OTPM', remaining: 80000, limit: 80000, resetSeconds: 0.5 },
  ]);
});

test('the wait is the exhausted budget; several exhausted: the latest; none: the soonest refill', () => {
  const headers = {
    'anthropic-ratelimit-requests-remaining': '0',
    'anthropic-ratelimit-requests-reset': '2026-08-21T12:00:05Z',
    'anthropic-ratelimit-tokens-remaining': '0',
    'anthropic-ratelimit-tokens-reset': '2026-08-21T12:00:45Z',
    'anthropic-ratelimit-input-tokens-remaining': '120',
    'anthropic-ratelimit-input-tokens-reset': '2026-08-21T12:00:02Z',
  };
  assert.equal(anthropicRateLimitWait(headers, NOW)?.resetSeconds, 45);
  assert.equal(anthropicRateLimitWait({ ...headers, 'anthropic-ratelimit-tokens-remaining': '5' }, NOW)?.budget, 'requests');
  const none = anthropicRateLimitWait({ ...headers, 'anthropic-ratelimit-tokens-remaining': '5', 'anthropic-ratelimit-requests-remaining': '3' }, NOW);
  assert.equal(none?.budget, 'input-tokens');
  assert.equal(none?.resetSeconds, 2);
  assert.equal(anthropicRateLimitWait({ 'retry-after': '3' }, NOW), undefined);
  assert.equal(anthropicRateLimitWait({ 'anthropic-ratelimit-requests-reset': '30s' }, NOW), undefined, 'only timestamps count');
});
