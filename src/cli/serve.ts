import type { AddressInfo } from 'node:net';
import { builtinConfig } from '../config/default-config.js';
import { loadDotEnv } from '../config/dotenv.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { buffered, bufferedStderr, createLogger, type Logger, type LogLevel } from '../observability/logger.js';
import { defaultLogDir, RotatingLogFile } from '../observability/log-file.js';
import { VERSION } from '../version.js';
import { startupBanner } from './banner.js';
import { watchConfigFile } from './config-watch.js';
import { explainConfigError } from '../diagnostics/config-error.js';
import { listenError } from '../diagnostics/listen-error.js';
import { exitWithError, formatCliWarning, formatStartupWarnings } from './report.js';
import type { FailoverStore } from '../state/failover-store.js';
import { perWorkerStateWarning, superviseWorkers, workerLogSink, workerRole, type WorkerRole } from './workers.js';

export interface ServeOptions {
  configPath: string | undefined;
  port: number;
  host: string;
  debug: boolean;
  detailedDebug: boolean;
  /** --num_workers: processes serving the port (node:cluster). Default 1: this process serves. */
  numWorkers?: number;
  /** --allow_no_auth: the operator accepts a non-loopback bind without a master key. */
  allowNoAuth?: boolean;
  /** --log_dir [dir]: also write JSON lines to <dir>/switchyard.log (true: the default directory). */
  logDir?: string | true;
  /** --watch_config: reload when the config file changes, as on SIGHUP. */
  watchConfig?: boolean;
  /** --log_rotate_mb: rotate the log file at this size. */
  logRotateMb?: number;
  /** --log_keep: rotated log files kept. */
  logKeep?: number;
}

/**
 * Connections the kernel may queue before Node accepts them (capped by the
 * OS: net.core.somaxconn). Node's default, 511, drops a burst of a few
 * thousand connects, and each dropped SYN costs its client a 1 s retransmit.
 */
const LISTEN_BACKLOG = 4096;
/** In-flight requests and streams get this long to finish after SIGTERM/SIGINT. */
const SHUTDOWN_GRACE_MS = 30_000;
/** Start-up waits this long at most for Redis: a dead Redis must not make starting slow. */
const REDIS_PING_TIMEOUT_MS = 1500;
/** Start-up waits this long at most for the store's first Redis connection; after it, it starts on local state and switches later. */
const REDIS_CONNECT_TIMEOUT_MS = 2000;

export async function serve(options: ServeOptions): Promise<void> {
  const env = process.env;
  const exitWith: (err: unknown) => never = (err) => exitWithError(err, options.detailedDebug);
  try {
    loadDotEnv(process.cwd(), env);
  } catch (err) {
    exitWith(err);
  }
  let config: Config;
  try {
    config = options.configPath === undefined ? builtinConfig() : loadConfig(options.configPath, { env });
  } catch (err) {
    exitWith(err instanceof GatewayError && options.configPath !== undefined ? explainConfigError(err, options.configPath) : err);
  }
  // Under --num_workers the primary says everything once and serves nothing (cli/workers.ts).
  const numWorkers = options.numWorkers ?? 1;
  const role = workerRole(numWorkers);
  const fileLog = openFileLog(options, env, role, exitWith);
  const logger = createLogger(logLevel(options, env), bufferedStderr(), process.stderr.isTTY === true, fileLog?.write);
  checkExposure(options, config);
  if (fileLog?.file !== undefined) logger.info('logging to file', { file: fileLog.file.path });

  // Unset key variables and unknown providers disable only their deployments:
  // the rest of the config still serves, and the report says what is off.
  if (role.announce) process.stderr.write(formatStartupWarnings(config, env));
  if (role.primary) {
    await warnIfRedisUnreachable(config);
    if (config.routerSettings.redis === undefined) process.stderr.write(perWorkerStateWarning(numWorkers));
    const workers = superviseWorkers(numWorkers, logger, SHUTDOWN_GRACE_MS, fileLog?.file);
    if (options.watchConfig === true && options.configPath !== undefined) watchConfigFile(options.configPath, workers.reload);
    return;
  }
  // The server's code (router, providers, undici) is loaded here, past the primary, which serves nothing.
  const [{ createGateway }, { closeAllPools }, store] = await Promise.all([
    import('../server/app.js'), import('../providers/upstream-pool.js'), openSharedState(config, logger, role.announce),
  ]);

  const gateway = createGateway({ config, logger, version: VERSION, env, store, workerId: role.workerId });
  const { server, drain } = gateway;
  server.once('error', (err: NodeJS.ErrnoException) => {
    void listenError(err, options.host, options.port).then(exitWith, exitWith);
  });
  server.listen({ port: options.port, host: options.host, backlog: LISTEN_BACKLOG }, () => {
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    if (role.banner) process.stdout.write(startupBanner(VERSION, `http://${host}:${address.port}`, config, gateway.router));
  });

  const shutdown = (signal: string) => {
    logger.info('shutting down: finishing in-flight requests', { signal, grace_seconds: SHUTDOWN_GRACE_MS / 1000 });
    drain();
    server.close(() => {
      void Promise.allSettled([closeAllPools(), store?.close(), fileLog?.flush()]).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // SIGHUP (and, with --watch_config, a change of the file): read the config
  // file again. A config that does not load is reported with its catalog
  // error and the running one keeps serving.
  const reload = (reason: string) => {
    if (options.configPath === undefined) return;
    try {
      const next = loadConfig(options.configPath, { env });
      gateway.reload(next);
      logger.info('config reloaded', { file: next.file, reason, aliases: gateway.router.table.aliases().length });
      if (role.banner) process.stderr.write(formatStartupWarnings(next, env));
    } catch (err) {
      const error = err instanceof GatewayError ? explainConfigError(err, options.configPath) : err;
      process.stderr.write(formatCliWarning(error instanceof GatewayError ? error : new GatewayError('internal_error', String(error)))
        .replace(/^warning\[(\w+)\]: /, 'warning[$1]: config not reloaded, the running one keeps serving — '));
    }
  };
  process.on('SIGHUP', () => reload('SIGHUP'));
  // Under --num_workers the primary watches and signals the workers (one watcher, not N).
  if (options.watchConfig === true && options.configPath !== undefined && numWorkers <= 1) watchConfigFile(options.configPath, () => reload('file changed'));
}

interface FileLog {
  write: (line: string) => void;
  /** Hands over what is buffered (a worker's lines travel to the primary). */
  flush: () => Promise<void>;
  /** In the process that owns the file. */
  file?: RotatingLogFile;
}

/**
 * --log_dir [dir] or SWITCHYARD_LOG_DIR turns file logging on. The process
 * that owns the file (the only one, or the primary) writes it; a worker sends
 * its lines to the primary.
 */
function openFileLog(options: ServeOptions, env: NodeJS.ProcessEnv, role: WorkerRole, exitWith: (err: unknown) => never): FileLog | undefined {
  const fromEnv = env.SWITCHYARD_LOG_DIR?.trim();
  const dir = options.logDir === true ? defaultLogDir() : (options.logDir ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv));
  if (dir === undefined) return undefined;
  if (role.workerId !== undefined) return workerLogSink();
  let file: RotatingLogFile;
  try {
    file = new RotatingLogFile(dir, { maxBytes: options.logRotateMb === undefined ? undefined : options.logRotateMb * 1024 * 1024, keep: options.logKeep });
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    exitWith(new GatewayError('log_dir_unavailable', `Cannot write the log file in ${dir} (${reason}).`, { cause: err }));
  }
  const write = buffered((text) => file.append(text), (text) => file.flushSync(text));
  return {
    write,
    flush: () => {
      write.flush();
      return file.written();
    },
    file,
  };
}

/**
 * Secure default: a non-loopback bind without a master key would let anyone on
 * the network spend the provider keys, so it needs the operator's explicit
 * --allow_no_auth; loopback (the default) never does.
 */
function checkExposure(options: ServeOptions, config: Config): void {
  if (isLoopback(options.host) || config.generalSettings.masterKey !== undefined) return;
  const error = new GatewayError('host_exposed_without_key', `--host ${options.host} accepts connections from other machines, and no master_key is set.`);
  if (!options.allowNoAuth) exitWithError(error, options.detailedDebug);
  process.stderr.write(formatCliWarning(error));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function logLevel(options: ServeOptions, env: NodeJS.ProcessEnv): LogLevel {
  if (options.detailedDebug) return 'trace';
  if (options.debug) return 'debug';
  const fromEnv = env.LITELLM_LOG?.toLowerCase();
  return fromEnv === 'debug' || fromEnv === 'info' || fromEnv === 'warn' || fromEnv === 'error' ? fromEnv : 'info';
}

/**
 * Redis is optional state (shared limits and cooldowns): when the configured
 * one does not answer, Switchyard starts on local state and says so, rather
 * than refusing to serve. A later issue makes this policy configurable.
 */
async function warnIfRedisUnreachable(config: Config): Promise<boolean> {
  const redis = config.routerSettings.redis;
  if (redis === undefined) return false;
  const [{ pingRedis }, { redisUnreachableError }] = await Promise.all([import('../diagnostics/redis-ping.js'), import('../diagnostics/redis-error.js')]);
  const result = await pingRedis(redis, REDIS_PING_TIMEOUT_MS);
  if (result.ok) return false;
  const consequence = 'Switchyard starts anyway, on local state: rate limits and cooldowns apply per instance until Redis answers, then it switches to Redis by itself.';
  process.stderr.write(formatCliWarning(redisUnreachableError(result, consequence)));
  return true;
}

/**
 * The shared store when Redis is configured (state/failover-store.ts): it
 * waits briefly for the first connection, and starts degraded rather than
 * refusing to start when there is none. The ping above explains why Redis
 * is unreachable (host, port, OS error); the store's own client decides the
 * mode and reconnects in the background.
 */
async function openSharedState(config: Config, logger: Logger, announce: boolean): Promise<FailoverStore | undefined> {
  const redis = config.routerSettings.redis;
  if (redis === undefined) return undefined;
  // ioredis and the Redis store are loaded only when Redis is configured (≈20 MB of RSS otherwise spent at idle).
  const { openRedisStore } = await import('../state/redis-connect.js');
  const store = openRedisStore(redis, { log: logger });
  const healthy = store.whenHealthy(REDIS_CONNECT_TIMEOUT_MS);
  // Unreachable (said on stderr): no point waiting for a connection that will not come now.
  if (announce && (await warnIfRedisUnreachable(config))) return store;
  if (!(await healthy) && announce) {
    // Redis answered the ping, but the client is not ready yet (a slow TLS handshake, a loading dataset …).
    logger.warn('Redis is not ready yet: starting on local state; Switchyard switches to Redis once it is.', { code: 'redis_unreachable', error: store.lastConnectionError });
  }
  return store;
}
