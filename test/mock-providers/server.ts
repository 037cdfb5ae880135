// The HTTP side of the mock: routing, auth, validation order, faults, timing.
// What goes on the wire is the wire module's business (./wire/*).
//
// Order of a chat request, and why:
// 1. read and record the body (a test can assert on requests a fault answered);
// 2. pick the fault: an in-band `[[mock:…]]` marker wins and leaves the queue
//    alone, otherwise the next queued fault is consumed;
// 3. faults that replace the answer (connection_reset, hang, bad_gateway_html,
//    provider errors) act before auth and validation, like an outage would;
//    slow_headers delays, then the request proceeds normally;
// 4. auth → headers → JSON → body schema → messages → model (decommissioned,
//    unknown) → provider checks → context window, as the providers do;
// 5. the answer, damaged by malformed_json / stream_cut / stream_error if asked.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findMarker, isErrorFault, parseFault, type Fault, type ParsedFault } from './faults.js';
import { estimatePromptTokens, lastUserText, planReply } from './reply.js';
import { cutAfter, pause, withBrokenLine, writeFrames } from './sse.js';
import type { ChatBody, MockUpstream, MockUpstreamOptions, ModelEntry, RecordedRequest } from './types.js';
import { WIRES } from './wire/index.js';
import type { ChatContext, ErrorAnswer, ErrorDetail, RequestPurpose, Wire } from './wire/types.js';

/** A page as Cloudflare serves it when the origin behind it fails: HTML, not the provider's JSON. */
const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

interface Config {
  wire: Wire;
  keys: readonly string[];
  models: readonly ModelEntry[];
  decommissioned: readonly string[];
  chunkDelayMs: number;
  toolCallStreaming: 'whole' | 'fragments';
}

interface State {
  requests: RecordedRequest[];
  queue: ParsedFault[];
  seq: number;
  /** Prompt prefixes already cached (Anthropic's cache_control): the first request writes, later ones read. */
  promptCache: Set<string>;
}

export async function startMockUpstream(options: MockUpstreamOptions): Promise<MockUpstream> {
  const wire = WIRES[options.flavor];
  if (!wire) throw new Error(`mock upstream: unknown flavor '${String(options.flavor)}'`);
  const config: Config = {
    wire,
    keys: options.keys ?? [wire.defaultKey],
    models: options.models ?? wire.defaultModels,
    decommissioned: options.decommissioned ?? wire.defaultDecommissioned,
    chunkDelayMs: options.chunkDelayMs ?? 0,
    toolCallStreaming: options.toolCallStreaming ?? (wire.flavor === 'groq' || wire.flavor === 'ollama' ? 'whole' : 'fragments'),
  };
  const state: State = { requests: [], queue: [], seq: 0, promptCache: new Set() };
  // Fires on close(): every pending delay, hang and stream gives up at once.
  const closing = new AbortController();

  const server = createServer((req, res) => {
    handle(config, state, closing.signal, req, res).catch((error: unknown) => {
      // A bug in the mock must be loud, not a hang.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`mock upstream bug: ${error instanceof Error ? error.stack : String(error)}`);
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}${wire.apiBasePath ?? wire.basePath}`,
    port,
    requests: state.requests,
    fail(fault: Fault, times = 1) {
      const parsed = parseFault(fault);
      for (let i = 0; i < times; i++) state.queue.push(parsed);
    },
    reset() {
      state.requests.length = 0;
      state.queue.length = 0;
      state.seq = 0;
      state.promptCache.clear();
    },
    async close() {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function presentedKey(wire: Wire, req: IncomingMessage): string | undefined {
  if (wire.presentedKey) return wire.presentedKey(req.headers);
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match ? match[1]!.trim() : undefined;
}

function send(res: ServerResponse, wire: Wire, answer: ErrorAnswer, headers: Record<string, string>): void {
  const body = answer.status >= 400 && typeof answer.body !== 'string' && wire.finishErrorBody ? wire.finishErrorBody(answer.body, headers) : answer.body;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(answer.status, {
    ...headers,
    ...answer.headers,
    'content-type': answer.contentType ?? wire.jsonContentType,
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

async function handle(config: Config, state: State, closing: AbortSignal, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { wire } = config;
  const raw = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://mock');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  let parsed: unknown;
  let isJson = false;
  if (raw.length > 0) {
    try {
      parsed = JSON.parse(raw);
      isJson = true;
    } catch {
      parsed = raw;
    }
  }
  const record: RecordedRequest = { method, path, headers: { ...req.headers }, body: parsed };
  state.requests.push(record);
  const seq = ++state.seq;

  // Per request: aborted when the client goes away or the server closes.
  const abort = new AbortController();
  const onClosing = () => abort.abort();
  closing.addEventListener('abort', onClosing, { once: true });
  res.once('close', () => {
    record.outcome = res.writableFinished ? 'finished' : 'aborted';
    abort.abort();
    closing.removeEventListener('abort', onClosing);
  });

  const modelsPath = `${wire.basePath}/models`;
  if (method === 'GET' && (path === modelsPath || (wire.modelInfo && path.startsWith(`${modelsPath}/`)))) {
    const headers = wire.headers(seq, undefined, 0);
    if (wire.modelsNeedAuth && !authorized(config, req)) return send(res, wire, wire.unauthorized(presentedKey(wire, req)), headers);
    const badHeaders = wire.checkHeaders?.(req.headers);
    if (badHeaders) return send(res, wire, badHeaders, headers);
    if (path === modelsPath) return send(res, wire, { status: 200, body: wire.modelList(config.models, url.searchParams) }, headers);
    const id = decodeURIComponent(path.slice(modelsPath.length + 1));
    const entry = findModel(config, id);
    if (!entry) return send(res, wire, wire.error('unknown_model', { model: id, promptTokens: 0 }), headers);
    return send(res, wire, { status: 200, body: wire.modelInfo!(entry) }, headers);
  }
  if (method === 'POST' && path === `${wire.basePath}${wire.chatPath}`) {
    return chat(config, state, abort.signal, req, res, seq, isJson ? parsed : undefined, isJson);
  }
  if (method === 'POST' && wire.countTokensPath && path === `${wire.basePath}${wire.countTokensPath}`) {
    return countTokens(config, req, res, seq, isJson ? parsed : undefined, isJson);
  }
  return send(res, wire, wire.unknownUrl(method, path), wire.headers(seq, undefined, 0));
}

function authorized(config: Config, req: IncomingMessage): boolean {
  const key = presentedKey(config.wire, req);
  return key !== undefined && config.keys.includes(key);
}

function findModel(config: Config, model: string): ModelEntry | undefined {
  const ids = config.wire.candidates?.(model) ?? [model];
  for (const id of ids) {
    const entry = config.models.find((m) => m.id === id);
    if (entry) return entry;
  }
  return undefined;
}

/** A request body as the server reads it, before anything is checked. */
interface ReadRequest {
  parsed: unknown;
  isJson: boolean;
  /** The body as the provider received it. */
  body: ChatBody;
  /** The same body in the OpenAI shape reply.ts plans from (the body itself for OpenAI-shaped providers). */
  plan: ChatBody;
  model: string;
  promptTokens: number;
  entry: ModelEntry | undefined;
  detail(waitSeconds?: number): ErrorDetail;
}

function readRequest(config: Config, req: IncomingMessage, parsed: unknown, isJson: boolean): ReadRequest {
  const { wire } = config;
  const body: ChatBody = isJson && parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ChatBody) : {};
  const plan = wire.toChatBody ? wire.toChatBody(body) : body;
  const model = typeof body.model === 'string' ? body.model : '';
  const promptTokens = isJson ? estimatePromptTokens(plan) : 0;
  const entry = model ? findModel(config, model) : undefined;
  const firstTool = Array.isArray(plan.tools) ? (plan.tools[0] as { function?: { name?: unknown } } | undefined)?.function?.name : undefined;
  const detail = (waitSeconds?: number): ErrorDetail => ({
    model,
    key: presentedKey(wire, req),
    waitSeconds,
    promptTokens,
    contextWindow: entry?.context_window,
    toolName: typeof firstTool === 'string' ? firstTool : undefined,
  });
  return { parsed, isJson, body, plan, model, promptTokens, entry, detail };
}

/** What the provider itself refuses, in the order it checks: the same for a completion and a token count. */
function rejection(config: Config, req: IncomingMessage, request: ReadRequest, purpose: RequestPurpose): ErrorAnswer | undefined {
  const { wire } = config;
  const { parsed, isJson, body, model, entry, detail } = request;
  if (wire.requiresAuth && !authorized(config, req)) return wire.unauthorized(presentedKey(wire, req));
  const badHeaders = wire.checkHeaders?.(req.headers);
  if (badHeaders) return badHeaders;
  if (!isJson || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return wire.invalidJson();
  const badBody = wire.checkBody?.(body, purpose);
  if (badBody) return badBody;
  if (!Array.isArray(body.messages) || body.messages.length === 0) return wire.missingMessages();
  if (config.decommissioned.includes(model)) return wire.error('model_decommissioned', detail());
  if (!entry) return wire.error('unknown_model', detail());
  const invalid = wire.validate?.(body, entry, purpose);
  if (invalid) return invalid;
  // Counting the tokens of a prompt that is too long is exactly what count_tokens is for.
  if (purpose === 'chat' && entry.context_window !== undefined && request.promptTokens > entry.context_window) {
    return wire.error('context_length_exceeded', detail());
  }
  return undefined;
}

/** Anthropic's count_tokens: the same checks as a completion, no faults (they are for completions), the usage estimate. */
function countTokens(config: Config, req: IncomingMessage, res: ServerResponse, seq: number, parsed: unknown, isJson: boolean): void {
  const { wire } = config;
  const request = readRequest(config, req, parsed, isJson);
  const headers = wire.headers(seq, request.model || undefined, request.promptTokens);
  const rejected = rejection(config, req, request, 'count');
  if (rejected) return send(res, wire, rejected, headers);
  send(res, wire, { status: 200, body: wire.countTokens!(request.promptTokens) }, headers);
}

async function chat(
  config: Config,
  state: State,
  signal: AbortSignal,
  req: IncomingMessage,
  res: ServerResponse,
  seq: number,
  parsed: unknown,
  isJson: boolean,
): Promise<void> {
  const { wire } = config;
  const request = readRequest(config, req, parsed, isJson);
  const { body, plan, model, promptTokens, detail } = request;
  const headers = wire.headers(seq, model || undefined, promptTokens);

  // 2. Which fault, if any.
  let fault: ParsedFault | undefined;
  const marker = isJson ? findMarker(lastUserText(plan)) : undefined;
  if (marker !== undefined) {
    try {
      fault = parseFault(marker);
    } catch (error) {
      return send(res, wire, { status: 400, body: { error: { message: (error as Error).message, type: 'mock_error', param: null, code: 'mock_unknown_fault' } } }, {});
    }
  } else {
    fault = state.queue.shift();
  }

  // 3. Faults that replace the answer.
  switch (fault?.name) {
    case 'connection_reset':
      // A TCP RST before any byte of the answer: ECONNRESET on the client.
      req.socket.resetAndDestroy();
      return;
    case 'hang':
      // Never answer. close() (or the client giving up) ends the socket.
      return;
    case 'slow_headers':
      if (!(await pause(fault.param ?? 1000, signal))) return;
      break;
    case 'bad_gateway_html':
      return send(res, wire, { status: 502, body: BAD_GATEWAY_HTML, contentType: 'text/html', headers: { server: 'cloudflare' } }, {});
    default:
      if (fault && isErrorFault(fault.name)) return send(res, wire, wire.error(fault.name, detail(fault.param)), headers);
  }

  // 4. What the provider itself would reject.
  const rejected = rejection(config, req, request, 'chat');
  if (rejected) return send(res, wire, rejected, headers);

  // 5. The answer.
  const ctx: ChatContext = {
    model,
    body,
    reply: planReply(wire.flavor, plan),
    seq,
    created: Math.floor(Date.now() / 1000),
    includeUsage: body.stream_options?.include_usage === true,
    toolCallStreaming: config.toolCallStreaming,
    promptCache: state.promptCache,
  };
  const okHeaders = { ...headers, ...wire.successHeaders?.(ctx) };
  if (body.stream === true) return stream(config, signal, res, ctx, okHeaders, fault);
  return whole(wire, res, ctx, okHeaders, fault);
}

function whole(wire: Wire, res: ServerResponse, ctx: ChatContext, headers: Record<string, string>, fault: ParsedFault | undefined): void {
  const text = JSON.stringify(wire.completion(ctx));
  switch (fault?.name) {
    case 'malformed_json': {
      // A complete 200 whose JSON stops halfway (a proxy or upstream truncating the body).
      const cut = text.slice(0, Math.floor(text.length / 2));
      res.writeHead(200, { ...headers, 'content-type': wire.jsonContentType, 'content-length': String(Buffer.byteLength(cut)) });
      res.end(cut);
      return;
    }
    case 'stream_cut': {
      // Headers promise the full length; the connection dies halfway through the body.
      res.writeHead(200, { ...headers, 'content-type': wire.jsonContentType, 'content-length': String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.floor(text.length / 2)), () => res.destroy());
      return;
    }
    case 'stream_error':
      // Without a stream there is no "after the first token": the generation fails as a 500.
      return send(res, wire, wire.error('server_error', { model: ctx.model, promptTokens: ctx.reply.promptTokens }), headers);
  }
  res.writeHead(200, { ...headers, 'content-type': wire.jsonContentType, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

async function stream(
  config: Config,
  signal: AbortSignal,
  res: ServerResponse,
  ctx: ChatContext,
  headers: Record<string, string>,
  fault: ParsedFault | undefined,
): Promise<void> {
  let frames = config.wire.chunks(ctx);
  if (fault?.name === 'stream_cut') frames = cutAfter(frames, fault.param ?? 2);
  else if (fault?.name === 'stream_error') frames = [...cutAfter(frames, fault.param ?? 2), ...config.wire.streamError(ctx)];
  else if (fault?.name === 'malformed_json') frames = withBrokenLine(frames);

  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  // Headers leave now: a client measuring time-to-first-byte must not wait for the first chunk.
  res.flushHeaders();
  if (await writeFrames(res, frames, config.chunkDelayMs, signal)) res.end();
}
