import { GatewayError } from '../../errors/gateway-error.js';
import type { ChatBody } from '../../providers/types.js';
import type { AnthropicMessage, AnthropicRequest, AnthropicTool, Block } from './request.js';

// Anthropic Messages request → OpenAI chat request (provider-wire-formats.md §3.4,
// read right to left), so any configured alias can serve an Anthropic client.

/** Fields this module turns into OpenAI ones. */
const TRANSLATED = new Set([
  'model', 'max_tokens', 'messages', 'system', 'stream', 'temperature', 'top_p', 'stop_sequences',
  'metadata', 'tools', 'tool_choice', 'thinking', 'output_config',
]);
/**
 * Hints about how Anthropic should serve the request: meaningless to another
 * provider, and harmless to leave out (`cache_control` is an optimisation that
 * other providers refuse as an unknown field).
 */
const IGNORED = new Set(['cache_control', 'service_tier', 'speed', 'inference_geo']);
/** Why a field cannot be honoured, for the ones users are likely to send; anything else unknown gets a generic reason. */
const INEXPRESSIBLE: Record<string, string> = {
  top_k: 'OpenAI-compatible providers have no top_k sampling parameter',
  container: 'containers are run by Anthropic\'s servers; other providers have none',
  mcp_servers: 'MCP servers are called by Anthropic\'s servers; other providers cannot call them',
  context_management: 'context management is done by Anthropic\'s servers; other providers have none',
};

/** Drops what cannot be expressed when `drop_params` allows it, else refuses naming it. */
type Unsupported = (param: string, why: string) => void;

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
  const system = request.system === undefined ? '' : textOf(request.system);
  if (system !== '') body.messages.push({ role: 'system', content: system });
  request.messages.forEach((message, i) => appendMessage(body.messages, message, `messages[${i}]`, unsupported));

  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.stop_sequences != null && request.stop_sequences.length > 0) body.stop = request.stop_sequences;
  if (typeof request.metadata?.user_id === 'string') body.user = request.metadata.user_id;
  if (request.thinking != null && request.thinking.type !== 'disabled') {
    unsupported('thinking', 'Extended thinking is an Anthropic feature an OpenAI-compatible provider cannot be asked for');
  }
  if (request.output_config != null) applyOutputConfig(body, request.output_config, unsupported);
  if (request.stream === true) {
    body.stream = true;
    // The final usage is needed for message_delta; providers send it only when asked.
    body.stream_options = { include_usage: true };
  }
  applyTools(body, request, unsupported);
  return body;
}

function appendMessage(out: ChatBody['messages'], message: AnthropicMessage, path: string, unsupported: Unsupported): void {
  const { role, content } = message;
  if (typeof content === 'string') {
    out.push({ role, content });
    return;
  }
  if (role === 'assistant') out.push(assistantMessage(content, path, unsupported));
  else if (role === 'system') out.push({ role: 'system', content: textOf(content) });
  else appendUserTurn(out, content, path, unsupported);
}

function assistantMessage(blocks: Block[], path: string, unsupported: Unsupported): Record<string, unknown> {
  const texts: string[] = [];
  const toolCalls: Array<Record<string, unknown>> = [];
  blocks.forEach((block, j) => {
    switch (block.type) {
      case 'text':
        texts.push(block.text as string);
        break;
      case 'tool_use':
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
        break;
      case 'thinking':
      case 'redacted_thinking':
        break; // signed by Anthropic for Anthropic; another model cannot use it
      default:
        unsupported(`${path}.content[${j}]`, blockWhy(block.type, 'an assistant message'));
    }
  });
  const text = texts.join('');
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
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
      case 'tool_result':
        out.push({ role: 'tool', tool_call_id: block.tool_use_id, content: toolResultText(block, at, parts, unsupported) });
        break;
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
  const allText = parts.every((p) => p.type === 'text');
  out.push({ role: 'user', content: allText ? parts.map((p) => p.text).join('\n') : parts });
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
  if (block.type === 'text') return { type: 'text', text: block.text };
  const source = block.source as Record<string, string>;
  if (source.type === 'base64') return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
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
  return { type: 'function', function: fn };
}

/** Structured output: Anthropic's `output_config.format` is OpenAI's `response_format` json_schema. */
function applyOutputConfig(body: ChatBody, config: NonNullable<AnthropicRequest['output_config']>, unsupported: Unsupported): void {
  const format = config.format;
  if (format != null) {
    if (format.type === 'json_schema' && format.schema !== undefined) {
      body.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } };
    } else unsupported('output_config.format', `Output format "${format.type}" has no OpenAI equivalent`);
  }
  if (config.effort != null) unsupported('output_config.effort', 'Effort levels are an Anthropic feature an OpenAI-compatible provider cannot be asked for');
}

function textOf(content: string | Block[]): string {
  if (typeof content === 'string') return content;
  return content.filter((b) => b.type === 'text').map((b) => b.text as string).join('\n\n');
}

function blockWhy(type: string, where: string): string {
  return `"${type}" blocks in ${where} have no OpenAI chat equivalent`;
}
