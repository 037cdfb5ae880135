import { GatewayError } from '../../errors/gateway-error.js';
import { describe } from '../chat-request.js';
import { isRecord } from '../../util/is-record.js';

// The Anthropic Messages request as Switchyard reads it (provider-wire-formats.md §3.1).
// Only the shapes the translation relies on are checked here; whether a field can
// be honoured by an OpenAI-compatible provider is decided in to-chat.ts.

export type Block = { type: string; [field: string]: unknown };

export interface AnthropicMessage {
  /** `system` inside `messages` is accepted: recent Anthropic SDKs send it. */
  role: 'user' | 'assistant' | 'system';
  content: string | Block[];
}

export interface AnthropicTool {
  type?: string | null;
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  [field: string]: unknown;
}

export interface AnthropicToolChoice {
  type: 'auto' | 'any' | 'tool' | 'none';
  name?: string;
  disable_parallel_tool_use?: boolean;
}

export interface AnthropicRequest {
  model: string;
  max_tokens?: number;
  messages: AnthropicMessage[];
  system?: string | Block[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  metadata?: { user_id?: string | null };
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: { type: string; budget_tokens?: number };
  output_config?: { effort?: string | null; format?: { type: string; schema?: Record<string, unknown> } | null };
  [field: string]: unknown;
}

const ROLES = new Set(['user', 'assistant', 'system']);
const TOOL_CHOICES = new Set(['auto', 'any', 'tool', 'none']);

/**
 * Validates a /v1/messages (or count_tokens) body in Anthropic's terms: each
 * failure is `invalid_request` naming the field, as Anthropic's 400s do.
 */
export function parseMessagesRequest(value: unknown, options: { requireMaxTokens: boolean }): AnthropicRequest {
  if (!isRecord(value)) throw invalid('', `The request body must be a JSON object, not ${describe(value)}.`);
  const body = value;
  if (body.model === undefined) throw invalid('model', 'The field "model" is required: the Switchyard alias to use, e.g. "groq-70b" (GET /v1/models lists them).');
  if (typeof body.model !== 'string' || body.model.trim() === '') throw invalid('model', `The field "model" must be a non-empty string, not ${describe(body.model)}.`);

  if (body.max_tokens === undefined) {
    if (options.requireMaxTokens) throw invalid('max_tokens', 'The field "max_tokens" is required by the Messages API: the most tokens the answer may have, e.g. 1024.');
  } else if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) {
    throw invalid('max_tokens', `The field "max_tokens" must be an integer of at least 1, not ${describe(body.max_tokens)}.`);
  }

  if (body.messages === undefined) throw invalid('messages', 'The field "messages" is required: a list like [{"role": "user", "content": "Hello"}].');
  if (!Array.isArray(body.messages)) throw invalid('messages', `The field "messages" must be an array, not ${describe(body.messages)}.`);
  if (body.messages.length === 0) throw invalid('messages', 'The field "messages" must contain at least one message.');
  body.messages.forEach((message: unknown, i: number) => checkMessage(message, `messages[${i}]`));

  if (body.system !== undefined && typeof body.system !== 'string') {
    if (!Array.isArray(body.system)) throw invalid('system', `The field "system" must be a string or an array of text blocks, not ${describe(body.system)}.`);
    body.system.forEach((block: unknown, i: number) => {
      const path = `system[${i}]`;
      if (!isRecord(block) || block.type !== 'text') throw invalid(path, `${path} must be a text block {"type": "text", "text": "..."}, not ${describe(block)}.`);
      checkBlock(block, path);
    });
  }

  optional(body, 'stream', (v) => typeof v === 'boolean', 'true or false');
  optional(body, 'temperature', (v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number from 0 to 1');
  optional(body, 'top_p', (v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number from 0 to 1');
  optional(body, 'top_k', (v) => Number.isInteger(v) && (v as number) >= 0, 'an integer of at least 0');
  optional(body, 'stop_sequences', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'), 'an array of strings');
  optional(body, 'metadata', isRecord, 'an object');
  if (isRecord(body.metadata)) optional(body.metadata, 'user_id', (v) => typeof v === 'string', 'a string', 'metadata.');
  optional(body, 'thinking', (v) => isRecord(v) && typeof v.type === 'string', 'an object with a "type"');
  optional(body, 'output_config', isRecord, 'an object');

  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw invalid('tools', `The field "tools" must be an array, not ${describe(body.tools)}.`);
    body.tools.forEach((tool: unknown, i: number) => checkTool(tool, `tools[${i}]`));
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    const choice = body.tool_choice;
    if (!isRecord(choice) || typeof choice.type !== 'string' || !TOOL_CHOICES.has(choice.type)) {
      throw invalid('tool_choice', `The field "tool_choice" must be {"type": "auto" | "any" | "tool" | "none"}, not ${describe(choice)}.`);
    }
    if (choice.type === 'tool' && typeof choice.name !== 'string') throw invalid('tool_choice.name', 'tool_choice of type "tool" needs the "name" of the tool to call.');
    optional(choice, 'disable_parallel_tool_use', (v) => typeof v === 'boolean', 'true or false', 'tool_choice.');
  }
  return body as AnthropicRequest;
}

function checkMessage(message: unknown, path: string): void {
  if (!isRecord(message)) throw invalid(path, `${path} must be an object, not ${describe(message)}.`);
  if (typeof message.role !== 'string' || !ROLES.has(message.role)) throw invalid(`${path}.role`, `${path}.role must be "user" or "assistant", not ${describe(message.role)}.`);
  const content = message.content;
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) throw invalid(`${path}.content`, `${path}.content must be a string or an array of content blocks, not ${describe(content)}.`);
  content.forEach((block: unknown, j: number) => checkBlock(block, `${path}.content[${j}]`));
}

/** The fields each block type the translation reads must have; unknown types are judged in to-chat.ts. */
function checkBlock(block: unknown, path: string): void {
  if (!isRecord(block) || typeof block.type !== 'string') throw invalid(path, `${path} must be a content block with a "type", not ${describe(block)}.`);
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') throw invalid(`${path}.text`, `${path}.text must be a string, not ${describe(block.text)}.`);
      return;
    case 'image': {
      const source = block.source;
      if (!isRecord(source) || typeof source.type !== 'string') throw invalid(`${path}.source`, `${path}.source must be {"type": "base64" | "url", ...}, not ${describe(source)}.`);
      if (source.type === 'base64' && (typeof source.media_type !== 'string' || typeof source.data !== 'string')) {
        throw invalid(`${path}.source`, `${path}.source of type "base64" needs the strings "media_type" and "data".`);
      }
      if (source.type === 'url' && typeof source.url !== 'string') throw invalid(`${path}.source.url`, `${path}.source of type "url" needs the string "url".`);
      return;
    }
    case 'tool_use':
      if (typeof block.id !== 'string') throw invalid(`${path}.id`, `${path}.id must be a string, not ${describe(block.id)}.`);
      if (typeof block.name !== 'string') throw invalid(`${path}.name`, `${path}.name must be a string, not ${describe(block.name)}.`);
      if (!isRecord(block.input)) throw invalid(`${path}.input`, `${path}.input must be an object, not ${describe(block.input)}.`);
      return;
    case 'tool_result': {
      if (typeof block.tool_use_id !== 'string') throw invalid(`${path}.tool_use_id`, `${path}.tool_use_id must be a string, not ${describe(block.tool_use_id)}.`);
      optional(block, 'is_error', (v) => typeof v === 'boolean', 'true or false', `${path}.`);
      const content = block.content;
      if (content === undefined || typeof content === 'string') return;
      if (!Array.isArray(content)) throw invalid(`${path}.content`, `${path}.content must be a string or an array of blocks, not ${describe(content)}.`);
      content.forEach((inner: unknown, k: number) => checkBlock(inner, `${path}.content[${k}]`));
      return;
    }
  }
}

function checkTool(tool: unknown, path: string): void {
  if (!isRecord(tool)) throw invalid(path, `${path} must be an object, not ${describe(tool)}.`);
  if (typeof tool.name !== 'string' || tool.name === '') throw invalid(`${path}.name`, `${path}.name must be a non-empty string, not ${describe(tool.name)}.`);
  // Server tools (`web_search_20250305`, …) carry their own `type` and no schema.
  if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') return;
  if (!isRecord(tool.input_schema)) throw invalid(`${path}.input_schema`, `${path}.input_schema must be a JSON Schema object, not ${describe(tool.input_schema)}.`);
  optional(tool, 'description', (v) => typeof v === 'string', 'a string', `${path}.`);
}

/** Absent and null are both "not set", as in Anthropic's API. */
function optional(object: Record<string, unknown>, field: string, ok: (value: unknown) => boolean, expected: string, prefix = ''): void {
  const value = object[field];
  if (value === undefined || value === null || ok(value)) return;
  throw invalid(`${prefix}${field}`, `The field "${prefix}${field}" must be ${expected}, not ${describe(value)}.`);
}


function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param: param || null });
}
