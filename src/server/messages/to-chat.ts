import { GatewayError } from '../../errors/gateway-error.js';
import { markCacheControl, TEXT_SEPARATOR } from '../../providers/cache-control.js';
import { ANTHROPIC_ONLY, type ChatBody } from '../../providers/types.js';
import type { AnthropicMessage, AnthropicRequest, AnthropicTool, Block as RequestBlock } from './request.js';

// Anthropic Messages request → OpenAI chat request (provider-wire-formats.md §3.4,
// read right to left), so any configured alias can serve an Anthropic client.

/** Fields this module turns into OpenAI ones. */
const TRANSLATED = new Set([
  'model', 'max_tokens', 'messages', 'system', 'stream', 'temperature', 'top_p', 'stop_sequences',
  'metadata', 'tools', 'tool_choice', 'thinking', 'output_config', 'cache_control',
]);
/**
 * Hints about how Anthropic should serve the request: meaningless to another
 * provider, and harmless to leave out (Claude Code sends `context_management`
 * on every request; it also needs a beta header Switchyard does not pass on).
 */
const IGNORED = new Set(['service_tier', 'speed', 'inference_geo', 'context_management']);
/** Why a field cannot be honoured, for the ones users are likely to send; anything else unknown gets a generic reason. */
const INEXPRESSIBLE: Record<string, string> = {
  top_k: 'OpenAI-compatible providers have no top_k sampling parameter',
  container: 'containers are run by Anthropic\'s servers; other providers have none',
  mcp_servers: 'MCP servers are called by Anthropic\'s servers; other providers cannot call them',
};

/** Drops what cannot be expressed when `drop_params` allows it, else refuses naming it. */
type Unsupported = (param: string, why: string) => void;

/**
 * Prompt-cache breakpoints travel in LiteLLM's convention (`cache_control` on
 * content parts, messages and tools), so that the `anthropic/` provider puts
 * them back where the client had them; the body is marked (cache-control.ts)
 * so that providers which refuse them get a copy without.
 */
type Block = RequestBlock;
type Part = Record<string, unknown>;

/** The block's `cache_control`, or undefined; `null` means "no breakpoint" as in Anthropic's SDKs. */
function cacheOf(block: Block | AnthropicTool | AnthropicRequest): unknown {
  return block.cache_control ?? undefined;
}

function withCache(target: Part, cache: unknown): Part {
  if (cache !== undefined) target.cache_control = cache;
  return target;
}

/**
 * Builds the OpenAI ChatBody the router sends to any provider. Throws
 * `unsupported_param` for what an OpenAI-compatible provider cannot do, unless
 * `dropParams` (litellm_settings.drop_params) says to leave such fields out.
 */
export function toChatBody(request: AnthropicRequest, options: { dropParams: boolean }): ChatBody {
  const unsupported: Unsupported = (param, why) => {
    if (options.dropParams) return;
    throw new GatewayError('unsupported_param', `${why}: remove \`${param}\` from the request, or set litellm_settings.drop_params: true to have Switchyard drop it.`, {
      param,
      details: { endpoint: '/v1/messages' },
    });
  };

  for (const field of Object.keys(request)) {
    if (TRANSLATED.has(field) || IGNORED.has(field) || request[field] === undefined || request[field] === null) continue;
    unsupported(field, INEXPRESSIBLE[field] ?? `"${field}" is an Anthropic Messages feature Switchyard cannot pass to an OpenAI-compatible provider`);
  }

  const body: ChatBody = { model: request.model, messages: [] };
  if (request.system !== undefined) appendSystem(body.messages, request.system);
  request.messages.forEach((message, i) => appendMessage(body.messages, message, `messages[${i}]`, unsupported));
  // Top-level `cache_control` caches the whole prompt: a breakpoint at the end of the last message.
  const wholePrompt = cacheOf(request);
  const last = body.messages.at(-1);
  if (wholePrompt !== undefined && last !== undefined) last.cache_control = wholePrompt;

  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.stop_sequences != null && request.stop_sequences.length > 0) body.stop = request.stop_sequences;
  if (typeof request.metadata?.user_id === 'string') body.user = request.metadata.user_id;
  // Thinking and effort reach Claude (the anthropic/ provider); any other model
  // answers without thinking blocks, a valid answer to an Anthropic client.
  const anthropicOnly: Record<string, unknown> = {};
  if (request.thinking != null && request.thinking.type !== 'disabled') anthropicOnly.thinking = request.thinking;
  if (request.output_config != null) applyOutputConfig(body, request.output_config, anthropicOnly, unsupported);
  if (Object.keys(anthropicOnly).length > 0) body[ANTHROPIC_ONLY] = anthropicOnly;
  if (request.stream === true) {
    body.stream = true;
    // The final usage is needed for message_delta; providers send it only when asked.
    body.stream_options = { include_usage: true };
  }
  applyTools(body, request, unsupported);
  if (hasCacheControl(body)) markCacheControl(body);
  return body;
}

function hasCacheControl(body: ChatBody): boolean {
  const marked = (value: unknown) => typeof value === 'object' && value !== null && (value as Part).cache_control !== undefined;
  return body.messages.some((m) => marked(m) || (Array.isArray(m.content) && m.content.some(marked)))
    || (Array.isArray(body.tools) && body.tools.some(marked));
}

/** Text blocks as one string; as text parts when one carries a breakpoint (a string cannot). */
function appendSystem(out: ChatBody['messages'], system: string | Block[]): void {
  if (typeof system === 'string') {
    if (system !== '') out.push({ role: 'system', content: system });
    return;
  }
  const blocks = system.filter((b) => b.type === 'text' && b.text !== '');
  if (blocks.length === 0) return;
  if (!blocks.some((b) => cacheOf(b) !== undefined)) {
    out.push({ role: 'system', content: blocks.map((b) => b.text as string).join(TEXT_SEPARATOR.system) });
    return;
  }
  out.push({ role: 'system', content: blocks.map((b) => withCache({ type: 'text', text: b.text }, cacheOf(b))) });
}

function appendMessage(out: ChatBody['messages'], message: AnthropicMessage, path: string, unsupported: Unsupported): void {
  const { role, content } = message;
  if (typeof content === 'string') {
    out.push({ role, content });
    return;
  }
  if (role === 'assistant') out.push(assistantMessage(content, path, unsupported));
  else if (role === 'system') appendSystem(out, content);
  else appendUserTurn(out, content, path, unsupported);
}

/**
 * Text blocks, then tool calls. A breakpoint on a text block stays on its part;
 * one on a tool call goes on the message, which the `anthropic/` provider puts
 * on the message's last block (exactly where it was when that call is last).
 */
function assistantMessage(blocks: Block[], path: string, unsupported: Unsupported): Record<string, unknown> {
  const texts: Part[] = [];
  const toolCalls: Array<Record<string, unknown>> = [];
  let toolCache: unknown;
  blocks.forEach((block, j) => {
    switch (block.type) {
      case 'text':
        texts.push(withCache({ type: 'text', text: block.text }, cacheOf(block)));
        break;
      case 'tool_use':
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
        toolCache = cacheOf(block) ?? toolCache;
        break;
      case 'thinking':
      case 'redacted_thinking':
        break; // signed by Anthropic for Anthropic; another model cannot use it
      default:
        unsupported(`${path}.content[${j}]`, blockWhy(block.type, 'an assistant message'));
    }
  });
  const keepParts = texts.some((part) => part.cache_control !== undefined);
  const text = texts.map((part) => part.text as string).join(TEXT_SEPARATOR.assistant);
  const content = keepParts ? texts : text;
  const message: Part = toolCalls.length === 0 ? { role: 'assistant', content } : { role: 'assistant', content: text === '' && !keepParts ? null : content, tool_calls: toolCalls };
  return withCache(message, toolCache);
}

/**
 * One user turn: its tool results become `role: "tool"` messages first (they
 * must follow the assistant's tool calls directly), then the rest of the turn
 * as one user message. Images inside tool results travel in that user message,
 * since OpenAI tool messages carry text only.
 */
function appendUserTurn(out: ChatBody['messages'], blocks: Block[], path: string, unsupported: Unsupported): void {
  const parts: Array<Record<string, unknown>> = [];
  blocks.forEach((block, j) => {
    const at = `${path}.content[${j}]`;
    switch (block.type) {
      case 'tool_result': {
        const inner = Array.isArray(block.content) ? (block.content as Block[]) : [];
        // OpenAI tool messages carry text only: a breakpoint on the result or inside it marks the message.
        const cache = cacheOf(block) ?? inner.filter((b) => b.type !== 'image').map(cacheOf).reverse().find((c) => c !== undefined);
        out.push(withCache({ role: 'tool', tool_call_id: block.tool_use_id, content: toolResultText(block, at, parts, unsupported) }, cache));
        break;
      }
      case 'text':
      case 'image': {
        const part = contentPart(block, at, unsupported);
        if (part !== undefined) parts.push(part);
        break;
      }
      case 'thinking':
      case 'redacted_thinking':
        break;
      default:
        unsupported(at, blockWhy(block.type, 'a user message'));
    }
  });
  if (parts.length === 0) return;
  // Plain text goes as a string: every OpenAI-compatible server accepts that, not all accept part arrays.
  const plain = parts.every((p) => p.type === 'text' && p.cache_control === undefined);
  out.push({ role: 'user', content: plain ? parts.map((p) => p.text).join(TEXT_SEPARATOR.user) : parts });
}

function toolResultText(block: Block, path: string, images: Array<Record<string, unknown>>, unsupported: Unsupported): string {
  const content = block.content;
  let text = '';
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    const texts: string[] = [];
    (content as Block[]).forEach((inner, k) => {
      if (inner.type === 'text') texts.push(inner.text as string);
      else if (inner.type === 'image') {
        const part = contentPart(inner, `${path}.content[${k}]`, unsupported);
        if (part !== undefined) images.push(part);
      } else unsupported(`${path}.content[${k}]`, blockWhy(inner.type, 'a tool result'));
    });
    text = texts.join('\n');
  }
  // The model must still learn that the tool failed: OpenAI has no is_error flag.
  return block.is_error === true ? `Error: ${text}` : text;
}

function contentPart(block: Block, path: string, unsupported: Unsupported): Record<string, unknown> | undefined {
  if (block.type === 'text') return withCache({ type: 'text', text: block.text }, cacheOf(block));
  const source = block.source as Record<string, string>;
  if (source.type === 'base64') return withCache({ type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } }, cacheOf(block));
  if (source.type === 'url') return withCache({ type: 'image_url', image_url: { url: source.url } }, cacheOf(block));
  unsupported(`${path}.source`, `Image sources of type "${source.type}" (Anthropic's Files API) cannot be read by another provider; send the image as base64 or a URL`);
  return undefined;
}

function applyTools(body: ChatBody, request: AnthropicRequest, unsupported: Unsupported): void {
  const tools: Array<Record<string, unknown>> = [];
  (request.tools ?? []).forEach((tool, i) => {
    if (tool.type != null && tool.type !== 'custom') {
      unsupported(`tools[${i}]`, `The server tool "${tool.name}" (${tool.type}) runs on Anthropic's servers; other providers cannot run it`);
      return;
    }
    tools.push(functionTool(tool));
  });
  // Without tools, OpenAI refuses tool_choice and parallel_tool_calls: they go too.
  if (tools.length === 0) return;
  body.tools = tools;
  const choice = request.tool_choice;
  if (choice == null) return;
  if (choice.type === 'auto') body.tool_choice = 'auto';
  else if (choice.type === 'any') body.tool_choice = 'required';
  else if (choice.type === 'none') body.tool_choice = 'none';
  else body.tool_choice = { type: 'function', function: { name: choice.name } };
  if (choice.disable_parallel_tool_use === true) body.parallel_tool_calls = false;
}

function functionTool(tool: AnthropicTool): Record<string, unknown> {
  const fn: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) fn.description = tool.description;
  fn.parameters = tool.input_schema;
  return withCache({ type: 'function', function: fn }, cacheOf(tool));
}

/** Structured output: Anthropic's `output_config.format` is OpenAI's `response_format` json_schema. */
function applyOutputConfig(body: ChatBody, config: NonNullable<AnthropicRequest['output_config']>, anthropicOnly: Record<string, unknown>, unsupported: Unsupported): void {
  const format = config.format;
  if (format != null) {
    if (format.type === 'json_schema' && format.schema !== undefined) {
      body.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } };
    } else unsupported('output_config.format', `Output format "${format.type}" has no OpenAI equivalent`);
  }
  if (config.effort != null) anthropicOnly.output_config = { effort: config.effort };
}

function blockWhy(type: string, where: string): string {
  return `"${type}" blocks in ${where} have no OpenAI chat equivalent`;
}
