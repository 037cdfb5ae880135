// Provider quirks ironed out so clients see OpenAI's shapes exactly
// (provider-wire-formats.md §1.3, §4.1, §5): Groq omits `message.refusal` and
// uses its own service tiers; Ollama omits `logprobs` and `refusal`.

const SERVICE_TIERS: Record<string, string> = { on_demand: 'default', performance: 'priority' };

export function normalizeCompletion(body: Record<string, unknown>): Record<string, unknown> {
  const choices = body.choices;
  if (Array.isArray(choices)) {
    for (const choice of choices) {
      if (typeof choice !== 'object' || choice === null) continue;
      if (!('logprobs' in choice)) (choice as Record<string, unknown>).logprobs = null;
      const message = (choice as Record<string, unknown>).message;
      if (typeof message === 'object' && message !== null && !('refusal' in message)) {
        (message as Record<string, unknown>).refusal = null;
      }
    }
  }
  const tier = body.service_tier;
  if (typeof tier === 'string' && tier in SERVICE_TIERS) body.service_tier = SERVICE_TIERS[tier];
  return body;
}
