import { GatewayError } from '../errors/gateway-error.js';
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
 * Applies `litellm_settings.drop_params` before the call instead of spending a
 * round trip on a 400: unsupported parameters are dropped when allowed, else
 * the request is refused naming the parameter.
 */
export function paramPolicy(provider: string, dropParams: boolean): ((body: ChatBody) => ChatBody) | undefined {
  const rules = RULES[provider];
  if (rules === undefined) return undefined;
  return (body) => {
    let result = body;
    for (const rule of rules) {
      if (!rule.present(result)) continue;
      if (!dropParams) {
        const fix = rule.fix ?? `remove \`${rule.param}\` from the request, or set litellm_settings.drop_params: true to have Switchyard drop it`;
        throw new GatewayError('unsupported_param', `${rule.why}: ${fix}.`, {
          param: rule.param,
          details: { provider },
        });
      }
      result = rule.drop(result);
    }
    return result;
  };
}
