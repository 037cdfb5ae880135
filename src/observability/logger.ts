// One JSON line per event on stderr. Small on purpose: the structured logging
// issue replaces the sink; call sites stay as they are.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };
/** Field names whose values are never written, whatever the level. */
const SECRET_FIELD = /authorization|api[-_]?key|master[-_]?key|password|secret|^token$/i;

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

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const max = RANK[level];
  const emit = (at: LogLevel) => (msg: string, fields?: LogFields) => {
    if (RANK[at] > max) return;
    write(JSON.stringify({ level: at, time: new Date().toISOString(), msg, ...redact(fields) }) + '\n');
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

function redact(fields: LogFields | undefined): LogFields | undefined {
  if (fields === undefined) return undefined;
  let copy: LogFields | undefined;
  for (const key of Object.keys(fields)) {
    if (SECRET_FIELD.test(key)) {
      copy ??= { ...fields };
      copy[key] = '[redacted]';
    }
  }
  return copy ?? fields;
}
