import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_REMEMBERED_NAMES, withProviderHeaders } from './provider-headers.js';

test('rate-limit headers go under their own names and prefixed; others prefixed; framing and cookies not at all', () => {
  const out = withProviderHeaders({ 'x-request-id': 'ours' }, {
    'x-ratelimit-remaining-requests': '99',
    'x-request-id': 'theirs',
    'content-length': '12',
    'set-cookie': ['a=1', 'b=2'],
    'x-repeated': ['1.1 a', '1.1 b'],
  });
  assert.deepEqual(out, {
    'x-request-id': 'ours',
    'x-ratelimit-remaining-requests': '99',
    'llm_provider-x-ratelimit-remaining-requests': '99',
    'llm_provider-x-request-id': 'theirs',
    'llm_provider-x-repeated': '1.1 a, 1.1 b',
  });
});

test('names past the remembered ones are still passed, decided afresh each time', () => {
  const upstream: Record<string, string> = {};
  for (let i = 0; i < MAX_REMEMBERED_NAMES + 50; i++) upstream[`x-custom-${i}`] = String(i);
  upstream['x-ratelimit-limit-tokens'] = '6000';
  upstream.connection = 'keep-alive';
  for (let round = 0; round < 2; round++) {
    const out = withProviderHeaders<Record<string, string | number>>({}, upstream);
    assert.equal(out[`llm_provider-x-custom-${MAX_REMEMBERED_NAMES + 49}`], String(MAX_REMEMBERED_NAMES + 49));
    assert.equal(out['x-ratelimit-limit-tokens'], '6000');
    assert.equal(out['llm_provider-x-ratelimit-limit-tokens'], '6000');
    assert.equal(out['llm_provider-connection'], undefined);
    assert.equal(Object.keys(out).length, MAX_REMEMBERED_NAMES + 50 + 2);
  }
});
