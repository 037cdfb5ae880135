// Small pieces shared by the OpenAI-shaped wire modules.

import type { Frame } from './types.js';

/** `data: <json>\n\n`: one SSE event, as every OpenAI-compatible provider frames it. */
export function data(kind: Frame['kind'], payload: unknown): Frame {
  return { kind, text: `data: ${JSON.stringify(payload)}\n\n` };
}

export const DONE: Frame = { kind: 'done', text: 'data: [DONE]\n\n' };

/** An SSE comment line (OpenRouter's keep-alive). */
export function comment(text: string): Frame {
  return { kind: 'comment', text: `: ${text}\n\n` };
}

/**
 * Cuts tool-call argument JSON roughly the way a tokenizer does:
 * `{"city":"test"}` → `{"`, `city`, `":"`, `test`, `"}`.
 */
export function argumentFragments(args: string): string[] {
  return args.match(/[A-Za-z0-9_]+|[^A-Za-z0-9_]+/g) ?? [args];
}

export interface ToolCallWire {
  id: string;
  name: string;
  arguments: string;
}

/**
 * The `delta.tool_calls` arrays a streamed tool call becomes.
 * whole: one delta with id, name and all arguments (Groq, Ollama).
 * fragments: id/type/name with `arguments: ""`, then argument pieces (OpenAI, OpenRouter).
 */
export function toolCallDeltas(call: ToolCallWire, mode: 'whole' | 'fragments'): Array<Array<Record<string, unknown>>> {
  if (mode === 'whole') {
    return [[{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }]];
  }
  return [
    [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
    ...argumentFragments(call.arguments).map((fragment) => [{ index: 0, function: { arguments: fragment } }]),
  ];
}

/** `retry-after` is integer seconds, at least 1 (OpenAPI: "integer seconds ≥1"). */
export function retryAfter(waitSeconds: number): string {
  return String(Math.max(1, Math.ceil(waitSeconds)));
}

/** A small deterministic number in [min, max) from a request number (timings, processing-ms). */
export function jitter(seq: number, min: number, max: number): number {
  return min + ((seq * 7919) % (max - min));
}
