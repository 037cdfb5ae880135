// What Anthropic's Messages API refuses with 400 invalid_request_error, in its
// own words (pydantic-style `path: problem` messages, quoted from real answers
// where known). These are what lets an e2e test prove that the gateway's
// OpenAI → Anthropic translation produces a request the real API accepts:
// OpenAI-only fields, a `system` role inside messages, unmerged tool results,
// tool arguments left as a JSON string, a missing max_tokens.
//
// Each check returns the error message, or undefined; the wire wraps it.

import type { ChatBody, ModelEntry } from '../types.js';
import type { RequestPurpose } from './types.js';

/**
 * Top-level fields of POST /v1/messages; anything else is "Extra inputs are not permitted".
 * SDK 1.14's MessageCreateParams body fields, plus the sampling knobs (temperature,
 * top_p, top_k) that spec §3.1 documents and SDK 1.14 no longer types.
 */
const MESSAGE_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'metadata',
  'tools',
  'tool_choice',
  'thinking',
  'service_tier',
  'container',
  'mcp_servers',
  'context_management',
  'output_config',
  'output_format',
  'cache_control',
  'inference_geo',
  'speed',
  'diagnostics',
]);

/** count_tokens takes the prompt only: no sampling, no streaming, no max_tokens. */
const COUNT_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'mcp_servers',
  'context_management',
  'output_config',
  'output_format',
  'cache_control',
]);

const BLOCK_TYPES = ['text', 'image', 'document', 'search_result', 'thinking', 'redacted_thinking', 'tool_use', 'tool_result', 'server_tool_use', 'web_search_tool_result'];
const CUSTOM_TOOL_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'name',
  'description',
  'input_schema',
  'cache_control',
  'strict',
  'input_examples',
  'defer_loading',
  'allowed_callers',
  'eager_input_streaming',
]);
/** Server tools are versioned by date (`web_search_20250305`); custom tools have no type or `custom`. */
const SERVER_TOOL = /^[a-z_]+_\d{8}$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const TOOL_CHOICES = ['auto', 'any', 'tool', 'none'];

/**
 * Models that take `temperature` or `top_p`, not both: the ones released from
 * August 2025 on (Opus 4.1, Sonnet 4.5, Haiku 4.5, Opus 4.5).
 */
const ONE_SAMPLING_KNOB = /^claude-(opus-4-1|sonnet-4-5|haiku-4-5|opus-4-5)/;

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function tagError(path: string, tag: unknown, expected: readonly string[]): string {
  return `${path}: Input tag '${String(tag)}' found using 'type' does not match any of the expected tags: ${expected.map((t) => `'${t}'`).join(', ')}`;
}

function unitRange(body: ChatBody, field: 'temperature' | 'top_p'): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || value < 0 || value > 1) return `${field}: range: 0..1`;
  return undefined;
}

function checkSystem(system: unknown): string | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return 'system: Input should be a valid list';
  for (let i = 0; i < system.length; i++) {
    const block = system[i];
    if (!isObj(block) || block.type !== 'text') return `system.${i}.type: Input should be 'text'`;
    if (typeof block.text !== 'string' || block.text === '') return 'system: text content blocks must be non-empty';
  }
  return undefined;
}

function checkTools(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (!isObj(tool)) return `tools.${i}: Input should be a valid dictionary`;
    const type = tool.type;
    if (type !== undefined && type !== null && type !== 'custom') {
      // An OpenAI tool (`{type:"function",function:{…}}`) lands here.
      if (typeof type !== 'string' || !SERVER_TOOL.test(type)) return tagError(`tools.${i}`, type, ['custom', 'bash_20250124', 'text_editor_20250728', 'web_search_20250305', 'web_fetch_20250910']);
      continue;
    }
    for (const key of Object.keys(tool)) {
      if (!CUSTOM_TOOL_FIELDS.has(key)) return `tools.${i}.custom.${key}: Extra inputs are not permitted`;
    }
    if (tool.name === undefined) return `tools.${i}.custom.name: Field required`;
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    if (tool.input_schema === undefined) return `tools.${i}.custom.input_schema: Field required`;
    if (!isObj(tool.input_schema)) return `tools.${i}.custom.input_schema: Input should be a valid dictionary`;
  }
  return undefined;
}

function checkToolChoice(choice: unknown): string | undefined {
  if (choice === undefined) return undefined;
  // OpenAI's "auto" / "required" strings land here.
  if (!isObj(choice)) return 'tool_choice: Input should be a valid dictionary or object to extract fields from';
  if (!TOOL_CHOICES.includes(choice.type as string)) return tagError('tool_choice', choice.type, TOOL_CHOICES);
  if (choice.type === 'tool' && typeof choice.name !== 'string') return 'tool_choice.tool.name: Field required';
  return undefined;
}

function blocksOf(content: unknown): Obj[] | undefined {
  return Array.isArray(content) ? (content as Obj[]) : undefined;
}

function toolUseIds(message: unknown): string[] {
  if (!isObj(message) || message.role !== 'assistant') return [];
  return (blocksOf(message.content) ?? []).filter((b) => isObj(b) && b.type === 'tool_use' && typeof b.id === 'string').map((b) => b.id as string);
}

function checkMessage(message: unknown, i: number, last: boolean): string | undefined {
  if (!isObj(message)) return `messages.${i}: Input should be a valid dictionary`;
  if (message.role === 'system') {
    return 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';
  }
  if (message.role !== 'user' && message.role !== 'assistant') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
  const empty = `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
  const finalAssistant = last && message.role === 'assistant';
  if (typeof message.content === 'string') return message.content === '' && !finalAssistant ? empty : undefined;
  const blocks = blocksOf(message.content);
  if (!blocks) return message.content === undefined ? `messages.${i}.content: Field required` : `messages.${i}.content: Input should be a valid list`;
  if (blocks.length === 0 && !finalAssistant) return empty;
  for (let j = 0; j < blocks.length; j++) {
    const block = blocks[j];
    const path = `messages.${i}.content.${j}`;
    if (!isObj(block)) return `${path}: Input should be a valid dictionary`;
    // OpenAI's `image_url` parts land here.
    if (!BLOCK_TYPES.includes(block.type as string)) return tagError(path, block.type, BLOCK_TYPES);
    if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) return 'messages: text content blocks must be non-empty';
    if (block.type === 'tool_use') {
      if (typeof block.id !== 'string') return `${path}.tool_use.id: Field required`;
      if (typeof block.name !== 'string') return `${path}.tool_use.name: Field required`;
      // Arguments forwarded as OpenAI's JSON string land here.
      if (!isObj(block.input)) return `${path}.tool_use.input: Input should be a valid dictionary`;
    }
    if (block.type === 'tool_result' && typeof block.tool_use_id !== 'string') return `${path}.tool_result.tool_use_id: Field required`;
  }
  return undefined;
}

/** Role order and tool_use ↔ tool_result pairing across the conversation. */
function checkConversation(messages: readonly unknown[]): string | undefined {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Obj;
    if (i > 0 && (messages[i - 1] as Obj).role === message.role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${String(message.role)}" roles in a row`;
    }
    const blocks = blocksOf(message.content) ?? [];
    const offered = toolUseIds(messages[i - 1]);
    for (let j = 0; j < blocks.length; j++) {
      const block = blocks[j]!;
      if (block.type === 'tool_result' && !offered.includes(block.tool_use_id as string)) {
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
    const next = messages[i + 1];
    const asked = toolUseIds(message);
    if (asked.length > 0 && next !== undefined) {
      const answered = new Set((blocksOf((next as Obj).content) ?? []).filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id));
      const missing = asked.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
  }
  return undefined;
}

/** Schema checks that need no model: the message of the 400, or undefined. */
export function bodyProblem(body: ChatBody, purpose: RequestPurpose): string | undefined {
  const fields = purpose === 'chat' ? MESSAGE_FIELDS : COUNT_FIELDS;
  for (const key of Object.keys(body)) {
    // OpenAI-only fields the gateway forgot to drop (n, seed, stream_options, response_format, user…).
    if (!fields.has(key)) return `${key}: Extra inputs are not permitted`;
  }
  if (body.model === undefined) return 'model: Field required';
  if (typeof body.model !== 'string') return 'model: Input should be a valid string';
  if (purpose === 'chat') {
    if (body.max_tokens === undefined) return 'max_tokens: Field required';
    if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) return 'max_tokens: Input should be a valid integer';
    if (body.max_tokens < 1) return 'max_tokens: Input should be greater than or equal to 1';
  }
  if (body.messages === undefined) return 'messages: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Input should be a valid list';
  if (body.messages.length === 0) return 'messages: at least one message is required';
  for (let i = 0; i < body.messages.length; i++) {
    const problem = checkMessage(body.messages[i], i, i === body.messages.length - 1);
    if (problem) return problem;
  }
  const order = checkConversation(body.messages);
  if (order) return order;
  const system = checkSystem(body.system);
  if (system) return system;
  const range = unitRange(body, 'temperature') ?? unitRange(body, 'top_p');
  if (range) return range;
  if (body.top_k !== undefined && (typeof body.top_k !== 'number' || !Number.isInteger(body.top_k) || body.top_k < 0)) {
    return 'top_k: Input should be greater than or equal to 0';
  }
  if (body.stop_sequences !== undefined) {
    // OpenAI's `stop: "x"` forwarded as is lands here.
    if (!Array.isArray(body.stop_sequences) || !body.stop_sequences.every((s) => typeof s === 'string')) return 'stop_sequences: Input should be a valid list';
  }
  if (body.metadata !== undefined) {
    if (!isObj(body.metadata)) return 'metadata: Input should be a valid dictionary';
    for (const key of Object.keys(body.metadata)) if (key !== 'user_id') return `metadata.${key}: Extra inputs are not permitted`;
  }
  return checkTools(body.tools) ?? checkToolChoice(body.tool_choice);
}

/** Checks that depend on the model: the message of the 400, or undefined. */
export function modelProblem(body: ChatBody, model: ModelEntry, purpose: RequestPurpose): string | undefined {
  const max = model.max_completion_tokens;
  if (purpose === 'chat' && max !== undefined && typeof body.max_tokens === 'number' && body.max_tokens > max) {
    return `max_tokens: ${body.max_tokens} > ${max}, which is the maximum allowed number of output tokens for ${model.id}`;
  }
  if (purpose === 'chat' && ONE_SAMPLING_KNOB.test(model.id) && typeof body.temperature === 'number' && typeof body.top_p === 'number') {
    return '`temperature` and `top_p` cannot both be specified for this model. Please use only one.';
  }
  return undefined;
}
