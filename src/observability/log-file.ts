// Opt-in log file (--log_dir, SWITCHYARD_LOG_DIR): JSON lines in
// <dir>/switchyard.log, rotated by size to switchyard.1.log … switchyard.N.log
// (1 is the newest; the oldest is deleted). The default directory is the
// system's temporary one: /tmp/switchyard on Linux and macOS' $TMPDIR,
// %TEMP%\switchyard on Windows.
//
// Writes are asynchronous and batched by the logger (every 50 ms), so a log
// line never costs the request a system call. Rotation (a few renames) is
// synchronous: it happens once per `maxBytes` and must not interleave with a
// write. One process owns the file: under --num_workers it is the primary,
// and workers send it their lines (cli/workers.ts) — two writers rotating one
// file would lose lines. Two separate Switchyards need two directories.

import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, write, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LOG_FILE_NAME = 'switchyard.log';
export const DEFAULT_LOG_ROTATE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 5;

export function defaultLogDir(): string {
  return join(tmpdir(), 'switchyard');
}

export interface LogFileOptions {
  /** Rotate when the file would grow past this. Default 10 MB. */
  maxBytes?: number;
  /** Rotated files kept besides the current one. Default 5. */
  keep?: number;
}

export class RotatingLogFile {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private fd: number;
  private size: number;
  /** Text waiting while a write is in flight: writes never overlap, so lines keep their order. */
  private queued = '';
  private writing = false;
  private idleWaiters: Array<() => void> = [];

  constructor(readonly dir: string, options: LogFileOptions = {}) {
    this.maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_LOG_ROTATE_BYTES);
    this.keep = Math.max(0, options.keep ?? DEFAULT_LOG_KEEP);
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, LOG_FILE_NAME);
    this.fd = openSync(this.path, 'a');
    this.size = statSync(this.path).size;
    process.once('exit', () => this.flushSync());
  }

  /** Appends whole lines (a batch from the logger). */
  append(text: string): void {
    this.queued += text;
    if (!this.writing) this.writeNext();
  }

  private writeNext(): void {
    const text = this.queued;
    if (text === '') {
      this.writing = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    this.queued = '';
    this.writing = true;
    let bytes = Buffer.from(text);
    // A batch may be larger than the room left: write the lines that fit, queue the rest for after a rotation.
    if (this.size + bytes.length > this.maxBytes) {
      const room = this.maxBytes - this.size;
      const fits = room > 0 ? bytes.lastIndexOf(0x0a, room - 1) + 1 : 0;
      if (fits > 0) {
        this.queued = bytes.subarray(fits).toString() + this.queued;
        bytes = bytes.subarray(0, fits);
      } else if (this.size > 0) {
        this.rotate();
        this.queued = text + this.queued;
        this.writeNext();
        return;
      }
      // Else one line longer than the whole file size: it gets a file of its own.
    }
    this.size += bytes.length;
    write(this.fd, bytes, 0, bytes.length, null, (err) => {
      // A full disk or a removed directory must not take the gateway down: stderr still has every line.
      if (err) process.stderr.write(`switchyard: could not write the log file ${this.path}: ${err.message}\n`);
      this.writeNext();
    });
  }

  /** Resolves once everything appended so far is on disk (before a clean exit). */
  written(): Promise<void> {
    return this.writing ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }

  /** switchyard.log → switchyard.1.log → … → switchyard.<keep>.log; the oldest goes. */
  private rotate(): void {
    try {
      this.shift();
    } catch (err) {
      // The directory went away or became read-only: say so once per rotation; stderr has every line anyway.
      process.stderr.write(`switchyard: could not rotate the log file ${this.path}: ${(err as Error).message}\n`);
    }
    this.size = 0;
  }

  private shift(): void {
    closeSync(this.fd);
    const numbered = (n: number) => join(this.dir, `switchyard.${n}.log`);
    if (this.keep === 0) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(numbered(this.keep), { force: true });
      for (let n = this.keep - 1; n >= 1; n--) {
        try {
          renameSync(numbered(n), numbered(n + 1));
        } catch {
          // Not there yet: fewer rotations so far than `keep`.
        }
      }
      renameSync(this.path, numbered(1));
    }
    this.fd = openSync(this.path, 'a');
  }

  /** On exit: what is queued, then `text`, written synchronously (the write in flight, if any, is the OS's by then). */
  flushSync(text = ''): void {
    const rest = this.queued + text;
    this.queued = '';
    if (rest === '') return;
    try {
      writeSync(this.fd, rest);
    } catch {
      // Exiting anyway.
    }
  }
}
