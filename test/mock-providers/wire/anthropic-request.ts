// Reading an Anthropic Messages request: as the OpenAI-shaped body reply.ts
// plans from, and as the prompt prefix its cache_control breakpoints mark.
// Both run before validation (the fault marker is read first), so nothing
// here may assume the body is well formed.

import { createHash } from 'node:crypto';
import type { ChatBody } from '../types.js';

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObj) : [];
}

/** A message's content as blocks: a bare string is one text block. */
function blocks(content: unknown): Obj[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : list(content);
}

function text(blocksIn: readonly Obj[]): string {
  return blocksIn.map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

function systemText(system: unknown): string {
  return typeof system === 'string' ? system : text(list(system));
}

/** A tool_result's content as reply.ts reads message content: a string, or parts with `text`. */
function resultContent(block: Obj): unknown {
  return typeof block.content === 'string' ? block.content : list(block.content);
}

function toolChoice(choice: unknown): unknown {
  if (!isObj(choice)) return undefined;
  switch (choice.type) {
    case 'none':
      return 'none';
    case 'any':
      return 'required';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    default:
      return 'auto';
  }
}

/**
 * The Anthropic request as an OpenAI chat body: `system` becomes a system
 * message, tool_use blocks become `tool_calls`, tool_result blocks become
 * `tool` messages (before the user's text, where Anthropic puts them),
 * `input_schema` becomes `parameters` and `stop_sequences` becomes `stop`.
 */
export function anthropicToChatBody(body: ChatBody): ChatBody {
  const messages: Obj[] = [];
  const system = systemText(body.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const message of list(body.messages)) {
    const content = blocks(message.content);
    if (message.role === 'assistant') {
      const calls = content
        .filter((b) => b.type === 'tool_use')
        .map((b) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }));
      messages.push({ role: 'assistant', content: text(content), ...(calls.length > 0 ? { tool_calls: calls } : {}) });
      continue;
    }
    const results = content.filter((b) => b.type === 'tool_result');
    for (const result of results) messages.push({ role: 'tool', tool_call_id: result.tool_use_id, content: resultContent(result) });
    const said = content.filter((b) => b.type !== 'tool_result');
    if (said.length > 0 || results.length === 0) messages.push({ role: message.role, content: text(said) });
  }
  const tools = list(body.tools).map((t) => ({ type: 'function', function: { name: t.name, parameters: t.input_schema } }));
  return {
    model: body.model,
    messages,
    ...(tools.length > 0 ? { tools } : {}),
    tool_choice: toolChoice(body.tool_choice),
    max_tokens: body.max_tokens,
    stop: body.stop_sequences,
    stream: body.stream,
  };
}

/** One piece of the prompt in Anthropic's cache order (tools, system, messages). */
interface Segment {
  /** What identifies the piece in the cache: its JSON without the breakpoint marker. */
  key: string;
  chars: number;
  breakpoint: boolean;
}

function segment(value: Obj, chars: number): Segment {
  const { cache_control: marker, ...rest } = value;
  return { key: JSON.stringify(rest), chars, breakpoint: isObj(marker) };
}

function blockChars(block: Obj): number {
  if (typeof block.text === 'string') return block.text.length;
  if (block.type === 'tool_use') return JSON.stringify(block.input ?? {}).length;
  if (block.type === 'tool_result') {
    const content = resultContent(block);
    return typeof content === 'string' ? content.length : text(content as Obj[]).length;
  }
  return 0;
}

function segments(body: ChatBody): Segment[] {
  const out: Segment[] = list(body.tools).map((tool) => segment(tool, JSON.stringify(tool).length));
  if (typeof body.system === 'string') out.push(segment({ system: body.system }, body.system.length));
  else out.push(...list(body.system).map((b) => segment(b, blockChars(b))));
  for (const message of list(body.messages)) {
    out.push(segment({ role: message.role }, 0));
    out.push(...blocks(message.content).map((b) => segment(b, blockChars(b))));
  }
  return out;
}

export interface CachedPrefix {
  /** Identifies the prefix: the same tools, system and messages up to the breakpoint give the same id. */
  id: string;
  tokens: number;
}

/**
 * The prompt prefix up to the last cache_control breakpoint (a top-level
 * `cache_control` caches the whole prompt), or undefined when the request asks
 * for no caching. Anthropic's minimum cacheable length (1024 tokens) is
 * ignored so that short test prompts cache too.
 */
export function cachedPrefix(body: ChatBody): CachedPrefix | undefined {
  const all = segments(body);
  let end = isObj(body.cache_control) ? all.length - 1 : -1;
  for (let i = all.length - 1; i > end; i--) {
    if (all[i]!.breakpoint) {
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  const prefix = all.slice(0, end + 1);
  const chars = prefix.reduce((sum, s) => sum + s.chars, 0);
  const id = createHash('sha256')
    .update(`${String(body.model)}\n${prefix.map((s) => s.key).join('\n')}`)
    .digest('hex');
  return { id, tokens: Math.max(1, Math.ceil(chars / 4)) };
}
