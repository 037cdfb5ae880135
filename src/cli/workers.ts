// --num_workers N (LiteLLM's flag): N processes serving one port through
// node:cluster, for more than one core's worth of CPU. The primary process
// serves nothing: it forks the workers, restarts one that crashes, and
// forwards SIGTERM/SIGINT so they drain before exiting.
//
// Workers share nothing in memory. With Redis configured they share rate
// limits, cooldowns and statistics through it; without Redis each worker
// keeps its own, so the product decision is to start anyway and say so at
// start-up: limits and cooldowns are then per worker (N workers may admit N
// times a deployment's rpm).

import { GatewayError } from '../errors/gateway-error.js';
import { formatCliWarning } from './report.js';
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../observability/logger.js';
import { buffered } from '../observability/logger.js';
import type { RotatingLogFile } from '../observability/log-file.js';
import { serveClusterScrapes } from '../observability/cluster-metrics.js';

/** Set by the primary in the environment of the one worker that prints the banner at start-up. */
const BANNER_ENV = 'SWITCHYARD_WORKER_BANNER';
/** A worker that lived less than this before crashing is restarted with a growing delay (up to 30 s), not in a tight loop. */
const HEALTHY_LIFETIME_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

export interface WorkerRole {
  /** This process supervises workers and serves nothing itself. */
  primary: boolean;
  /** This process prints the start-up warnings (once per start, not once per worker). */
  announce: boolean;
  /** This process prints the banner. */
  banner: boolean;
  /** In a worker: its pid, sent as `x-switchyard-worker` so one can tell the workers apart. */
  workerId: string | undefined;
}

export function workerRole(numWorkers: number): WorkerRole {
  if (numWorkers <= 1) return { primary: false, announce: true, banner: true, workerId: undefined };
  if (cluster.isPrimary) return { primary: true, announce: true, banner: false, workerId: undefined };
  return { primary: false, announce: false, banner: process.env[BANNER_ENV] === '1', workerId: String(process.pid) };
}

/** The start-up warning for N workers without Redis. */
export function perWorkerStateWarning(numWorkers: number): string {
  return formatCliWarning(new GatewayError('state_per_worker',
    `${numWorkers} workers and no Redis: rpm/tpm/max_parallel_requests limits and cooldowns are kept per worker, so together the workers may admit up to ${numWorkers}× a deployment's limits.`));
}

/** A worker's log lines for the file, as the primary receives them. */
interface LogMessage {
  switchyardLog: string;
}

function isLogMessage(message: unknown): message is LogMessage {
  return typeof message === 'object' && message !== null && typeof (message as LogMessage).switchyardLog === 'string';
}

/**
 * In a worker: the file sink sends batches of lines to the primary, which
 * owns the log file (one writer, so rotation cannot lose or split lines).
 * `flush` sends what is buffered and resolves once it is handed over: the
 * worker calls it before exiting.
 */
export function workerLogSink(): { write: (line: string) => void; flush: () => Promise<void> } {
  let last: Promise<void> = Promise.resolve();
  const send = (text: string) => {
    last = new Promise((resolve) => {
      if (process.send === undefined || !process.connected) return resolve();
      process.send({ switchyardLog: text } satisfies LogMessage, undefined, {}, () => resolve());
    });
  };
  const batched = buffered(send, undefined);
  return {
    write: batched,
    flush: () => {
      batched.flush();
      return last;
    },
  };
}

/** Forks `count` workers and keeps them running until SIGTERM/SIGINT. `reload` asks every worker to read its config again. */
export function superviseWorkers(count: number, logger: Logger, graceMs: number, logFile?: RotatingLogFile): { reload(): void } {
  let stopping = false;
  let announced = false;
  let restartDelayMs = 1000;
  const listening = new Set<number>();
  const bornAt = new Map<number, number>();

  const fork = (banner: boolean): void => {
    const worker = cluster.fork({ [BANNER_ENV]: banner ? '1' : '0' });
    bornAt.set(worker.id, Date.now());
  };
  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  const stopAll = (exitCode: number): void => {
    stopping = true;
    process.exitCode = exitCode;
    const workers = alive();
    if (workers.length === 0) process.exit(exitCode);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => process.exit(exitCode), graceMs).unref();
  };

  cluster.on('listening', (worker) => {
    listening.add(worker.id);
    if (!announced && listening.size === count) {
      announced = true;
      process.stdout.write(`  workers   ${count} processes on one port (pids ${alive().map((w) => w.process.pid).join(', ')}; primary ${process.pid})\n`);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const served = listening.delete(worker.id);
    const lived = Date.now() - (bornAt.get(worker.id) ?? Date.now());
    bornAt.delete(worker.id);
    if (stopping) {
      if (alive().length === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (!served) {
      // It failed before serving (port in use, bad config …) and printed why: restarting would only repeat it.
      stopAll(code === 0 || code === null ? 1 : code);
      return;
    }
    restartDelayMs = lived < HEALTHY_LIFETIME_MS ? Math.min(restartDelayMs * 2, MAX_RESTART_DELAY_MS) : 1000;
    logger.warn(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a new one in ${restartDelayMs / 1000} s`, { pid: worker.process.pid, code, signal });
    // Not unref'd: when every worker is down, this timer is what keeps the primary alive.
    setTimeout(() => {
      if (!stopping) fork(false);
    }, restartDelayMs);
  });

  if (logFile !== undefined) {
    cluster.on('message', (_worker, message: unknown) => {
      if (isLogMessage(message)) logFile.append(message.switchyardLog);
    });
  }

  serveClusterScrapes();
  for (let i = 0; i < count; i++) fork(i === 0);

  const shutdown = (signal: string): void => {
    if (stopping) return;
    logger.info('shutting down workers', { signal });
    stopAll(0);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // Each worker reloads its own config.
  const reload = (): void => {
    for (const worker of alive()) worker.process.kill('SIGHUP');
  };
  process.on('SIGHUP', reload);
  return { reload };
}
