// Where things are in the YAML file, so every message can start with
// `proxy_server_config.yaml:12:7`.

import { isMap, isNode, isScalar, type Document, type LineCounter } from 'yaml';
import type { SourcePosition } from './types.js';

/** A path into the parsed config: map keys and list indexes. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `model_list[0].litellm_params.rpm`; keys that are not plain words are quoted (`fallbacks[0]["gpt-4o"]`). */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (!PLAIN_KEY.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** `file:line:column`, or just `file` when the position is unknown. */
export function formatPosition(file: string, position: SourcePosition | undefined): string {
  return position === undefined ? file : `${file}:${position.line}:${position.column}`;
}

/** The string a map key reads as (`1:` and `"1":` are the same key once loaded). */
export function keyName(key: unknown): string {
  return String(isScalar(key) ? key.value : key);
}

export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    /** The file as the user named it; used in every position. */
    readonly file: string,
  ) {}

  atOffset(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  ofNode(node: unknown): SourcePosition | undefined {
    return isNode(node) && node.range ? this.atOffset(node.range[0]) : undefined;
  }

  /**
   * The value at `path`; when it is not in the file (a missing key, or a value
   * that came from a YAML merge), the nearest ancestor that is.
   */
  at(path: readonly PathSegment[]): SourcePosition | undefined {
    for (let length = path.length; length > 0; length--) {
      const position = this.ofNode(this.doc.getIn(path.slice(0, length), true));
      if (position) return position;
    }
    return this.ofNode(this.doc.contents);
  }

  /** The key at the end of `path` itself (where "unknown key" should point), else `at(path)`. */
  keyAt(path: readonly PathSegment[]): SourcePosition | undefined {
    const parent = path.length <= 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
    const name = String(path.at(-1));
    if (isMap(parent)) {
      const pair = parent.items.find((item) => keyName(item.key) === name);
      const position = pair && this.ofNode(pair.key);
      if (position) return position;
    }
    return this.at(path);
  }
}
