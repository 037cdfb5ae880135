import type { IncomingMessage, ServerResponse } from 'node:http';

/** Per-request state shared by the pipeline stages and read by the access log. */
export interface RequestContext {
  id: string;
  startedAt: number;
  /** Aborted when the client disconnects before the response is complete. */
  signal: AbortSignal;
  alias?: string;
  deployment?: string;
  attempts?: number;
  errorCode?: string;
  stream?: boolean;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void> | void;
