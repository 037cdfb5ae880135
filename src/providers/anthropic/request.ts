// An OpenAI chat request → an Anthropic Messages request (provider-wire-formats.md
// §3.4). Parameters Anthropic cannot express were already refused or dropped
// by param-policy.ts; this maps the rest. OpenAI fields with no meaning for
// Anthropic (`metadata`, `store`, `service_tier`, `stream_options`, …) are not sent.

import { GatewayError } from '../../errors/gateway-error.js';
import { ANTHROPIC_ONLY, type ChatBody } from '../types.js';
import type { Block } from './content.js';
import { toAnthropicConversation } from './messages.js';
import { isRecord } from '../../util/is-record.js';

/**
 * LiteLLM's name for the tool that carries `response_format`: Anthropic has no
 * JSON mode, so the model is made to call this tool and its input is the answer.
 */
export const RESPONSE_FORMAT_TOOL = 'json_tool_call';

/** LiteLLM's `reasoning_effort` → extended-thinking budgets (1,024 is Anthropic's minimum). */
const THINKING_BUDGETS: Record<string, number> = { minimal: 1024, low: 1024, medium: 2048, high: 4096 };

export interface AnthropicRequestOptions {
  /** The model id sent upstream. */
  model: string;
  stream: boolean;
  /** `max_tokens` when the client gave none (Anthropic requires one). */
  defaultMaxTokens: number;
}

export interface AnthropicRequest {
  body: Record<string, unknown>;
  /** Set when `response_format` became a forced tool: its input is returned as the message content. */
  jsonTool: string | undefined;
}


function invalid(message: string, param: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}

export function toAnthropicRequest(chat: ChatBody, options: AnthropicRequestOptions): AnthropicRequest {
  const { system, messages } = toAnthropicConversation(chat.messages);
  const maxTokens = chat.max_completion_tokens ?? chat.max_tokens;
  const body: Record<string, unknown> = {
    model: options.model,
    max_tokens: typeof maxTokens === 'number' ? maxTokens : options.defaultMaxTokens,
  };
  if (system !== undefined) body.system = system;
  body.messages = messages;

  if (chat.stop !== undefined && chat.stop !== null) body.stop_sequences = Array.isArray(chat.stop) ? chat.stop : [chat.stop];
  for (const name of ['temperature', 'top_p', 'top_k'] as const) {
    if (typeof chat[name] === 'number') body[name] = chat[name];
  }
  // Many clients send `top_p: 1` by default, which means "no nucleus sampling"; recent
  // Claude models refuse temperature and top_p together, so the no-op is not sent.
  if (body.top_p === 1) delete body.top_p;
  if (typeof chat.user === 'string' && chat.user !== '') body.metadata = { user_id: chat.user };
  const thinking = thinkingOf(chat);
  if (thinking !== undefined) body.thinking = thinking;

  const tools = toolsOf(chat.tools);
  const jsonTool = responseFormatTool(chat.response_format);
  if (jsonTool !== undefined) tools.push(jsonTool);
  if (tools.length > 0) {
    body.tools = tools;
    const choice = jsonTool !== undefined ? { type: 'tool', name: RESPONSE_FORMAT_TOOL } : toolChoiceOf(chat.tool_choice);
    if (chat.parallel_tool_calls === false && choice?.type !== 'none') {
      body.tool_choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
    } else if (choice !== undefined) {
      body.tool_choice = choice;
    }
  }
  // What an Anthropic client asked for that OpenAI cannot express; Claude can.
  const anthropicOnly = chat[ANTHROPIC_ONLY];
  if (anthropicOnly?.thinking !== undefined) body.thinking = anthropicOnly.thinking;
  if (anthropicOnly?.output_config !== undefined) body.output_config = anthropicOnly.output_config;
  if (options.stream) body.stream = true;
  return { body, jsonTool: jsonTool === undefined ? undefined : RESPONSE_FORMAT_TOOL };
}

/** `thinking` (Anthropic's own, passed through as LiteLLM does) or `reasoning_effort`. */
function thinkingOf(chat: ChatBody): Record<string, unknown> | undefined {
  if (isRecord(chat.thinking)) return chat.thinking;
  const effort = chat.reasoning_effort;
  if (effort === undefined || effort === null || effort === 'none') return undefined;
  const budget = typeof effort === 'string' ? THINKING_BUDGETS[effort] : undefined;
  if (budget === undefined) throw invalid(`reasoning_effort must be one of none, ${Object.keys(THINKING_BUDGETS).join(', ')}.`, 'reasoning_effort');
  return { type: 'enabled', budget_tokens: budget };
}

function toolsOf(tools: unknown): Block[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalid('tools must be an array.', 'tools');
  return tools.map((tool, i) => {
    if (!isRecord(tool)) throw invalid(`tools[${i}] must be an object.`, `tools[${i}]`);
    // Anthropic's own tool types (web search, text editor, …) have no OpenAI form: they pass as written.
    if (tool.type !== 'function') return tool;
    const fn = isRecord(tool.function) ? tool.function : undefined;
    if (fn === undefined || typeof fn.name !== 'string') throw invalid(`tools[${i}].function.name is required.`, `tools[${i}].function.name`);
    return {
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      input_schema: isRecord(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
      ...(tool.cache_control !== undefined ? { cache_control: tool.cache_control } : {}),
    };
  });
}

function toolChoiceOf(choice: unknown): Record<string, unknown> | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  if (isRecord(choice) && choice.type === 'function' && isRecord(choice.function) && typeof choice.function.name === 'string') {
    return { type: 'tool', name: choice.function.name };
  }
  throw invalid('tool_choice must be "auto", "required", "none" or {"type":"function","function":{"name":…}}.', 'tool_choice');
}

/** `response_format` json_schema / json_object → the forced tool LiteLLM uses. */
function responseFormatTool(format: unknown): Block | undefined {
  if (!isRecord(format) || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    return { name: RESPONSE_FORMAT_TOOL, description: 'Respond with a JSON object.', input_schema: { type: 'object', additionalProperties: true } };
  }
  if (format.type === 'json_schema') {
    const spec = isRecord(format.json_schema) ? format.json_schema : {};
    if (!isRecord(spec.schema)) throw invalid('response_format.json_schema.schema must be a JSON schema object.', 'response_format.json_schema.schema');
    const description = typeof spec.description === 'string' ? spec.description : 'Respond with JSON matching this schema.';
    return { name: RESPONSE_FORMAT_TOOL, description, input_schema: spec.schema };
  }
  throw invalid(`response_format.type ${JSON.stringify(format.type)} is not one of text, json_object, json_schema.`, 'response_format.type');
}
