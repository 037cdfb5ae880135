import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../config/load.js';
import { GatewayError } from '../errors/gateway-error.js';
import { ModelTable } from './model-table.js';
import { SimpleShuffle } from './strategies/simple-shuffle.js';

const env = { GROQ_API_KEY: 'gsk_test_key_value_0000', OPENAI_API_KEY: 'sk-test-key-value-0000' };
const config = loadConfigText(`
model_list:
  - model_name: groq-70b
    litellm_params: { model: groq/llama-3.3-70b-versatile, weight: 3 }
  - model_name: groq-70b
    litellm_params: { model: groq/llama-3.3-70b-versatile, api_key: os.environ/GROQ_API_KEY, weight: 1 }
  - model_name: groq/*
    litellm_params: { model: groq/* }
  - model_name: "*"
    litellm_params: { model: "*" }
  - model_name: broken
    litellm_params: { model: bedrock/anthropic.claude-v2 }
`, 'test.yaml', { env });

test('exact aliases group their deployments', () => {
  const table = new ModelTable(config, env);
  assert.equal(table.resolve('groq-70b')!.deployments.length, 2);
  assert.deepEqual(table.aliases(), ['groq-70b', 'broken']);
});

test('the most specific wildcard wins and substitutes the model', () => {
  const table = new ModelTable(config, env);
  const groq = table.resolve('groq/llama-3.1-8b-instant')!.deployments[0]!;
  assert.equal(groq.provider, 'groq');
  assert.equal(groq.upstreamModel, 'llama-3.1-8b-instant');
  const any = table.resolve('gpt-4o')!.deployments[0]!;
  assert.equal(any.provider, 'openai');
  assert.equal(any.upstreamModel, 'gpt-4o');
  assert.ok(!(any.adapter instanceof GatewayError));
  assert.equal(table.resolve('groq/llama-3.1-8b-instant'), table.resolve('groq/llama-3.1-8b-instant'), 'cached');
});

test('an unsupported provider becomes a deployment that explains itself when chosen', () => {
  const table = new ModelTable(config, env);
  const broken = table.resolve('broken')!.deployments[0]!;
  assert.ok(broken.adapter instanceof GatewayError);
  assert.equal(broken.adapter.code, 'provider_not_supported');
});

test('simple-shuffle follows weights', () => {
  const table = new ModelTable(config, env);
  const group = table.resolve('groq-70b')!;
  const pick = (r: number) => new SimpleShuffle().pick(group.deployments, { stats: new Map(), estimatedTokens: 0, random: () => r });
  const low = pick(0.7);
  const high = pick(0.8);
  assert.equal(low.config.index, 0); // weight 3 of 4 covers [0, 0.75)
  assert.equal(high.config.index, 1);
});
