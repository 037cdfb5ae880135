import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyNetworkError, classifyUpstreamError, keyHint, parseUpstreamErrorBody, type UpstreamContext } from './upstream-error.js';

const T60 = { seconds: 60, key: 'litellm_params.timeout' };

const KEY = 'gsk_mock_' + 'a'.repeat(30) + 'wxyz';
const ctx: UpstreamContext = {
  alias: 'groq-70b', deploymentId: 'groq-70b#0', provider: 'groq', upstreamModel: 'llama-3.3-70b-versatile', host: 'api.groq.com',
  apiKey: { value: KEY, source: { kind: 'env', name: 'GROQ_API_KEY' } },
};
const groqError = (error: object) => JSON.stringify({ error });

test('a rejected provider key is a 502 that names the variable and masks the key', () => {
  const err = classifyUpstreamError(401, groqError({ message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' }), {}, ctx);
  assert.equal(err.code, 'upstream_authentication_error');
  assert.equal(err.status, 502);
  assert.match(err.message, /GROQ_API_KEY/);
  assert.match(err.message, /gsk_…wxyz/);
  assert.ok(!err.message.includes(KEY));
});

test('Groq rate limits carry the wait from the header, else from the message', () => {
  const body = groqError({ message: 'Rate limit reached ... Please try again in 25.01s. Need more tokens?', type: 'tokens', code: 'rate_limit_exceeded' });
  assert.equal(classifyUpstreamError(429, body, { 'retry-after': '3' }, ctx).details.retryAfter, 3);
  const err = classifyUpstreamError(429, body, {}, ctx);
  assert.equal(err.code, 'rate_limit_exceeded');
  assert.equal(err.details.retryAfter, 25.01);
});

test('request too large for the TPM limit is never a rate limit', () => {
  const body = groqError({ message: 'Request too large for model `x` ... on tokens per minute (TPM): Limit 8000, Requested 11881', type: 'tokens', code: 'rate_limit_exceeded' });
  assert.equal(classifyUpstreamError(413, body, {}, ctx).code, 'request_too_large');
});

test('decommissioned, unknown, overloaded, context, quota, generation failures', () => {
  assert.equal(classifyUpstreamError(400, groqError({ message: 'The model `mixtral-8x7b-32768` has been decommissioned', code: 'model_decommissioned' }), {}, ctx).code, 'upstream_model_unavailable');
  assert.equal(classifyUpstreamError(404, groqError({ message: 'does not exist', code: 'model_not_found' }), {}, ctx).code, 'upstream_model_unavailable');
  assert.equal(classifyUpstreamError(503, groqError({ message: 'over capacity', type: 'internal_server_error' }), {}, ctx).code, 'upstream_overloaded');
  assert.equal(classifyUpstreamError(498, groqError({ message: 'flex', code: 'capacity_exceeded' }), {}, ctx).code, 'upstream_overloaded');
  const context = classifyUpstreamError(400, groqError({ message: 'Please reduce the length of the messages or completion.', param: 'messages', code: 'context_length_exceeded' }), {}, ctx);
  assert.equal(context.code, 'context_length_exceeded');
  assert.equal(context.param, 'messages');
  assert.equal(classifyUpstreamError(429, groqError({ message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' }), {}, ctx).code, 'insufficient_quota');
  const tool = classifyUpstreamError(400, groqError({ message: 'Failed to call a function.', code: 'tool_use_failed', failed_generation: '<function=x>' }), {}, ctx);
  assert.equal(tool.code, 'upstream_generation_failed');
  assert.equal(tool.details.failed_generation, '<function=x>');
  const bad = classifyUpstreamError(400, groqError({ message: 'logprobs is not supported', type: 'invalid_request_error', param: 'logprobs' }), {}, ctx);
  assert.equal(bad.code, 'upstream_bad_request');
  assert.equal(bad.param, 'logprobs');
});

test('the four error body shapes', () => {
  assert.equal(parseUpstreamErrorBody('{"error":{"message":"m","code":429}}').code, '429');
  assert.equal(parseUpstreamErrorBody('{"error":"model \\"x\\" not found"}').message, 'model "x" not found');
  assert.equal(parseUpstreamErrorBody('{"object":"error","message":"too long","type":"BadRequestError","code":400}').message, 'too long');
  assert.equal(parseUpstreamErrorBody('<html><title>502 Bad Gateway</title></html>').message, '502 Bad Gateway');
  const wrapped = parseUpstreamErrorBody(JSON.stringify({ error: { message: 'Provider returned error', code: 400, metadata: { raw: '{"error":{"message":"maximum context length is 1000","code":"context_length_exceeded"}}' } } }));
  assert.equal(wrapped.code, 'context_length_exceeded');
});

test('network failures name the host and the OS error', () => {
  const refused = classifyNetworkError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), ctx, T60);
  assert.equal(refused.code, 'upstream_unreachable');
  assert.match(refused.message, /api\.groq\.com.*ECONNREFUSED/);
  const wrapped = classifyNetworkError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET', cause: { code: 'ECONNRESET' } }), ctx, T60);
  assert.equal(wrapped.details.os_error, 'ECONNRESET');
  assert.equal(classifyNetworkError(Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), ctx, T60).code, 'upstream_timeout');
  assert.equal(classifyNetworkError(Object.assign(new Error('t'), { code: 'CERT_HAS_EXPIRED' }), ctx, T60).code, 'upstream_tls_error');
});

test('a 429 says which limit: TPM, RPM or the daily budget, with the numbers', () => {
  const tpm = classifyUpstreamError(429, groqError({ message: 'Rate limit reached for model `llama-3.1-8b-instant` in organization `org_1` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Used 5435, Requested 3066. Please try again in 25.01s.', type: 'tokens', code: 'rate_limit_exceeded' }), {}, ctx);
  assert.equal(tpm.details.limit_type, 'TPM');
  assert.equal(tpm.details.limit, 6000);
  assert.equal(tpm.details.requested, 3066);
  const tpd = classifyUpstreamError(429, groqError({ message: 'Rate limit reached ... on tokens per day (TPD): Limit 500000, Used 499000, Requested 3066. Please try again in 14m24s.', type: 'tokens' }), {}, ctx);
  assert.equal(tpd.details.limit_type, 'TPD');
  assert.equal(tpd.details.retryAfter, 864);
});

test('a 429 or 503 without any hint still carries a retry-after; reset headers are used when present', () => {
  assert.equal(classifyUpstreamError(429, '{}', {}, ctx).details.retryAfter, 1);
  assert.equal(classifyUpstreamError(429, groqError({ message: 'slow down', type: 'requests' }), { 'x-ratelimit-reset-requests': '2m59.56s' }, ctx).details.retryAfter, 179.56);
  assert.equal(classifyUpstreamError(503, '{}', {}, ctx).details.retryAfter, 1);
});

test("a decommissioned Groq model names Groq's successor", () => {
  const err = classifyUpstreamError(400, groqError({ message: 'The model `llama3-70b-8192` has been decommissioned', code: 'model_decommissioned' }), {}, { ...ctx, upstreamModel: 'llama3-70b-8192' });
  assert.equal(err.details.replacement, 'llama-3.3-70b-versatile');
  assert.match(err.message, /groq\/llama-3\.3-70b-versatile/);
});

test('the usual key mistakes are spotted without showing the key', () => {
  assert.match(keyHint('sk-proj-abcdefghijklmnop', 'groq')!, /openai key/);
  assert.match(keyHint('sk-ant-abcdefghijklmnop', 'groq')!, /anthropic key/);
  assert.match(keyHint('gsk_abcdefghijklmnop\n', 'groq')!, /newline/);
  assert.match(keyHint(' gsk_abcdefghijklmnop', 'groq')!, /spaces/);
  assert.equal(keyHint('gsk_abcdefghijklmnop', 'groq'), undefined);
});

test('a timeout says which one fired, its value and the key that raises it', () => {
  const first = classifyNetworkError(Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), ctx, { seconds: 30, key: 'litellm_params.stream_timeout' });
  assert.equal(first.details.timeout_kind, 'first-byte');
  assert.equal(first.details.timeout_seconds, 30);
  assert.equal(first.details.config_key, 'litellm_params.stream_timeout');
  assert.equal(classifyNetworkError(Object.assign(new Error('t'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), ctx, T60).details.timeout_kind, 'connect');
});
