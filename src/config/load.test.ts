import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { GatewayError } from '../errors/gateway-error.js';
import { builtinConfig } from './default-config.js';
import { loadConfig } from './load.js';
import type { Config, ConfigWarning } from './types.js';

function writeConfig(yaml: string, name = 'proxy_server_config.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-config-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, yaml);
  return file;
}

function load(yaml: string, env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig(writeConfig(yaml), { env });
}

/** Loads `yaml`, expecting a GatewayError; returns it for further checks. */
function loadError(yaml: string, env: NodeJS.ProcessEnv = {}): GatewayError {
  try {
    load(yaml, env);
  } catch (err) {
    assert.ok(err instanceof GatewayError, `expected a GatewayError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected loading to fail');
}

interface Issue {
  path: string;
  message: string;
  line: number | undefined;
  column: number | undefined;
}

function issues(err: GatewayError): Issue[] {
  return err.details.issues as Issue[];
}

function warningsWith(config: Config, code: string): ConfigWarning[] {
  return config.warnings.filter((warning) => warning.code === code);
}

const SEED = `model_list:
  - model_name: groq-70b
    litellm_params:
      model: groq/llama-3.3-70b-versatile
      api_key: os.environ/GROQ_API_KEY
`;

test('seed entry without GROQ_API_KEY: starts, deployment marked as missing its key', () => {
  const file = writeConfig(SEED);
  const config = loadConfig(file, { env: {} });
  assert.equal(config.file, path.resolve(file));
  assert.equal(config.deployments.length, 1);
  const [deployment] = config.deployments;
  assert.equal(deployment!.id, 'groq-70b#0');
  assert.equal(deployment!.modelName, 'groq-70b');
  assert.equal(deployment!.provider, 'groq');
  assert.equal(deployment!.upstreamModel, 'llama-3.3-70b-versatile');
  assert.equal(deployment!.litellmModel, 'groq/llama-3.3-70b-versatile');
  assert.equal(deployment!.apiKey, undefined);
  assert.equal(deployment!.apiKeyMissing?.name, 'GROQ_API_KEY');
  assert.deepEqual(deployment!.apiKeyMissing?.position, { file, line: 5, column: 16 });
  assert.deepEqual(deployment!.position, { file, line: 2, column: 5 });
  const [warning] = warningsWith(config, 'env_var_not_set');
  assert.equal(warning?.position?.line, 5);
  assert.match(warning!.message, /GROQ_API_KEY/);
});

test('seed entry with GROQ_API_KEY set: key comes from that variable, never printed', () => {
  const key = 'gsk_test_0123456789abcdef';
  const config = load(SEED, { GROQ_API_KEY: key });
  const [deployment] = config.deployments;
  assert.deepEqual(deployment!.apiKey, { value: key, source: { kind: 'env', name: 'GROQ_API_KEY' } });
  assert.equal(deployment!.apiKeyMissing, undefined);
  assert.deepEqual(config.warnings, []);
});

test('an empty api_key variable counts as missing', () => {
  const config = load(SEED, { GROQ_API_KEY: '' });
  assert.equal(config.deployments[0]!.apiKeyMissing?.name, 'GROQ_API_KEY');
  assert.equal(warningsWith(config, 'env_var_not_set').length, 1);
});

test('api_key whitespace is trimmed with a warning that does not show the key', () => {
  const key = 'gsk_secret_value_987';
  const config = load(SEED, { GROQ_API_KEY: `${key}\n` });
  assert.equal(config.deployments[0]!.apiKey?.value, key);
  const [warning] = warningsWith(config, 'api_key_whitespace');
  assert.ok(warning);
  assert.ok(!warning.message.includes(key));
});

test('without api_key the provider default variable is used, and missing only if the provider needs a key', () => {
  const yaml = `model_list:
  - model_name: fast
    litellm_params:
      model: groq/llama-3.1-8b-instant
  - model_name: local
    litellm_params:
      model: ollama/llama3
  - model_name: inline
    litellm_params:
      model: openai/gpt-4o-mini
      api_key: sk-inline-key
  - model_name: compatible
    litellm_params:
      model: openai/qwen
      api_base: http://localhost:8000/v1
`;
  const withKey = load(yaml, { GROQ_API_KEY: 'gsk_x' });
  assert.deepEqual(withKey.deployments[0]!.apiKey?.source, { kind: 'default-env', name: 'GROQ_API_KEY' });
  assert.deepEqual(withKey.deployments[2]!.apiKey?.source, { kind: 'inline' });
  assert.ok(!withKey.warnings.some((warning) => warning.message.includes('sk-inline-key')));

  const without = load(yaml, {});
  assert.equal(without.deployments[0]!.apiKeyMissing?.name, 'GROQ_API_KEY');
  assert.equal(without.deployments[0]!.apiKeyMissing?.position?.line, 4);
  assert.equal(without.deployments[1]!.apiKeyMissing, undefined, 'ollama needs no key');
  assert.equal(without.deployments[3]!.apiKeyMissing, undefined, 'a custom api_base may need no key');
  assert.deepEqual(warningsWith(without, 'env_var_not_set').map((warning) => warning.position?.line), [4]);
});

test('unknown key: warning at the key with a suggestion', () => {
  const config = load(`${SEED}router_setings:
  num_retries: 2
`);
  const [warning] = warningsWith(config, 'unknown_key');
  assert.deepEqual(warning?.position?.line, 6);
  assert.deepEqual(warning?.position?.column, 1);
  assert.match(warning!.message, /"router_settings"/);
});

test('misspelt required key: error at the entry, warning names the misspelling', () => {
  const err = loadError(`model_list:
  - model_name: groq-70b
    litellm_parms:
      model: groq/llama-3.3-70b-versatile
`);
  assert.equal(err.code, 'config_invalid');
  const [issue] = issues(err);
  assert.equal(issue?.path, 'model_list[0].litellm_params');
  assert.equal(issue?.line, 2);
  assert.match(issue!.message, /litellm_parms/);
});

test('keys LiteLLM knows but Switchyard ignores are warned as unsupported', () => {
  const config = load(`${SEED}      input_cost_per_token: 0.0001
litellm_settings:
  success_callback: ["langfuse"]
general_settings:
  database_url: postgres://localhost/db
`);
  assert.deepEqual(warningsWith(config, 'unsupported_key').map((warning) => warning.position?.line), [6, 8, 10]);
  assert.equal(warningsWith(config, 'unknown_key').length, 0);
});

test('type error: config_invalid with path, line and column', () => {
  const err = loadError(`model_list:
  - model_name: groq-70b
    litellm_params:
      model: groq/llama-3.3-70b-versatile
      rpm: lots
`);
  assert.equal(err.code, 'config_invalid');
  assert.deepEqual(issues(err), [{ path: 'model_list[0].litellm_params.rpm', message: issues(err)[0]!.message, line: 5, column: 12 }]);
  assert.match(err.message, /:5:12 {2}model_list\[0\]\.litellm_params\.rpm: /);
});

test('every validation issue is reported at once', () => {
  const err = loadError(`model_list:
  - model_name: a
    litellm_params:
      model: groq/x
      timeout: 0
  - litellm_params:
      model: groq/y
      weight: -1
router_settings:
  num_retries: 1.5
`);
  assert.deepEqual(
    issues(err).map((issue) => [issue.path, issue.line]),
    [
      ['model_list[0].litellm_params.timeout', 5],
      ['model_list[1].model_name', 6],
      ['model_list[1].litellm_params.weight', 8],
      ['router_settings.num_retries', 10],
    ],
  );
});

test('invalid YAML: config_invalid_yaml with line and column', () => {
  const err = loadError('model_list:\n  - model_name: a\n\t  litellm_params: {}\n');
  assert.equal(err.code, 'config_invalid_yaml');
  assert.equal(err.details.line, 3);
  assert.equal(err.details.column, 1);
  assert.match(err.message, /proxy_server_config\.yaml:3:1: /);
});

test('missing file: config_not_found naming the absolute path', () => {
  const missing = path.join(os.tmpdir(), 'switchyard-does-not-exist', 'proxy_server_config.yaml');
  assert.throws(() => loadConfig(missing, { env: {} }), (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, 'config_not_found');
    assert.ok(err.message.includes(path.resolve(missing)));
    return true;
  });
});

test('a directory instead of a file: config_not_found', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-config-'));
  assert.throws(() => loadConfig(dir, { env: {} }), { code: 'config_not_found' });
});

test('empty file and non-mapping top level: config_invalid', () => {
  assert.equal(loadError('').code, 'config_invalid');
  assert.equal(loadError('# only a comment\n').code, 'config_invalid');
  assert.equal(loadError('- model_name: a\n').code, 'config_invalid');
});

test('numbers and booleans from environment variables are coerced; junk is rejected at the reference', () => {
  const yaml = `model_list:
  - model_name: a
    litellm_params:
      model: groq/x
      api_key: inline
      rpm: os.environ/RPM
      timeout: os.environ/TIMEOUT
litellm_settings:
  drop_params: os.environ/DROP
`;
  const config = load(yaml, { RPM: '30', TIMEOUT: ' 2.5 ', DROP: 'True' });
  assert.equal(config.deployments[0]!.rpm, 30);
  assert.equal(config.deployments[0]!.timeout, 2.5);
  assert.equal(config.litellmSettings.dropParams, true);

  const err = loadError(yaml, { RPM: 'abc', TIMEOUT: '1', DROP: 'false' });
  assert.deepEqual(issues(err).map((issue) => [issue.path, issue.line, issue.column]), [['model_list[0].litellm_params.rpm', 6, 12]]);
});

test('an unset variable outside api_key: warning, value treated as absent', () => {
  const config = load(`${SEED}      api_base: os.environ/GROQ_BASE
`, { GROQ_API_KEY: 'k' });
  assert.equal(config.deployments[0]!.apiBase, undefined);
  const [warning] = warningsWith(config, 'env_var_not_set');
  assert.equal(warning?.position?.line, 6);
});

test('an unset variable for a required key is an error at the reference', () => {
  const err = loadError(`model_list:
  - model_name: a
    litellm_params:
      model: os.environ/MODEL
`);
  assert.deepEqual(issues(err).map((issue) => [issue.path, issue.line, issue.column]), [['model_list[0].litellm_params.model', 4, 14]]);
});

test('environment_variables are set before references are resolved; the real environment wins', () => {
  const yaml = `environment_variables:
  GROQ_API_KEY: os.environ/MY_GROQ_KEY
  EXTRA_PORT: 6380
  ALREADY: from-file
${SEED}`;
  const env: NodeJS.ProcessEnv = { MY_GROQ_KEY: 'gsk_from_indirection', ALREADY: 'from-env' };
  const config = load(yaml, env);
  assert.equal(env.GROQ_API_KEY, 'gsk_from_indirection');
  assert.equal(env.EXTRA_PORT, '6380');
  assert.equal(env.ALREADY, 'from-env');
  assert.deepEqual(config.deployments[0]!.apiKey, { value: 'gsk_from_indirection', source: { kind: 'env', name: 'GROQ_API_KEY' } });
  assert.equal(warningsWith(config, 'environment_variable_ignored')[0]?.position?.line, 4);
});

test('routing_strategy: valid value kept, default simple-shuffle, typo is an error', () => {
  assert.equal(load(SEED).routerSettings.routingStrategy, 'simple-shuffle');
  assert.equal(load(`${SEED}router_settings:\n  routing_strategy: usage-based-routing-v2\n`).routerSettings.routingStrategy, 'usage-based-routing-v2');
  const err = loadError(`${SEED}router_settings:\n  routing_strategy: least_busy\n`);
  assert.equal(err.code, 'config_invalid');
  const [issue] = issues(err);
  assert.equal(issue?.path, 'router_settings.routing_strategy');
  assert.equal(issue?.line, 7);
  assert.equal(issue?.column, 21);
  assert.match(issue!.message, /"least-busy"/);
});

test('provider and upstream model from litellm_params.model, including wildcards', () => {
  const config = load(`model_list:
  - model_name: "groq/*"
    litellm_params: { model: "groq/*" }
  - model_name: "*"
    litellm_params: { model: "*" }
  - model_name: glm
    litellm_params: { model: "openrouter/z-ai/glm-4.5:free" }
  - model_name: plain
    litellm_params: { model: gpt-4o-mini }
  - model_name: unknown-prefix
    litellm_params: { model: meta-llama/Llama-3-8b, api_base: "http://localhost:8000/v1" }
  - model_name: custom
    litellm_params: { model: groq/llama3, custom_llm_provider: groq }
  - model_name: demo
    litellm_params: { model: mock/switchyard-demo }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_key: os.environ/ANTHROPIC_API_KEY }
`, { GROQ_API_KEY: 'k', OPENAI_API_KEY: 'k', OPENROUTER_API_KEY: 'k', ANTHROPIC_API_KEY: 'sk-ant-k' });
  assert.deepEqual(
    config.deployments.map((deployment) => [deployment.provider, deployment.upstreamModel]),
    [
      ['groq', '*'],
      ['*', '*'],
      ['openrouter', 'z-ai/glm-4.5:free'],
      ['openai', 'gpt-4o-mini'],
      ['openai', 'meta-llama/Llama-3-8b'],
      ['groq', 'llama3'],
      ['mock', 'switchyard-demo'],
      ['anthropic', 'claude-sonnet-4-5-20250929'],
    ],
  );
  assert.equal(warningsWith(config, 'unsupported_provider').length, 0);
});

test('a provider LiteLLM has and Switchyard lacks: warning, start-up continues', () => {
  const config = load(`model_list:
  - model_name: claude
    litellm_params:
      model: vertex_ai/claude-3-5-sonnet
      api_key: os.environ/ANTHROPIC_API_KEY
`, { ANTHROPIC_API_KEY: 'sk-ant-x' });
  assert.equal(config.deployments[0]!.provider, 'vertex_ai');
  assert.equal(config.deployments[0]!.upstreamModel, 'claude-3-5-sonnet');
  const [warning] = warningsWith(config, 'unsupported_provider');
  assert.equal(warning?.position?.line, 4);
});

test('master_key: unset variable stops start-up; set variable and LITELLM_MASTER_KEY are used', () => {
  const yaml = `${SEED}general_settings:
  master_key: os.environ/PROXY_KEY
`;
  const err = loadError(yaml);
  assert.equal(err.code, 'config_invalid');
  assert.deepEqual(issues(err).map((issue) => [issue.path, issue.line]), [['general_settings.master_key', 7]]);
  assert.equal(loadError(yaml, { PROXY_KEY: '' }).code, 'config_invalid');

  assert.deepEqual(load(yaml, { PROXY_KEY: 'sk-master' }).generalSettings.masterKey, { value: 'sk-master', source: { kind: 'env', name: 'PROXY_KEY' } });
  assert.deepEqual(load(SEED, { LITELLM_MASTER_KEY: 'sk-m' }).generalSettings.masterKey, { value: 'sk-m', source: { kind: 'default-env', name: 'LITELLM_MASTER_KEY' } });
  assert.equal(load(SEED).generalSettings.masterKey, undefined);
});

test('defaults and empty sections', () => {
  const config = load(`${SEED}litellm_settings:
router_settings:
general_settings:
`);
  assert.equal(config.litellmSettings.dropParams, false);
  assert.deepEqual(config.litellmSettings.fallbacks, []);
  assert.deepEqual(config.litellmSettings.raw, {});
  assert.equal(config.routerSettings.routingStrategy, 'simple-shuffle');
  assert.equal(config.routerSettings.redis, undefined);
});

test('fallbacks: litellm_settings, overridden by router_settings with a warning', () => {
  const fallbacks = load(`${SEED}litellm_settings:
  fallbacks: [{ "groq-70b": ["groq-8b"] }]
  num_retries: "3"
`);
  assert.deepEqual(fallbacks.litellmSettings.fallbacks, [{ 'groq-70b': ['groq-8b'] }]);
  assert.equal(fallbacks.routerSettings.numRetries, 3);

  const overridden = load(`${SEED}litellm_settings:
  fallbacks: [{ "groq-70b": ["groq-8b"] }]
router_settings:
  fallbacks: [{ "groq-70b": ["other"] }]
`);
  assert.deepEqual(overridden.litellmSettings.fallbacks, [{ 'groq-70b': ['other'] }]);
  assert.equal(warningsWith(overridden, 'overridden_key')[0]?.position?.line, 7);

  const err = loadError(`${SEED}litellm_settings:\n  fallbacks: [{ "groq-70b": "groq-8b" }]\n`);
  assert.equal(issues(err)[0]?.path, 'litellm_settings.fallbacks[0]["groq-70b"]');
});

test('redis: only when configured or REDIS_* is set', () => {
  const fromFile = load(`${SEED}router_settings:\n  redis_host: cache.local\n  redis_port: "6379"\n`, { REDIS_PASSWORD: 'pw' });
  assert.deepEqual(fromFile.routerSettings.redis, { host: 'cache.local', port: 6379, password: 'pw', url: undefined });
  assert.deepEqual(load(SEED, { REDIS_URL: 'redis://r:6379' }).routerSettings.redis, { host: undefined, port: undefined, password: undefined, url: 'redis://r:6379' });
});

test('deployment ids: model_info.id when given, duplicates rejected', () => {
  const config = load(`model_list:
  - model_name: a
    litellm_params: { model: mock/one }
    model_info: { id: 42, mode: chat }
  - model_name: a
    litellm_params: { model: mock/two }
`);
  assert.deepEqual(config.deployments.map((deployment) => deployment.id), ['42', 'a#1']);
  assert.deepEqual(config.deployments[0]!.modelInfo, { id: '42', mode: 'chat' });

  const err = loadError(`model_list:
  - model_name: a
    litellm_params: { model: mock/one }
    model_info: { id: same }
  - model_name: b
    litellm_params: { model: mock/two }
    model_info: { id: same }
`);
  assert.deepEqual(issues(err).map((issue) => [issue.path, issue.line]), [['model_list[1].model_info.id', 7]]);
});

test('YAML is read as PyYAML reads it: yes/no booleans, merge keys, duplicate keys warned', () => {
  const config = load(`defaults: &defaults
  model: mock/base
  rpm: 10
model_list:
  - model_name: a
    litellm_params:
      <<: *defaults
      model: mock/override
litellm_settings:
  drop_params: yes
  drop_params: no
`);
  assert.equal(config.deployments[0]!.litellmModel, 'mock/override');
  assert.equal(config.deployments[0]!.rpm, 10);
  assert.equal(config.litellmSettings.dropParams, false);
  assert.equal(warningsWith(config, 'duplicate_key')[0]?.position?.line, 11);
});

test('built-in config: one mock alias, no key, no warnings', () => {
  const config = builtinConfig({ env: {} });
  assert.equal(config.file, undefined);
  assert.deepEqual(config.deployments.map((deployment) => [deployment.modelName, deployment.provider, deployment.upstreamModel]), [['demo', 'mock', 'switchyard-demo']]);
  assert.equal(config.deployments[0]!.apiKeyMissing, undefined);
  assert.deepEqual(config.warnings, []);
});
