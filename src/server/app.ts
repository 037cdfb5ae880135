import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Config } from '../config/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Logger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import { Limiter } from '../limits/limiter.js';
import { Router } from '../router/router.js';
import { cacheStatus, FailoverStore } from '../state/failover-store.js';
import { MemoryStore } from '../state/memory-store.js';
import type { Store } from '../state/store.js';
import { Cancellation } from '../util/cancel-signal.js';
import { createAuthenticator } from './auth.js';
import type { Handler, RequestContext, ResponseHeaders } from './context.js';
import { rateLimitHeaders } from './gateway-headers.js';
import { chatCompletions } from './handlers/chat-completions.js';
import { deploymentHealth, liveness, readiness } from './handlers/health.js';
import { countTokens, messages } from './handlers/messages.js';
import { answerClientErrors, applyClientTimeouts, checkUrlLength, clientTimeouts, hostileInputServerOptions } from './hostile-input.js';
import { listModels, retrieveModel } from './handlers/models.js';
import { anthropicErrorBody } from './messages/errors.js';
import type { BodyLimits } from './body.js';
import { sendError, sendJson } from './respond.js';

const DEFAULT_BODY_LIMIT_MB = 32;
const DEFAULT_QUEUE_WAIT_S = 5;
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  version: string;
  env?: NodeJS.ProcessEnv;
  /** Shared state (Redis) for many instances; in memory by default. */
  store?: Store;
  /** Under --num_workers: this worker's id, sent as the `x-switchyard-worker` header. */
  workerId?: string;
}

export interface Gateway {
  server: Server;
  readonly router: Router;
  /** Stop taking new work: readiness turns 503 and responses close their connections; in-flight requests finish. */
  drain(): void;
  /** Serve a new config from the next request on; requests in flight finish on the old one. */
  reload(config: Config): void;
}

interface Route {
  handlers: Partial<Record<string, Handler>>;
  /** Liveness must answer even when a master key is set (orchestrators probe it without one). */
  public?: boolean;
  /** Model traffic: logged at info and counted in the request metrics. */
  chat?: boolean;
}

/** The node:http server: routing, request ids, authentication and the single error exit. */
export function createGateway(options: GatewayOptions): Gateway {
  const { config, logger, version } = options;
  const store = options.store ?? new MemoryStore();
  const limiter = new Limiter(store, {
    maxWaitMs: (config.routerSettings.queueWaitSeconds ?? DEFAULT_QUEUE_WAIT_S) * 1000,
    maxQueue: config.routerSettings.maxQueueSize,
  });
  const metrics = new Metrics({
    queueWaiting: () => limiter.waiting,
    redisDegraded: store instanceof FailoverStore ? () => store.state === 'degraded' : undefined,
    providerRemaining: () => limiter.headroom.remaining(),
    clusterWide: options.workerId !== undefined,
  });
  const startedAt = Math.floor(Date.now() / 1000);
  let draining = false;

  /**
   * Everything the config decides — aliases, routes, master key, body limit —
   * in one value, so a reload swaps it in one assignment: a request in flight
   * keeps the version it started with, the next one gets the new one. State
   * (limits, cooldowns, metrics) lives outside and carries over.
   */
  const compile = (current: Config) => {
    const router = new Router(current, { store, limiter, env: options.env, metrics });
    const bodyLimitMb = Number(current.generalSettings.raw.max_request_size_mb ?? DEFAULT_BODY_LIMIT_MB);
    const timeouts = clientTimeouts(current);
    const bodyLimits: BodyLimits = { maxBytes: Math.floor(bodyLimitMb * 1024 * 1024), timeoutMs: timeouts.bodyMs };
    const chat: Route = { handlers: { POST: chatCompletions(router, bodyLimits) }, chat: true };
    const models: Route = { handlers: { GET: listModels(router, startedAt) } };
    const alive: Route = { handlers: { GET: liveness }, public: true };
    const routes: Map<string, Route> = new Map([
      ['/v1/chat/completions', chat],
      ['/chat/completions', chat],
      // Anthropic SDKs and Claude Code append /v1/messages to a base URL without /v1.
      ['/v1/messages', { handlers: { POST: messages(router, bodyLimits, current.litellmSettings.dropParams) }, chat: true }],
      ['/v1/messages/count_tokens', { handlers: { POST: countTokens(router, bodyLimits) } }],
      ['/v1/models', models],
      ['/models', models],
      ['/health', { handlers: { GET: deploymentHealth(router) } }],
      ['/health/liveliness', alive],
      ['/health/liveness', alive],
      ['/health/readiness', { handlers: { GET: readiness(version, () => cacheStatus(store), () => draining) } }],
      ['/metrics', { handlers: { GET: serveMetrics(metrics) } }],
      ['/', { handlers: { GET: (_req, res, ctx) => sendJson(res, 200, { name: 'switchyard', version, endpoints: [...routes.keys()] }, ctx.headers) }, public: true }],
    ]);
    return { router, routes, bodyLimits, timeouts, authenticate: createAuthenticator(current.generalSettings.masterKey?.value) };
  };
  let compiled = compile(config);

  const findHandler = (method: string, path: string): { handler: Handler; public: boolean } => {
    const { routes, router } = compiled;
    const route = routes.get(path);
    if (route === undefined) {
      const modelId = /^\/(?:v1\/)?models\/(.+)$/.exec(path)?.[1];
      if (modelId !== undefined && method === 'GET') return { handler: retrieveModel(router, startedAt, decodePathPart(modelId)), public: false };
      // Anthropic SDKs append /v1/messages themselves: their base URL has no /v1.
      const baseUrlHint = path.endsWith('/messages') || path.includes('/messages/')
        ? 'Anthropic clients (Claude Code, the Anthropic SDKs) need the base URL http://<host>:<port>, without /v1.'
        : 'OpenAI clients need the base URL http://<host>:<port>/v1.';
      throw new GatewayError('route_not_found', `${method} ${path} is not a Switchyard endpoint. ${baseUrlHint}`, {
        details: { path },
      });
    }
    const handler = route.handlers[method];
    if (handler === undefined) {
      const allowed = Object.keys(route.handlers).join(', ');
      throw new GatewayError('method_not_allowed', `${path} accepts ${allowed}, not ${method}.`, { details: { allow: allowed } });
    }
    return { handler, public: route.public === true };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const clientId = req.headers['x-request-id'];
    const id = typeof clientId === 'string' && CLIENT_REQUEST_ID.test(clientId) ? clientId : randomUUID();
    // Handed to writeHead with the rest rather than set now: one header set with setHeader
    // sends every later header through setHeader too (Node's slow path, ≈3 % of a request).
    const headers: ResponseHeaders = { 'x-request-id': id };
    if (draining) headers.connection = 'close';
    if (options.workerId !== undefined) headers['x-switchyard-worker'] = options.workerId;
    const abort = new Cancellation();
    // `close` before `finish` means the client went away: stop the upstream work too.
    res.once('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client disconnected'));
    });
    const ctx: RequestContext = { id, startedAt: performance.now(), signal: abort, headers };
    const path = pathOf(req.url ?? '/');
    const { router, routes, bodyLimits, authenticate } = compiled;
    const anthropic = isAnthropicPath(path);
    if (anthropic) headers['request-id'] = id;
    try {
      checkUrlLength(req.url);
      const { handler, public: isPublic } = findHandler(req.method ?? 'GET', path);
      if (!isPublic) authenticate(req.headers);
      await handler(req, res, ctx);
    } catch (err) {
      if (abort.aborted) return;
      if (err instanceof GatewayError && err.code === 'body_too_large') discardRest(req, bodyLimits.maxBytes * 2);
      if (err instanceof GatewayError && err.code === 'method_not_allowed') headers.allow = String(err.details.allow);
      // The rest of a stalled body will not come: close, so the socket is freed once the 408 is out.
      if (err instanceof GatewayError && err.code === 'request_timeout') headers.connection = 'close';
      ctx.error = sendError(res, err, ctx, anthropic ? anthropicErrorBody : undefined);
    } finally {
      const error = ctx.error;
      const isChat = routes.get(path)?.chat === true;
      if (isChat) {
        const alias = ctx.alias === undefined ? '' : router.metricAlias(ctx.alias);
        // A client that went away is counted as nginx logs it: 499.
        const gone = abort.aborted && !res.writableFinished;
        metrics.requestFinished(alias, gone ? 499 : res.statusCode, gone ? 'client_disconnected' : (error?.code ?? ''), ctx.stream === true, (performance.now() - ctx.startedAt) / 1000);
      }
      if (error !== undefined && error.status >= 500) logger.warn(error.message, { request_id: id, code: error.code, path, cause: causeOf(error) });
      // One line per chat request at info (per other request at debug); details grow with the level.
      if (logger.enabled(isChat ? 'info' : 'debug')) {
        const detailed = logger.enabled('debug');
        (isChat ? logger.info : logger.debug)('request', {
          request_id: id, method: req.method, path, status: res.statusCode, alias: ctx.alias, deployment: ctx.deployment,
          attempts: ctx.attempts, stream: ctx.stream, error_code: ctx.error?.code, tokens: ctx.tokens,
          ms: Math.round((performance.now() - ctx.startedAt) * 100) / 100,
          ...(detailed ? { provider: ctx.provider, upstream_model: ctx.upstreamModel } : {}),
          ...(logger.enabled('trace') ? { upstream_rate_limit: ctx.upstreamHeaders && rateLimitHeaders(ctx.upstreamHeaders), user_agent: req.headers['user-agent'] } : {}),
        });
      }
    }
  };

  const server = createServer({ ...hostileInputServerOptions, keepAliveTimeout: 65_000 }, (req, res) => {
    void handle(req, res);
  });
  // Slow clients (slowloris), oversized heads and broken HTTP get catalog errors too (hostile-input.ts).
  applyClientTimeouts(server, compiled.timeouts);
  answerClientErrors(server, (error, cause) => logger.debug('request refused by the HTTP parser', { code: error.code, parser_code: cause }));
  return {
    server,
    get router() {
      return compiled.router;
    },
    drain: () => void (draining = true),
    reload: (next) => {
      compiled = compile(next);
      applyClientTimeouts(server, compiled.timeouts);
    },
  };
}

/** GET /metrics: Prometheus text, formatted only when scraped. */
function serveMetrics(metrics: Metrics): Handler {
  return async (_req, res, ctx) => {
    const text = await metrics.render();
    res.writeHead(200, Object.assign(ctx.headers, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }));
    res.end(text);
  };
}

/**
 * Reads and drops the rest of a refused body so the client, still uploading,
 * receives the 413 instead of a broken pipe; past `maxBytes` it is hostile
 * and the connection is cut.
 */
function discardRest(req: IncomingMessage, maxBytes: number): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) req.destroy();
  });
  req.resume();
}

/** A malformed escape (`%E0%A4%A`) is the client's typo, not a reason for a 500. */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Anthropic's API, answered in its error envelope and with its `request-id`
 * header — also for failures before a handler runs (auth, unknown sub-path).
 */
function isAnthropicPath(path: string): boolean {
  return path === '/v1/messages' || path.startsWith('/v1/messages/');
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Internal errors keep their cause for the log (never for the client). */
function causeOf(error: GatewayError): string | undefined {
  const cause = error.cause;
  if (cause === undefined) return undefined;
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
