// Collects what loading found: warnings go into `Config.warnings`, errors are
// thrown together at the end so one run shows every problem, not the first.

import { GatewayError } from '../errors/gateway-error.js';
import { formatPath, formatPosition, type PathSegment } from './positions.js';
import type { ConfigWarning, SourcePosition } from './types.js';

export interface ConfigIssue {
  /** Dotted path, e.g. `model_list[0].litellm_params.rpm`. */
  path: string;
  message: string;
  line: number | undefined;
  column: number | undefined;
}

export class Diagnostics {
  readonly warnings: ConfigWarning[] = [];
  private readonly issues: Array<ConfigIssue & { position: SourcePosition | undefined }> = [];

  constructor(readonly file: string) {}

  warn(code: string, position: SourcePosition | undefined, text: string): void {
    this.warnings.push({ code, message: `${formatPosition(this.file, position)}: ${text}`, position });
  }

  error(path: readonly PathSegment[], message: string, position: SourcePosition | undefined): void {
    this.issues.push({ path: formatPath(path), message, line: position?.line, column: position?.column, position });
  }

  throwIfInvalid(): void {
    if (this.issues.length > 0) this.fail();
  }

  /** Throws one `config_invalid` listing every error recorded, in file order. */
  fail(): never {
    const issues = [...this.issues].sort(byPosition);
    const lines = issues.map((issue) => `${formatPosition(this.file, issue.position)}  ${issue.path || '(top level)'}: ${issue.message}`);
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    throw new GatewayError('config_invalid', `${this.file}: ${count} in the configuration:\n${lines.join('\n')}`, {
      details: { file: this.file, issues: issues.map(({ position: _, ...issue }) => issue) },
    });
  }

  /** Warnings in file order; those without a position last. */
  sortedWarnings(): ConfigWarning[] {
    return [...this.warnings].sort(byPosition);
  }
}

function byPosition(a: { position: SourcePosition | undefined }, b: { position: SourcePosition | undefined }): number {
  const lineA = a.position?.line ?? Infinity;
  const lineB = b.position?.line ?? Infinity;
  if (lineA !== lineB) return lineA - lineB;
  return (a.position?.column ?? 0) - (b.position?.column ?? 0);
}
