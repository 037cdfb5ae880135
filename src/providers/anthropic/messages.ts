// OpenAI's message list → Anthropic's `system` + strictly alternating
// user/assistant turns (provider-wire-formats.md §3.4): system and developer
// messages go to the top-level `system` wherever they appear, tool results
// become `tool_result` blocks in a user turn, assistant tool calls become
// `tool_use` blocks, and consecutive turns of one role merge.

import { GatewayError } from '../../errors/gateway-error.js';
import { applyMessageCacheControl, contentToBlocks, type Block } from './content.js';
import { isRecord } from '../../util/is-record.js';

export interface AnthropicConversation {
  /** A string, or text blocks when a part carries `cache_control` (which a string cannot). */
  system: string | Block[] | undefined;
  messages: Array<{ role: 'user' | 'assistant'; content: string | Block[] }>;
}

interface Turn {
  role: 'user' | 'assistant';
  blocks: Block[];
}

function invalid(message: string, param: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}


export function toAnthropicConversation(messages: ReadonlyArray<Record<string, unknown>>): AnthropicConversation {
  const system: Block[] = [];
  const turns: Turn[] = [];
  const push = (role: Turn['role'], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last !== undefined && last.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };

  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...applyMessageCacheControl(textOnly(contentToBlocks(message.content, `${param}.content`), param), message));
        break;
      case 'user':
        push('user', applyMessageCacheControl(contentToBlocks(message.content, `${param}.content`), message));
        break;
      case 'assistant':
        push('assistant', applyMessageCacheControl(assistantBlocks(message, param), message));
        break;
      case 'tool':
        push('user', applyMessageCacheControl([toolResult(message, param)], message));
        break;
      default:
        throw invalid(`${param}.role is ${JSON.stringify(message.role)}; Switchyard translates system, developer, user, assistant and tool messages for Anthropic.`, `${param}.role`);
    }
  });

  if (turns.length === 0) throw invalid('Anthropic needs at least one user or assistant message besides the system prompt.', 'messages');
  return {
    system: systemOf(system),
    messages: turns.map((turn) => ({ role: turn.role, content: compact(turn.role === 'user' ? toolResultsFirst(turn.blocks) : turn.blocks) })),
  };
}

function textOnly(blocks: Block[], param: string): Block[] {
  if (blocks.some((block) => block.type !== 'text')) throw invalid(`${param}: a system message can only hold text for Anthropic.`, `${param}.content`);
  return blocks;
}

/** Plain strings read best on the wire; blocks only where something needs them. */
function systemOf(blocks: Block[]): string | Block[] | undefined {
  if (blocks.length === 0) return undefined;
  if (blocks.some((block) => block.cache_control !== undefined)) return blocks;
  return blocks.map((block) => block.text as string).join('\n\n');
}

function compact(blocks: Block[]): string | Block[] {
  const only = blocks[0];
  return blocks.length === 1 && only!.type === 'text' && only!.cache_control === undefined ? (only!.text as string) : blocks;
}

/** Anthropic wants a user turn's tool results before anything else in it. */
function toolResultsFirst(blocks: Block[]): Block[] {
  if (!blocks.some((block) => block.type === 'tool_result')) return blocks;
  return [...blocks.filter((block) => block.type === 'tool_result'), ...blocks.filter((block) => block.type !== 'tool_result')];
}

function assistantBlocks(message: Record<string, unknown>, param: string): Block[] {
  // LiteLLM hands thinking back as `thinking_blocks`; Anthropic needs them (with their
  // signatures) ahead of the tool calls they led to.
  const thinking = Array.isArray(message.thinking_blocks) ? message.thinking_blocks.filter(isRecord) : [];
  const blocks: Block[] = [...thinking, ...contentToBlocks(message.content, `${param}.content`)];
  const toolCalls = message.tool_calls;
  if (toolCalls === undefined || toolCalls === null) return blocks;
  if (!Array.isArray(toolCalls)) throw invalid(`${param}.tool_calls must be an array.`, `${param}.tool_calls`);
  toolCalls.forEach((call, j) => blocks.push(toolUse(call, `${param}.tool_calls[${j}]`)));
  return blocks;
}

function toolUse(call: unknown, param: string): Block {
  const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
  if (!isRecord(call) || typeof call.id !== 'string' || fn === undefined || typeof fn.name !== 'string') {
    throw invalid(`${param} needs an id and function.name.`, param);
  }
  const args = fn.arguments;
  let input: unknown = {};
  // An empty string is how some clients write a call without arguments.
  if (typeof args === 'string' && args.trim() !== '') {
    try {
      input = JSON.parse(args);
    } catch {
      throw invalid(`${param}.function.arguments is not valid JSON (${JSON.stringify(args.slice(0, 60))}); Anthropic needs the tool input as an object.`, `${param}.function.arguments`);
    }
  } else if (isRecord(args)) {
    input = args;
  }
  if (!isRecord(input)) throw invalid(`${param}.function.arguments must encode a JSON object for Anthropic.`, `${param}.function.arguments`);
  return { type: 'tool_use', id: call.id, name: fn.name, input };
}

function toolResult(message: Record<string, unknown>, param: string): Block {
  if (typeof message.tool_call_id !== 'string') throw invalid(`${param}.tool_call_id is required on a tool message.`, `${param}.tool_call_id`);
  const content = typeof message.content === 'string' ? message.content : contentToBlocks(message.content, `${param}.content`);
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content };
}
