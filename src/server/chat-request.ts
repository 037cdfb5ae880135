import { GatewayError } from '../errors/gateway-error.js';
import type { ChatBody } from '../providers/types.js';

/**
 * Checks only the fields the gateway itself reads; the provider validates the
 * rest. Each failure names the field, as OpenAI's `param` does.
 */
export function parseChatBody(value: unknown): ChatBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('', `The request body must be a JSON object, not ${describe(value)}.`);
  }
  const body = value as Record<string, unknown>;
  if (body.model === undefined) throw invalid('model', 'The field "model" is required: the alias to use, e.g. "groq-70b" (GET /v1/models lists them).');
  if (typeof body.model !== 'string' || body.model.trim() === '') throw invalid('model', `The field "model" must be a non-empty string, not ${describe(body.model)}.`);
  if (body.messages === undefined) throw invalid('messages', 'The field "messages" is required: a list like [{"role": "user", "content": "Hello"}].');
  if (!Array.isArray(body.messages)) throw invalid('messages', `The field "messages" must be an array, not ${describe(body.messages)}.`);
  if (body.messages.length === 0) throw invalid('messages', 'The field "messages" must contain at least one message.');
  for (let i = 0; i < body.messages.length; i++) {
    const message: unknown = body.messages[i];
    if (typeof message !== 'object' || message === null || Array.isArray(message)) throw invalid(`messages[${i}]`, `messages[${i}] must be an object, not ${describe(message)}.`);
    const role = (message as Record<string, unknown>).role;
    if (typeof role !== 'string') throw invalid(`messages[${i}].role`, `messages[${i}].role must be a string such as "user", not ${describe(role)}.`);
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw invalid('stream', `The field "stream" must be true or false, not ${describe(body.stream)}.`);
  const options = body.stream_options;
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' || Array.isArray(options)) throw invalid('stream_options', `The field "stream_options" must be an object, not ${describe(options)}.`);
    const includeUsage = (options as Record<string, unknown>).include_usage;
    if (includeUsage !== undefined && typeof includeUsage !== 'boolean') throw invalid('stream_options.include_usage', `stream_options.include_usage must be true or false, not ${describe(includeUsage)}.`);
  }
  return body as ChatBody;
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param: param || null });
}

/** A value as a message shows it: its type, and short strings and numbers themselves. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}${typeof value === 'number' || typeof value === 'boolean' ? ` (${String(value)})` : ''}`;
}
