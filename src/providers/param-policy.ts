import { GatewayError, type ErrorDetails } from '../errors/gateway-error.js';
import { maxOutputTokens, refusesTemperatureWithTopP } from './anthropic/models.js';
import type { ChatBody } from './types.js';

/** A request parameter some provider refuses with a 400 (provider-wire-formats.md §1.8, §3.4). */
interface ParamRule {
  param: string;
  /** Whether this body uses the parameter in a way the provider refuses. */
  present(body: ChatBody): boolean;
  /** The body without it, or with it made acceptable (a copy: the client's body may be reused for a fallback). */
  drop(body: ChatBody): ChatBody;
  why: string;
  /** What to do instead, when it is not simply "remove it". */
  fix?: string;
  /** Facts the client needs to fix the request (the model's limit). */
  details?: ErrorDetails;
}

/** What param-policy.ts knows about the deployment's model, for the rules that depend on it. */
export interface ModelFacts {
  /** The model id sent upstream (wildcards already substituted). */
  upstreamModel: string;
  /** `model_info.max_output_tokens`, when configured. */
  maxOutputTokens: number | undefined;
}

const topLevel = (param: string, present: (value: unknown) => boolean, why: string): ParamRule => ({
  param,
  present: (body) => present(body[param]),
  drop: (body) => {
    const { [param]: _dropped, ...rest } = body;
    return rest as ChatBody;
  },
  why,
});

const isSet = (value: unknown) => value !== undefined && value !== null && value !== false;

const GROQ_RULES: ParamRule[] = [
  topLevel('logprobs', isSet, 'Groq does not return log probabilities'),
  topLevel('top_logprobs', isSet, 'Groq does not return log probabilities'),
  topLevel('logit_bias', isSet, 'Groq does not support logit_bias'),
  topLevel('n', (value) => value !== undefined && value !== null && value !== 1, 'Groq generates exactly one choice (n must be 1)'),
  {
    param: 'messages[].name',
    present: (body) => body.messages.some((m) => m.name !== undefined),
    drop: (body) => ({ ...body, messages: body.messages.map(({ name: _name, ...m }) => m) }),
    why: 'Groq refuses the `name` field on messages',
  },
];

/** Set to something other than the value that means "off" (0 penalties, n=1, an empty logit_bias). */
const isNonNeutral = (neutral: unknown) => (value: unknown) => isSet(value) && value !== neutral;
const nonEmptyObject = (value: unknown) => typeof value === 'object' && value !== null && Object.keys(value).length > 0;
const whitespaceOnly = (stop: unknown) => typeof stop === 'string' && stop.trim() === '';

/**
 * Anthropic's Messages API has no equivalent for these (spec §3.4). Neutral
 * values are not refused: many clients send `presence_penalty: 0` or `n: 1` by
 * default, and sending nothing means exactly that to Anthropic.
 */
const ANTHROPIC_RULES: ParamRule[] = [
  topLevel('n', isNonNeutral(1), 'Anthropic generates exactly one choice (n must be 1)'),
  topLevel('logprobs', isSet, 'Anthropic does not return log probabilities'),
  topLevel('top_logprobs', isSet, 'Anthropic does not return log probabilities'),
  topLevel('logit_bias', nonEmptyObject, 'Anthropic does not support logit_bias'),
  topLevel('presence_penalty', isNonNeutral(0), 'Anthropic has no presence_penalty'),
  topLevel('frequency_penalty', isNonNeutral(0), 'Anthropic has no frequency_penalty'),
  topLevel('seed', isSet, 'Anthropic does not support seed'),
  {
    param: 'temperature',
    present: (body) => typeof body.temperature === 'number' && body.temperature > 1,
    drop: (body) => ({ ...body, temperature: 1 }),
    why: "Anthropic's temperature ranges from 0 to 1, OpenAI's to 2",
    fix: 'send a temperature of at most 1, or set litellm_settings.drop_params: true to have Switchyard lower it to 1',
  },
  {
    param: 'stop',
    present: (body) => (Array.isArray(body.stop) ? body.stop.some(whitespaceOnly) : whitespaceOnly(body.stop)),
    drop: (body) => {
      const kept = (Array.isArray(body.stop) ? body.stop : [body.stop]).filter((stop) => !whitespaceOnly(stop));
      const { stop: _stop, ...rest } = body;
      return (kept.length === 0 ? rest : { ...rest, stop: kept }) as ChatBody;
    },
    why: 'Anthropic refuses stop sequences made only of whitespace (such as "\\n")',
  },
];

const RULES: Record<string, ParamRule[]> = { groq: GROQ_RULES, anthropic: ANTHROPIC_RULES };

/**
 * Anthropic refuses `max_tokens` above the model's output limit with a 400.
 * `max_completion_tokens` wins over `max_tokens` when both are sent (as in the
 * adapter), so each rule names the one that reaches Anthropic.
 */
function outputLimit(param: 'max_tokens' | 'max_completion_tokens', limit: number, model: string): ParamRule {
  return {
    param,
    present: (body) => typeof body[param] === 'number' && (body[param] as number) > limit
      && (param === 'max_completion_tokens' || body.max_completion_tokens === undefined || body.max_completion_tokens === null),
    drop: (body) => ({ ...body, [param]: limit }),
    why: `${model} writes at most ${limit.toLocaleString('en-US')} output tokens`,
    fix: `send a ${param} of at most ${limit}, or set litellm_settings.drop_params: true to have Switchyard lower it to ${limit}`,
    details: { model, max_output_tokens: limit },
  };
}

/** The rules that depend on the model: a Claude model's output limit, and whether it takes temperature with top_p. */
function modelRules(provider: string, model: ModelFacts | undefined): ParamRule[] {
  if (provider !== 'anthropic' || model === undefined) return [];
  const rules: ParamRule[] = [];
  const limit = maxOutputTokens(model.upstreamModel, model.maxOutputTokens);
  if (limit !== undefined) rules.push(outputLimit('max_completion_tokens', limit, model.upstreamModel), outputLimit('max_tokens', limit, model.upstreamModel));
  if (refusesTemperatureWithTopP(model.upstreamModel)) {
    rules.push({
      param: 'top_p',
      // `top_p: 1` means "off" and is never sent (anthropic/request.ts), so it does not count.
      present: (body) => typeof body.temperature === 'number' && typeof body.top_p === 'number' && body.top_p !== 1,
      drop: (body) => {
        const { top_p: _dropped, ...rest } = body;
        return rest as ChatBody;
      },
      why: `${model.upstreamModel} takes temperature or top_p, not both`,
      fix: 'send only one of them, or set litellm_settings.drop_params: true to have Switchyard drop top_p and keep temperature',
      details: { model: model.upstreamModel },
    });
  }
  return rules;
}

/**
 * Applies `litellm_settings.drop_params` before the call instead of spending a
 * round trip on a 400: unsupported parameters are dropped when allowed, else
 * the request is refused naming the parameter.
 */
export function paramPolicy(provider: string, dropParams: boolean, model?: ModelFacts): ((body: ChatBody) => ChatBody) | undefined {
  const rules = [...(RULES[provider] ?? []), ...modelRules(provider, model)];
  if (rules.length === 0) return undefined;
  return (body) => {
    let result = body;
    for (const rule of rules) {
      if (!rule.present(result)) continue;
      if (!dropParams) {
        const fix = rule.fix ?? `remove \`${rule.param}\` from the request, or set litellm_settings.drop_params: true to have Switchyard drop it`;
        throw new GatewayError('unsupported_param', `${rule.why}: ${fix}.`, {
          param: rule.param,
          details: { provider, ...rule.details },
        });
      }
      result = rule.drop(result);
    }
    return result;
  };
}
