// Anthropic prompt-cache breakpoints in an OpenAI chat body, LiteLLM's way:
// `cache_control` on content parts, on whole messages and on tool definitions.
// Anthropic (and OpenRouter, for Claude models) honours them; OpenAI, Groq and
// most compatible servers refuse unknown fields in content parts, so for them
// the markers are taken out before sending.

import type { ChatBody } from './types.js';
import { isRecord } from '../util/is-record.js';

/**
 * Set on a ChatBody that carries `cache_control` somewhere. A symbol key, so
 * JSON.stringify never sends it, object spread keeps it on the copies the
 * router and param-policy.ts make, and bodies without markers (every plain
 * OpenAI request) pay one property read, not a walk of their messages.
 */
export const CARRIES_CACHE_CONTROL: unique symbol = Symbol('switchyard.carriesCacheControl');

type Marked = ChatBody & { [CARRIES_CACHE_CONTROL]?: true };

export function markCacheControl(body: ChatBody): void {
  (body as Marked)[CARRIES_CACHE_CONTROL] = true;
}

export function carriesCacheControl(body: ChatBody): boolean {
  return (body as Marked)[CARRIES_CACHE_CONTROL] === true;
}

/**
 * How text parts join into one string, per role. The /v1/messages ingress sends
 * text as a plain string (not every compatible server takes part arrays) and
 * uses parts only to carry `cache_control`; once the markers are stripped the
 * parts are joined back exactly as the ingress would have joined them.
 */
export const TEXT_SEPARATOR: Record<string, string> = { system: '\n\n', user: '\n', assistant: '', tool: '\n' };

/** `{cache_control, ...rest}` → rest, as a copy. */
function without<T extends Record<string, unknown>>(value: T): T {
  if (!('cache_control' in value)) return value;
  const { cache_control: _marker, ...rest } = value;
  return rest as T;
}


function strippedContent(content: unknown, role: string): unknown {
  if (!Array.isArray(content)) return content;
  const parts = content.map((part) => (isRecord(part) ? without(part) : part));
  const allText = parts.every((part) => isRecord(part) && part.type === 'text' && typeof part.text === 'string');
  return allText && parts.length > 0 ? parts.map((part) => (part as { text: string }).text).join(TEXT_SEPARATOR[role] ?? '\n') : parts;
}

/**
 * The body without any `cache_control`, for providers that refuse it. Only a
 * body marked by the ingress is walked; anything else is returned as is (the
 * same object, so the OpenAI adapter still forwards the client's bytes).
 */
export function stripCacheControl(body: ChatBody): ChatBody {
  if (!carriesCacheControl(body)) return body;
  const result: ChatBody = {
    ...body,
    messages: body.messages.map((message) => {
      const rest = without(message);
      return Array.isArray(rest.content) ? { ...rest, content: strippedContent(rest.content, String(rest.role)) } : rest;
    }),
  };
  if (Array.isArray(body.tools)) result.tools = body.tools.map((tool) => (isRecord(tool) ? without(tool) : tool));
  // The copy no longer carries markers: a later step need not walk it again.
  delete (result as Marked)[CARRIES_CACHE_CONTROL];
  return result;
}

/** Providers that take `cache_control` as Anthropic does: Anthropic itself, and OpenRouter (for Claude models). */
const KEEPS_CACHE_CONTROL = new Set(['anthropic', 'openrouter']);

/** The strip step for a provider, or undefined when it keeps the markers. */
export function cacheControlPolicy(provider: string): ((body: ChatBody) => ChatBody) | undefined {
  return KEEPS_CACHE_CONTROL.has(provider) ? undefined : stripCacheControl;
}
