import type { AnthropicRequest, Block } from './request.js';

// An estimate for POST /v1/messages/count_tokens. The alias may be served by any
// provider with its own tokenizer, and no tokenizer belongs on the hot path, so
// this is the rule of thumb the rest of Switchyard uses: ~4 characters a token.

const CHARS_PER_TOKEN = 4;
/** Role markers and separators each message costs in chat templates. */
const PER_MESSAGE = 4;
/** What Anthropic bills for an image of ~1.15 megapixels (larger ones are scaled down to it); the size is not decoded here. */
const PER_IMAGE = 1_600;

/** Counts system, messages (text, tool calls, tool results, images) and tool definitions. */
export function estimateInputTokens(request: AnthropicRequest): number {
  const tally = { chars: 0, tokens: 0 };
  if (request.system !== undefined) addContent(tally, request.system);
  for (const message of request.messages) {
    tally.tokens += PER_MESSAGE;
    addContent(tally, message.content);
  }
  for (const tool of request.tools ?? []) {
    tally.chars += tool.name.length + (typeof tool.description === 'string' ? tool.description.length : 0);
    if (tool.input_schema !== undefined) tally.chars += JSON.stringify(tool.input_schema).length;
  }
  return tally.tokens + Math.ceil(tally.chars / CHARS_PER_TOKEN);
}

function addContent(tally: { chars: number; tokens: number }, content: string | Block[] | undefined): void {
  if (typeof content === 'string') {
    tally.chars += content.length;
    return;
  }
  for (const block of content ?? []) {
    switch (block.type) {
      case 'text':
        tally.chars += (block.text as string).length;
        break;
      case 'image':
        tally.tokens += PER_IMAGE;
        break;
      case 'tool_use':
        tally.chars += (block.name as string).length + JSON.stringify(block.input).length;
        break;
      case 'tool_result':
        addContent(tally, block.content as string | Block[] | undefined);
        break;
      // Thinking is dropped before the call (to-chat.ts): it costs nothing there.
    }
  }
}
