// Flavor → wire module. Adding a provider is one import and one row.

import type { Flavor } from '../types.js';
import { anthropic } from './anthropic.js';
import { groq } from './groq.js';
import { ollama } from './ollama.js';
import { openai } from './openai.js';
import { openrouter } from './openrouter.js';
import type { Wire } from './types.js';

export const WIRES: Record<Flavor, Wire> = { groq, openai, openrouter, ollama, anthropic };
