// The configuration used when Switchyard starts without --config: one alias on
// the built-in mock provider, so a first request works with no key and no network.
// It goes through the same loader as a user's file, so it cannot drift from the schema.

import { loadConfigText, type LoadConfigOptions } from './load.js';
import type { Config } from './types.js';

const BUILTIN_YAML = `\
model_list:
  - model_name: demo
    litellm_params:
      model: mock/switchyard-demo
`;

export function builtinConfig(options: LoadConfigOptions = {}): Config {
  return loadConfigText(BUILTIN_YAML, '<built-in config>', options);
}
