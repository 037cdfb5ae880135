import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderHeadroom } from './provider-headroom.js';

test("Anthropic's anthropic-ratelimit-* headers are read like Groq's, resets as RFC 3339 timestamps", () => {
  let now = Date.parse('2026-08-21T12:00:00Z');
  const headroom = new ProviderHeadroom({ clock: () => now });
  headroom.learn('claude#0', {
    'anthropic-ratelimit-requests-limit': '50',
    'anthropic-ratelimit-requests-remaining': '49',
    'anthropic-ratelimit-requests-reset': '2026-08-21T12:00:01Z',
    'anthropic-ratelimit-tokens-limit': '30000',
    'anthropic-ratelimit-tokens-remaining': '800',
    'anthropic-ratelimit-tokens-reset': '2026-08-21T12:00:12Z',
  });
  assert.equal(headroom.check('claude#0', 500), undefined);
  const denial = headroom.check('claude#0', 1000);
  assert.equal(denial?.retryAfterMs, 12_000);
  assert.match(denial!.detail, /800 tokens left/);

  headroom.learn('claude#0', new Headers({ 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '2026-08-21T12:00:30Z' }));
  assert.equal(headroom.check('claude#0', 1)?.retryAfterMs, 30_000);
  now += 30_000;
  assert.equal(headroom.check('claude#0', 1), undefined, 'past the reset the budget is refilled');
});

test('answers without rate-limit headers teach nothing', () => {
  const headroom = new ProviderHeadroom();
  headroom.learn('claude#0', { 'request-id': 'req_1', 'anthropic-organization-id': 'org' });
  assert.equal(headroom.size, 0);
});
