import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve(import.meta.dirname, '../../dist/switchyard.js');

export interface GatewayProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The OpenAI base URL: `${url}/v1` */
  baseURL: string;
  port: number;
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with stderr once it matches (the two pipes are read independently, so stderr may lag stdout). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** YAML text written to a temporary file and passed with --config. */
  config?: string;
  /** Extra CLI arguments. */
  args?: string[];
  /** The child's whole environment besides PATH: nothing leaks in from the developer's shell. */
  env?: Record<string, string>;
  cwd?: string;
}

/** Starts the real compiled `switchyard` CLI on a free port and waits until it listens. */
export async function startGateway(options: StartOptions = {}): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  const args = [CLI, '--port', '0', ...(options.args ?? [])];
  if (options.config !== undefined) {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, options.config);
    args.push('--config', file);
  }
  const proc = spawn(process.execPath, args, {
    cwd: options.cwd ?? dir,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));

  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in 10 s\nstdout: ${out}\nstderr: ${err}`)), 10_000);
    const check = () => {
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    port,
    proc,
    stdout: () => out,
    stderr: () => err,
    waitForStderr: async (pattern, timeoutMs = 3000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(err) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return err;
    },
    stop: () => stopProcess(proc),
  };
}

/** Runs the CLI to completion (for flags and start-up failures). */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const proc = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

function stopProcess(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolveStop(code);
    });
    proc.kill('SIGTERM');
  });
}
