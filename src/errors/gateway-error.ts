import { CATALOG, type ErrorCode } from './catalog.js';

/**
 * Switchyard-specific fields added next to OpenAI's four. SDKs ignore them;
 * humans and `switchyard explain` read them.
 */
export interface ErrorDetails {
  provider?: string;
  deployment?: string;
  model?: string;
  upstream_status?: number;
  upstream_code?: string;
  attempts?: number;
  /** Seconds the client should wait before retrying (429/503). */
  retryAfter?: number;
  [extra: string]: unknown;
}

/**
 * The one error type thrown anywhere in the gateway. Its `code` is a catalog key;
 * status, OpenAI `type` and the fix line come from the catalog, so a code can
 * never be rendered with the wrong status.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { param?: string | null; details?: ErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.param = options.param ?? null;
    this.details = options.details ?? {};
  }

  get status(): number {
    return CATALOG[this.code].status;
  }

  get type(): string {
    return CATALOG[this.code].type;
  }

  get retryable(): boolean {
    return CATALOG[this.code].retryable;
  }
}
