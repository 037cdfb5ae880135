// Anthropic's failures (provider-wire-formats.md §3.3, §6) through the shared classifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyUpstreamError, type UpstreamContext } from '../upstream-error.js';

const KEY = 'sk-ant-api03-' + 'a'.repeat(40) + 'wxyz';
const ctx: UpstreamContext = {
  alias: 'claude', deploymentId: 'claude#0', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5-20250929', host: 'api.anthropic.com',
  apiKey: { value: KEY, source: { kind: 'env', name: 'ANTHROPIC_API_KEY' } },
};
const anthropicError = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy' });
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

test('401 authentication_error: the configured key is blamed, masked, with the variable named', () => {
  const err = classifyUpstreamError(401, anthropicError('authentication_error', 'invalid x-api-key'), { 'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy' }, ctx);
  assert.equal(err.code, 'upstream_authentication_error');
  assert.match(err.message, /ANTHROPIC_API_KEY/);
  assert.ok(!err.message.includes(KEY));
  assert.equal(err.details.upstream_code, 'authentication_error');
  assert.equal(err.details.upstream_request_id, 'req_011CSHoEeqs5C35K2UUqR7Fy');
});

test('the request id comes from the header, else from the body', () => {
  const fromBody = classifyUpstreamError(500, anthropicError('api_error', 'Internal server error'), {}, ctx);
  assert.equal(fromBody.code, 'upstream_error');
  assert.equal(fromBody.details.upstream_request_id, 'req_011CSHoEeqs5C35K2UUqR7Fy');
  assert.equal(classifyUpstreamError(500, anthropicError('api_error', 'x'), { 'request-id': 'req_header' }, ctx).details.upstream_request_id, 'req_header');
});

test('billing: 402 billing_error, and the 400 "credit balance is too low", are insufficient_quota', () => {
  assert.equal(classifyUpstreamError(402, anthropicError('billing_error', 'Payment required'), {}, ctx).code, 'insufficient_quota');
  const low = classifyUpstreamError(400, anthropicError('invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'), {}, ctx);
  assert.equal(low.code, 'insufficient_quota');
});

test('403 permission_error, 404 not_found_error, 413 request_too_large', () => {
  assert.equal(classifyUpstreamError(403, anthropicError('permission_error', 'Your API key does not have permission to use the specified resource.'), {}, ctx).code, 'upstream_permission_denied');
  assert.equal(classifyUpstreamError(404, anthropicError('not_found_error', 'model: claude-3-5-sonnet-20241022'), {}, ctx).code, 'upstream_model_unavailable');
  assert.equal(classifyUpstreamError(413, anthropicError('request_too_large', 'Request exceeds the maximum allowed number of bytes.'), {}, ctx).code, 'request_too_large');
});

test('overloaded_error (529, or any status) is upstream_overloaded; 504 timeout_error is upstream_timeout', () => {
  const overloaded = classifyUpstreamError(529, anthropicError('overloaded_error', 'Overloaded'), {}, ctx);
  assert.equal(overloaded.code, 'upstream_overloaded');
  assert.equal(overloaded.details.retryAfter, 1);
  assert.equal(classifyUpstreamError(500, anthropicError('overloaded_error', 'Overloaded'), {}, ctx).code, 'upstream_overloaded');
  assert.equal(classifyUpstreamError(504, anthropicError('timeout_error', 'Request timed out'), {}, ctx).code, 'upstream_timeout');
});

test('"prompt is too long" is context_length_exceeded with the token count and the limit', () => {
  const err = classifyUpstreamError(400, anthropicError('invalid_request_error', 'prompt is too long: 213462 tokens > 200000 maximum'), {}, ctx);
  assert.equal(err.code, 'context_length_exceeded');
  assert.equal(err.param, 'messages');
  assert.equal(err.details.prompt_tokens, 213_462);
  assert.equal(err.details.context_window, 200_000);
  assert.match(err.message, /213,462 prompt tokens > 200,000/);
  const withMax = classifyUpstreamError(400, anthropicError('invalid_request_error', 'input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again'), {}, ctx);
  assert.equal(withMax.code, 'context_length_exceeded');
  assert.deepEqual([withMax.details.prompt_tokens, withMax.details.max_tokens, withMax.details.context_window], [188_240, 21_333, 200_000]);
});

test('429 rate_limit_error: retry-after wins', () => {
  const err = classifyUpstreamError(429, anthropicError('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), { 'retry-after': '7' }, ctx);
  assert.equal(err.code, 'rate_limit_exceeded');
  assert.equal(err.details.retryAfter, 7);
});

test('429 without retry-after: the reset (RFC 3339) of the exhausted budget is the wait', () => {
  const headers = {
    'anthropic-ratelimit-requests-limit': '50',
    'anthropic-ratelimit-requests-remaining': '49',
    'anthropic-ratelimit-requests-reset': inSeconds(2),
    'anthropic-ratelimit-input-tokens-limit': '30000',
    'anthropic-ratelimit-input-tokens-remaining': '0',
    'anthropic-ratelimit-input-tokens-reset': inSeconds(40),
    'anthropic-ratelimit-tokens-remaining': '0',
    'anthropic-ratelimit-tokens-reset': inSeconds(40),
  };
  const err = classifyUpstreamError(429, anthropicError('rate_limit_error', "This request would exceed your organization's rate limit of 30,000 input tokens per minute."), headers, ctx);
  assert.equal(err.code, 'rate_limit_exceeded');
  assert.ok(err.details.retryAfter! > 37 && err.details.retryAfter! <= 40, String(err.details.retryAfter));
  assert.equal(err.details.limit_type, 'ITPM');
  assert.equal(err.details.limit, 30_000);
});

test('429: the older wording "the rate limit for your organization (<id>) of N … per minute" names the budget too', () => {
  for (const message of [
    'This request would exceed the rate limit for your organization (a22cf6e6-a940-4fff-8c4c-1580816ac7be) of 1,000,000 input tokens per minute. For details, refer to: https://docs.anthropic.com/en/api/rate-limits.',
    'This request would exceed the rate limit for your organization of 20,000 input tokens per minute.',
  ]) {
    const err = classifyUpstreamError(429, anthropicError('rate_limit_error', message), { 'retry-after': '7' }, ctx);
    assert.equal(err.details.limit_type, 'ITPM', message);
    assert.equal(err.details.limit, message.includes('1,000,000') ? 1_000_000 : 20_000);
  }
  const requests = classifyUpstreamError(429, anthropicError('rate_limit_error', 'This request would exceed the rate limit for your organization (org) of 50 requests per minute.'), {}, ctx);
  assert.equal(requests.details.limit_type, 'RPM');
});

test('400 for one parameter: max_tokens over the limit and temperature with top_p name the parameter', () => {
  const over = classifyUpstreamError(400, anthropicError('invalid_request_error', 'max_tokens: 200000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929'), {}, ctx);
  assert.equal(over.code, 'upstream_bad_request');
  assert.equal(over.param, 'max_tokens');
  assert.equal(over.details.max_output_tokens, 64000);
  const both = classifyUpstreamError(400, anthropicError('invalid_request_error', '`temperature` and `top_p` cannot both be specified for this model. Please use only one.'), {}, ctx);
  assert.equal(both.code, 'upstream_bad_request');
  assert.equal(both.param, 'top_p');
  const other = classifyUpstreamError(400, anthropicError('invalid_request_error', 'messages.0.content.0.text: Field required'), {}, ctx);
  assert.equal(other.param, null);
});
