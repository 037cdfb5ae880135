import type { AddressInfo } from 'node:net';
import { builtinConfig } from '../config/default-config.js';
import { loadDotEnv } from '../config/dotenv.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { createLogger, type LogLevel } from '../observability/logger.js';
import { closeAllPools } from '../providers/upstream-pool.js';
import { createGateway } from '../server/app.js';
import { VERSION } from '../version.js';
import { formatWarnings, startupBanner } from './banner.js';
import { formatCliError } from '../errors/format.js';

export interface ServeOptions {
  configPath: string | undefined;
  port: number;
  host: string;
  debug: boolean;
  detailedDebug: boolean;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function serve(options: ServeOptions): Promise<void> {
  const env = process.env;
  loadDotEnv(process.cwd(), env);
  const logger = createLogger(logLevel(options, env));

  let config: Config;
  try {
    config = options.configPath === undefined ? builtinConfig() : loadConfig(options.configPath, { env });
  } catch (err) {
    exitWith(err);
  }

  process.stderr.write(formatWarnings(config));
  const { server, router } = createGateway({ config, logger, version: VERSION, env });
  server.once('error', (err: NodeJS.ErrnoException) => exitWith(listenError(err, options)));
  server.listen(options.port, options.host, () => {
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    process.stdout.write(startupBanner(VERSION, `http://${host}:${address.port}`, config, router));
  });

  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    server.close(() => {
      void closeAllPools().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

function logLevel(options: ServeOptions, env: NodeJS.ProcessEnv): LogLevel {
  if (options.detailedDebug) return 'trace';
  if (options.debug) return 'debug';
  const fromEnv = env.LITELLM_LOG?.toLowerCase();
  return fromEnv === 'debug' || fromEnv === 'info' || fromEnv === 'warn' || fromEnv === 'error' ? fromEnv : 'info';
}

function listenError(err: NodeJS.ErrnoException, options: ServeOptions): GatewayError {
  const at = `${options.host}:${options.port}`;
  if (err.code === 'EADDRINUSE') return new GatewayError('port_in_use', `Port ${options.port} is already in use (${at}); another Switchyard or LiteLLM may be running.`);
  if (err.code === 'EACCES') return new GatewayError('port_forbidden', `Not allowed to listen on ${at} (EACCES; WinError 10013 on Windows).`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') return new GatewayError('config_invalid', `--host ${options.host} is not an address of this machine (${err.code}).`);
  return new GatewayError('internal_error', `Could not listen on ${at}: ${err.code ?? err.message}.`);
}

function exitWith(err: unknown): never {
  if (err instanceof GatewayError) process.stderr.write(formatCliError(err));
  else process.stderr.write(`error[internal_error]: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
}
