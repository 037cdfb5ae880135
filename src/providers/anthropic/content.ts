// OpenAI content parts → Anthropic content blocks: text, images (data: URLs
// become base64 sources, http(s) URLs stay URLs), PDFs (LiteLLM's `file` part
// or a data: URL), and LiteLLM's `cache_control` convention on parts.

import { GatewayError } from '../../errors/gateway-error.js';
import { isRecord } from '../../util/is-record.js';

export type Block = Record<string, unknown>;

/** Image types the Messages API accepts. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*),(.*)$/s;

function invalid(message: string, param: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}


/** Adds the part's `cache_control` (LiteLLM's way to mark prompt-cache breakpoints) to its block. */
function withCacheControl(block: Block, from: Record<string, unknown>): Block {
  return from.cache_control === undefined ? block : { ...block, cache_control: from.cache_control };
}

/** A data: URL or an http(s) URL → an `image` or `document` block. */
function mediaBlock(url: string, param: string): Block {
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const match = DATA_URL.exec(url);
  if (match === null) throw invalid(`${param} must be an http(s) URL or a data: URL; got ${JSON.stringify(url.slice(0, 40))}.`, param);
  const mediaType = match[1]!.toLowerCase();
  if (!match[2]!.toLowerCase().split(';').includes('base64')) {
    throw invalid(`${param}: Anthropic takes base64 data: URLs only (data:${mediaType};base64,…).`, param);
  }
  const source = { type: 'base64', media_type: mediaType, data: match[3]! };
  if (mediaType === 'application/pdf') return { type: 'document', source };
  if (!IMAGE_TYPES.has(mediaType)) {
    throw invalid(`${param}: Anthropic accepts images of type ${[...IMAGE_TYPES].join(', ')} (and application/pdf), not ${mediaType}.`, param);
  }
  return { type: 'image', source };
}

/** One OpenAI content part → one Anthropic block; `param` names it in errors (`messages[2].content[1]`). */
export function partToBlock(part: unknown, param: string): Block | undefined {
  if (typeof part === 'string') return part === '' ? undefined : { type: 'text', text: part };
  if (!isRecord(part)) throw invalid(`${param} must be an object with a "type".`, param);
  switch (part.type) {
    case 'text':
    case 'input_text':
    case 'refusal': {
      const text = part.type === 'refusal' ? part.refusal : part.text;
      if (typeof text !== 'string') throw invalid(`${param}.text must be a string.`, `${param}.text`);
      // Anthropic refuses empty text blocks; an empty part says nothing anyway.
      return text === '' ? undefined : withCacheControl({ type: 'text', text }, part);
    }
    case 'image_url': {
      const image = part.image_url;
      const url = typeof image === 'string' ? image : isRecord(image) ? image.url : undefined;
      if (typeof url !== 'string') throw invalid(`${param}.image_url.url must be a string.`, `${param}.image_url.url`);
      return withCacheControl(mediaBlock(url, `${param}.image_url.url`), part);
    }
    case 'file': {
      const file = isRecord(part.file) ? part.file : {};
      if (typeof file.file_data !== 'string') {
        throw invalid(`${param}: Anthropic needs the file inline as file.file_data (a base64 data: URL); file_id references are not supported.`, `${param}.file`);
      }
      return withCacheControl(mediaBlock(file.file_data, `${param}.file.file_data`), part);
    }
    case 'input_audio':
      throw invalid(`${param}: Anthropic models do not accept audio input.`, param);
    default:
      throw invalid(`${param} has type ${JSON.stringify(part.type)}, which Switchyard cannot translate for Anthropic (text, image_url and file can be).`, `${param}.type`);
  }
}

/** A message's `content` (string, parts, or null) → blocks. */
export function contentToBlocks(content: unknown, param: string): Block[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalid(`${param} must be a string or an array of content parts.`, param);
  const blocks: Block[] = [];
  content.forEach((part, i) => {
    const block = partToBlock(part, `${param}[${i}]`);
    if (block !== undefined) blocks.push(block);
  });
  return blocks;
}

/** LiteLLM's message-level `cache_control` marks the end of that message: it goes on its last block. */
export function applyMessageCacheControl(blocks: Block[], message: Record<string, unknown>): Block[] {
  if (message.cache_control === undefined || blocks.length === 0) return blocks;
  const last = blocks.length - 1;
  return blocks.map((block, i) => (i === last ? { ...block, cache_control: message.cache_control } : block));
}
