// What the "model" answers: deterministic, provider-independent.
//
// Every wire module renders the same Reply in its own format, so a test can
// assert the echo ("Hello from mock groq: <text>") and the token counts without
// caring which provider produced them.

import { stripMarkers } from './faults.js';
import type { ChatBody, Flavor } from './types.js';

export interface ToolCallPlan {
  /** Filled in by the wire module: each provider has its own id shape. */
  idSeed: string;
  name: string;
  /** JSON text, exactly as it goes on the wire. */
  arguments: string;
}

export interface Reply {
  /** Assistant text; null when the reply is a tool call. */
  content: string | null;
  /** Content split the way it streams: one word (with its leading space) per chunk. */
  pieces: string[];
  toolCall: ToolCallPlan | undefined;
  finishReason: 'stop' | 'length' | 'tool_calls';
  /** The stop sequence the text ran into (it is cut just before it); finishReason is then 'stop'. */
  stopSequence?: string | undefined;
  promptTokens: number;
  completionTokens: number;
}

interface Message {
  role?: unknown;
  content?: unknown;
  tool_calls?: unknown;
}

/** Text of a message's content: a string, or the text parts of a parts array. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
      .join('');
  }
  return '';
}

function asMessages(body: ChatBody): Message[] {
  return Array.isArray(body.messages) ? (body.messages.filter((m) => m && typeof m === 'object') as Message[]) : [];
}

/** The last user message's text, control markers removed. */
export function lastUserText(body: ChatBody): string {
  const messages = asMessages(body);
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'user') return messageText(messages[i]!.content);
  }
  return '';
}

/** ≈ ceil(chars / 4), the usual rule of thumb; tool-call arguments count as text too. */
export function estimatePromptTokens(body: ChatBody): number {
  let chars = 0;
  for (const m of asMessages(body)) {
    chars += messageText(m.content).length;
    if (Array.isArray(m.tool_calls)) chars += JSON.stringify(m.tool_calls).length;
  }
  return Math.max(1, Math.ceil(chars / 4));
}

/** Splits into stream pieces: `"Hello from mock"` → `["Hello", " from", " mock"]`. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text ? [text] : []);
}

interface ToolDef {
  type?: unknown;
  function?: { name?: unknown; parameters?: unknown };
}

interface JsonSchema {
  type?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: unknown;
  enum?: unknown;
}

/** A value that satisfies the property's schema: strings "test", numbers 1, booleans true. */
function sampleValue(schema: JsonSchema | undefined): unknown {
  if (schema && Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return sampleArguments(schema);
    case 'null':
      return null;
    default:
      return 'test';
  }
}

function sampleArguments(schema: JsonSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = Array.isArray(schema?.required) ? (schema!.required as unknown[]) : [];
  for (const key of required) {
    if (typeof key === 'string') out[key] = sampleValue(schema?.properties?.[key]);
  }
  return out;
}

/** The tool the model "calls", or undefined when it answers in text. */
function chooseTool(body: ChatBody): ToolDef | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as ToolDef[]) : [];
  if (tools.length === 0 || body.tool_choice === 'none') return undefined;
  const messages = asMessages(body);
  if (messages.at(-1)?.role === 'tool') return undefined;
  const choice = body.tool_choice as { type?: unknown; function?: { name?: unknown } } | undefined;
  if (choice && typeof choice === 'object' && choice.type === 'function' && typeof choice.function?.name === 'string') {
    const forced = choice.function.name;
    return tools.find((t) => t.function?.name === forced) ?? { type: 'function', function: { name: forced } };
  }
  return tools[0];
}

/** `stop` as OpenAI takes it: one string or a list. */
function stopSequences(body: ChatBody): string[] {
  const stop = body.stop;
  if (typeof stop === 'string') return stop ? [stop] : [];
  return Array.isArray(stop) ? stop.filter((s): s is string => typeof s === 'string' && s.length > 0) : [];
}

/** The earliest stop sequence in `text`, as a provider would meet it while generating. */
function firstStop(text: string, stops: readonly string[]): { at: number; sequence: string } | undefined {
  let found: { at: number; sequence: string } | undefined;
  for (const sequence of stops) {
    const at = text.indexOf(sequence);
    if (at >= 0 && (found === undefined || at < found.at)) found = { at, sequence };
  }
  return found;
}

/** Stream pieces of a text cut short: trailing whitespace stays on the last piece, so the pieces join back to the text. */
function piecesOf(text: string): string[] {
  const pieces = wordPieces(text);
  const trailing = /\s+$/.exec(text)?.[0];
  if (trailing && pieces.length > 0) pieces[pieces.length - 1] += trailing;
  return pieces;
}

function maxTokens(body: ChatBody): number | undefined {
  const n = body.max_completion_tokens ?? body.max_tokens;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : undefined;
}

export function planReply(flavor: Flavor, body: ChatBody): Reply {
  const promptTokens = estimatePromptTokens(body);
  const tool = chooseTool(body);
  if (tool) {
    const name = typeof tool.function?.name === 'string' ? tool.function.name : 'tool';
    const args = JSON.stringify(sampleArguments(tool.function?.parameters as JsonSchema | undefined));
    const seed = `${name}:${JSON.stringify(body.messages ?? null)}`;
    return {
      content: null,
      pieces: [],
      toolCall: { idSeed: seed, name, arguments: args },
      finishReason: 'tool_calls',
      promptTokens,
      completionTokens: Math.max(1, wordPieces(`${name} ${args}`).length),
    };
  }

  const messages = asMessages(body);
  const last = messages.at(-1);
  const format = body.response_format?.type;
  let text: string;
  if (last?.role === 'tool') text = `Tool said: ${messageText(last.content)}`;
  else if (format === 'json_object' || format === 'json_schema') text = '{"ok":true}';
  else text = `Hello from mock ${flavor}: ${stripMarkers(lastUserText(body)).slice(0, 40)}`;

  // A stop sequence ends the text just before it; max_tokens wins when it cuts even earlier.
  const stop = firstStop(text, stopSequences(body));
  let pieces = stop ? piecesOf(text.slice(0, stop.at)) : wordPieces(text);
  let finishReason: Reply['finishReason'] = 'stop';
  let stopSequence = stop?.sequence;
  const limit = maxTokens(body);
  if (limit !== undefined && limit < pieces.length) {
    pieces = pieces.slice(0, limit);
    finishReason = 'length';
    stopSequence = undefined;
  }
  const content = pieces.join('');
  return { content, pieces, toolCall: undefined, finishReason, stopSequence, promptTokens, completionTokens: pieces.length };
}
