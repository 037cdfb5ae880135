import { GatewayError } from '../errors/gateway-error.js';
import type { ChatBody } from './types.js';

/** A request parameter some provider refuses with a 400 (provider-wire-formats.md §1.8). */
interface ParamRule {
  param: string;
  /** Whether this body uses the parameter in a way the provider refuses. */
  present(body: ChatBody): boolean;
  /** The body without it (a copy: the client's body may be reused for a fallback). */
  drop(body: ChatBody): ChatBody;
  why: string;
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

const RULES: Record<string, ParamRule[]> = { groq: GROQ_RULES };

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
        throw new GatewayError('unsupported_param', `${rule.why}: remove \`${rule.param}\` from the request, or set litellm_settings.drop_params: true to have Switchyard drop it.`, {
          param: rule.param,
          details: { provider },
        });
      }
      result = rule.drop(result);
    }
    return result;
  };
}
