import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayError } from '../errors/gateway-error.js';
import type { UpstreamHeaders } from '../providers/types.js';
import type { CancelSignal } from '../util/cancel-signal.js';

/** Response headers as writeHead takes them (content-length is a number). */
export type ResponseHeaders = Record<string, string | number>;

/** Per-request state shared by the pipeline stages and read by the access log. */
export interface RequestContext {
  id: string;
  startedAt: number;
  /**
   * Headers every response to this request carries (`x-request-id`, …); the
   * response's writer adds its own to this object and hands it to writeHead.
   */
  headers: ResponseHeaders;
  /** Aborted when the client disconnects before the response is complete. */
  signal: CancelSignal;
  alias?: string;
  deployment?: string;
  attempts?: number;
  provider?: string;
  upstreamModel?: string;
  /** The provider's response headers: its rate-limit headroom goes into the request log at trace level. */
  upstreamHeaders?: UpstreamHeaders;
  /** The error the client was told about, for the log. */
  error?: GatewayError;
  stream?: boolean;
  /** Total tokens the provider reported, when it did. */
  tokens?: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void> | void;
