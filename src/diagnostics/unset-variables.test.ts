import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../config/load.js';
import { formatUnsetVariable, isCoveredWarning, unsetVariables } from './unset-variables.js';

const YAML = `
model_list:
  - model_name: groq-70b
    litellm_params: { model: groq/llama-3.3-70b-versatile, api_key: os.environ/GROQ_API_KEY }
  - model_name: groq-8b
    litellm_params: { model: groq/llama-3.1-8b-instant }
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/MY_OPENAI }
  - model_name: demo
    litellm_params: { model: mock/x }
`;

test('unset key variables are grouped per variable with the deployments they disable', () => {
  const env = { MY_OPENAI: '' };
  const config = loadConfigText(YAML, 'c.yaml', { env });
  const unset = unsetVariables(config, env);
  assert.deepEqual(unset.map((v) => [v.name, v.state, v.deployments.map((d) => d.modelName)]), [
    ['GROQ_API_KEY', 'unset', ['groq-70b', 'groq-8b']],
    ['MY_OPENAI', 'empty', ['gpt']],
  ]);
  // Every per-deployment warning is covered by a block.
  assert.equal(config.warnings.filter((w) => w.code === 'env_var_not_set' && !isCoveredWarning(w, unset)).length, 0);
});

test('the block names the variable in every shell and in .env, with a key-shaped example', () => {
  const config = loadConfigText(YAML, 'c.yaml', { env: {} });
  const block = formatUnsetVariable(unsetVariables(config, {})[0]!);
  assert.match(block, /^warning\[env_var_not_set\] GROQ_API_KEY is not set: 2 deployments are disabled/);
  assert.match(block, /groq-70b → groq\/llama-3\.3-70b-versatile  \(c\.yaml:4\)/);
  assert.match(block, /bash: export GROQ_API_KEY=gsk_your_key_here/);
  assert.match(block, /cmd: set GROQ_API_KEY=gsk_your_key_here/);
  assert.match(block, /PowerShell: \$env:GROQ_API_KEY="gsk_your_key_here"/);
  assert.match(block, /GROQ_API_KEY=gsk_your_key_here in a \.env file/);
  const openai = formatUnsetVariable(unsetVariables(config, {})[1]!);
  assert.match(openai, /export MY_OPENAI=sk-your_key_here/);
  assert.ok(!openai.includes('GROQ'));
});
