// Writing and shaping SSE streams.
//
// Each frame is its own `res.write` and the writer yields between frames, so
// the gateway sees genuinely incremental delivery (a stream that arrives in one
// TCP read would hide buffering bugs).

import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame } from './wire/types.js';

/** Resolves false when `signal` fires first (client gone, or server closing). */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    if (ms > 0) await sleep(ms, undefined, { signal });
    else await new Promise<void>((resolve) => setImmediate(resolve));
    return true;
  } catch {
    return false;
  }
}

/** Writes frames one by one; returns false if the stream was abandoned midway. */
export async function writeFrames(res: ServerResponse, frames: readonly Frame[], delayMs: number, signal: AbortSignal): Promise<boolean> {
  for (let i = 0; i < frames.length; i++) {
    if (signal.aborted || res.destroyed) return false;
    res.write(frames[i]!.text);
    if (i < frames.length - 1 && !(await pause(delayMs, signal))) return false;
  }
  return true;
}

function isBody(frame: Frame): boolean {
  return frame.kind === 'content' || frame.kind === 'tool';
}

/**
 * The stream up to and including the `count`-th content/tool frame, never
 * reaching the finish chunk: what a connection that dies mid-answer delivers.
 */
export function cutAfter(frames: readonly Frame[], count: number): Frame[] {
  const out: Frame[] = [];
  let seen = 0;
  for (const frame of frames) {
    if (frame.kind === 'finish' || frame.kind === 'usage' || frame.kind === 'done') break;
    if (isBody(frame) && seen >= count) break;
    out.push(frame);
    if (isBody(frame)) seen++;
  }
  return out;
}

/**
 * Inserts one `data:` line whose JSON is cut in half after the first content
 * frame (or the role frame), keeping the rest of the stream intact so the
 * broken line is the only defect.
 */
export function withBrokenLine(frames: readonly Frame[]): Frame[] {
  let at = frames.findIndex(isBody);
  if (at < 0) at = frames.findIndex((f) => f.kind === 'role');
  const template = frames[at + 1] ?? frames[at]!;
  const payload = template.text.replace(/\n+$/, '');
  const broken: Frame = { kind: 'error', text: `${payload.slice(0, Math.max(8, Math.floor(payload.length / 2)))}\n\n` };
  return [...frames.slice(0, at + 1), broken, ...frames.slice(at + 1)];
}
