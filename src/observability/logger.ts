// One JSON line per event on stderr (what log collectors parse), or a short
// human line when stderr is a terminal; with --log_dir, JSON lines in a
// rotated file as well (log-file.ts). Secrets are dropped by field name.

import { writeSync } from 'node:fs';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };
/** Field names whose values are never written, whatever the level. */
const SECRET_FIELD = /authorization|api[-_]?key|master[-_]?key|password|secret|^token$/i;
/** A credential inside a message or a field with an innocent name. */
const BEARER = /bearer\s/i;
const BEARER_VALUE = /bearer\s+\S+/gi;
const MAX_REDACT_DEPTH = 4;

export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly level: LogLevel;
  enabled(level: LogLevel): boolean;
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  trace(msg: string, fields?: LogFields): void;
}

/**
 * Lines are gathered and written every 50 ms (or per 64 KB): one write per
 * request would cost a system call each on the hot path. The rest is written
 * synchronously on exit, so nothing logged is lost.
 */
export function bufferedStderr(flushMs = 50, maxBuffered = 64 * 1024): (line: string) => void {
  return buffered((text) => process.stderr.write(text), (text) => writeSync(2, text), flushMs, maxBuffered);
}

/** A line sink that batches; `flush()` hands over what is gathered now. */
export type BufferedSink = ((line: string) => void) & { flush(): void };

/** Gathers lines and hands them to `write` in batches; `writeOnExit` gets what is left when the process exits. */
export function buffered(write: (text: string) => void, writeOnExit: ((text: string) => void) | undefined, flushMs = 50, maxBuffered = 64 * 1024): BufferedSink {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    const out = pending;
    pending = '';
    write(out);
  };
  if (writeOnExit !== undefined) {
    process.once('exit', () => {
      if (pending !== '') writeOnExit(pending);
    });
  }
  const sink = (line: string) => {
    pending += line;
    if (pending.length >= maxBuffered) flush();
    else timer ??= setTimeout(flush, flushMs).unref();
  };
  return Object.assign(sink, { flush });
}

/**
 * `write` gets the line for stderr (human when `pretty`); `toFile`, when set,
 * always gets the JSON line: files are read by programs.
 */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line), pretty = false, toFile?: (line: string) => void): Logger {
  const max = RANK[level];
  const emit = (at: LogLevel) => (msg: string, fields?: LogFields) => {
    if (RANK[at] > max) return;
    const time = isoNow();
    const safe = redact(fields);
    if (BEARER.test(msg)) msg = msg.replace(BEARER_VALUE, 'Bearer [redacted]');
    const json = pretty && toFile === undefined ? undefined : jsonLine(at, time, msg, safe);
    write(pretty ? prettyLine(at, time, msg, safe) : json!);
    if (toFile !== undefined) toFile(json!);
  };
  return {
    level,
    enabled: (at) => RANK[at] <= max,
    error: emit('error'),
    warn: emit('warn'),
    info: emit('info'),
    debug: emit('debug'),
    trace: emit('trace'),
  };
}

/**
 * `{"level","time","msg",…fields}` without copying the fields into a new
 * object first (a request line is written per request). A field named like
 * one of the three comes later in the line and wins, as the spread did.
 */
function jsonLine(level: LogLevel, time: string, msg: string, fields: LogFields | undefined): string {
  const head = `{"level":"${level}","time":"${time}","msg":${JSON.stringify(msg)}`;
  const rest = fields === undefined ? '{}' : JSON.stringify(fields);
  return rest.length > 2 ? `${head},${rest.slice(1)}\n` : `${head}}\n`;
}

/** The ISO time, formatted once per millisecond: at a few thousand requests a second, lines share it. */
let lastMs = NaN;
let lastIso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

/** Whether a field name is a secret's, remembered per name: lines repeat the same few names. */
const secretNames = new Map<string, boolean>();
function isSecretName(key: string): boolean {
  let secret = secretNames.get(key);
  if (secret === undefined) {
    secret = SECRET_FIELD.test(key);
    // Names come from code, not from clients; the bound only guards against a caller that uses data as keys.
    if (secretNames.size < 1000) secretNames.set(key, secret);
  }
  return secret;
}

function redact(fields: LogFields | undefined): LogFields | undefined {
  return fields === undefined ? undefined : redactObject(fields, 0);
}

/** Nested objects (headers, upstream details) are walked too, a few levels deep; copies are made only where something changes. */
function redactObject(fields: LogFields, depth: number): LogFields {
  let copy: LogFields | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    let safe = value;
    if (isSecretName(key)) safe = '[redacted]';
    else if (typeof value === 'string' && BEARER.test(value)) safe = value.replace(BEARER_VALUE, 'Bearer [redacted]');
    else if (depth < MAX_REDACT_DEPTH && typeof value === 'object' && value !== null && !Array.isArray(value)) safe = redactObject(value as LogFields, depth + 1);
    if (safe !== value) {
      copy ??= { ...fields };
      copy[key] = safe;
    }
  }
  return copy ?? fields;
}

/** `12:03:04 INFO  request status=200 alias=groq-70b ms=12.4`: for a person at a terminal. */
function prettyLine(level: LogLevel, time: string, msg: string, fields: LogFields | undefined): string {
  let line = `${time.slice(11, 19)} ${level.toUpperCase().padEnd(5)} ${msg}`;
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    line += ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  return line + '\n';
}
