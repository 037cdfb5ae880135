// Public entry point of the mock upstream: a faithful stand-in for the
// OpenAI-compatible providers (Groq, OpenAI, OpenRouter, Ollama) and for
// Anthropic's Messages API, which the gateway's end-to-end tests run against,
// since they have no internet.
//
//   const mock = await startMockUpstream({ flavor: 'groq' });
//   // api_base: mock.baseUrl, api_key: MOCK_KEYS.groq
//   mock.fail('rate_limit_tpm');            // next chat request gets Groq's 429
//   content: 'hi [[mock:slow_headers:1500]]' // or per request, in-band
//   await mock.close();
//
// See README.md in this folder for the fault table.

import { FAULT_NAMES, type Fault, type FaultName } from './faults.js';
import { startMockUpstream } from './server.js';
import type { Flavor, MockUpstream, MockUpstreamOptions, ModelEntry, RecordedRequest } from './types.js';
import { ANTHROPIC_VERSIONS } from './wire/anthropic.js';
import { WIRES } from './wire/index.js';

export { ANTHROPIC_VERSIONS, FAULT_NAMES, startMockUpstream };
export type { Fault, FaultName, Flavor, MockUpstream, MockUpstreamOptions, ModelEntry, RecordedRequest };

/** The key each flavor accepts by default (Ollama accepts anything). */
export const MOCK_KEYS: Readonly<Record<Flavor, string>> = {
  groq: WIRES.groq.defaultKey,
  openai: WIRES.openai.defaultKey,
  openrouter: WIRES.openrouter.defaultKey,
  ollama: WIRES.ollama.defaultKey,
  anthropic: WIRES.anthropic.defaultKey,
};

/** The default model catalogue of each flavor (the provider's real current models). */
export const MOCK_MODELS: Readonly<Record<Flavor, readonly ModelEntry[]>> = {
  groq: WIRES.groq.defaultModels,
  openai: WIRES.openai.defaultModels,
  openrouter: WIRES.openrouter.defaultModels,
  ollama: WIRES.ollama.defaultModels,
  anthropic: WIRES.anthropic.defaultModels,
};
