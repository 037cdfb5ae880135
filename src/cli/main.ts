#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { VERSION } from '../version.js';
import { exitWithError } from './report.js';

// Each command's code is loaded when that command runs: a serving process
// never holds the doctor's checks (nor explain's), and `doctor`/`explain`
// start without the server, the router and the providers.

// Flags follow the LiteLLM proxy CLI so existing start scripts keep working.
const program = new Command()
  .name('switchyard')
  .description('OpenAI-compatible LLM gateway that reads LiteLLM proxy config files.')
  .version(VERSION, '-v, --version', 'print the version')
  // Subcommands have their own --config/--port/--host: the program's options
  // are read only before a subcommand's name.
  .enablePositionalOptions()
  .option('-c, --config <path>', 'LiteLLM-style config file (proxy_server_config.yaml); without it, a built-in demo config')
  .option('--port <port>', 'port to listen on', parsePort, 4000)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--debug', 'log every request (same as LITELLM_LOG=DEBUG)')
  .option('--detailed_debug', 'log requests and upstream details (never keys); print stack traces of internal errors')
  .option('--allow_no_auth', 'allow a non-loopback --host without a master_key (anyone who reaches the port can use your provider keys)')
  .option('--num_workers <n>', 'worker processes serving the port (limits and cooldowns are shared only through Redis)', parseWorkers, 1)
  .option('--watch_config', 'reload the config file when it changes (as on SIGHUP); a broken edit is reported and the running config keeps serving')
  .option('--log_dir [dir]', 'also write JSON log lines to <dir>/switchyard.log, rotated by size (default dir: the system temp folder + /switchyard; or set SWITCHYARD_LOG_DIR)')
  .option('--log_rotate_mb <mb>', 'rotate the log file when it reaches this size', parsePositive, 10)
  .option('--log_keep <n>', 'rotated log files to keep (switchyard.1.log is the newest)', parseCount, 5)
  .action(async (options: { config?: string; port: number; host: string; debug?: boolean; detailed_debug?: boolean; num_workers: number; allow_no_auth?: boolean; watch_config?: boolean; log_dir?: string | true; log_rotate_mb: number; log_keep: number }) => {
    const detailedDebug = options.detailed_debug === true;
    try {
      const { serve } = await import('./serve.js');
      await serve({
        configPath: options.config, port: options.port, host: options.host, debug: options.debug === true, detailedDebug, numWorkers: options.num_workers, allowNoAuth: options.allow_no_auth === true,
        watchConfig: options.watch_config === true, logDir: options.log_dir, logRotateMb: options.log_rotate_mb, logKeep: options.log_keep,
      });
    } catch (err) {
      exitWithError(err, detailedDebug);
    }
  });

program
  .command('explain')
  .description('print the cause and fix of an error code, an HTTP status (429) or an alias (PortAlreadyInUse, "WinError 10048"); without an argument, list every code')
  .argument('[query...]', 'error code, HTTP status or alias')
  .action(async (query: string[]) => {
    const { explain } = await import('./explain.js');
    process.exitCode = explain(query.length === 0 ? undefined : query.join(' '), (text) => process.stdout.write(text), (text) => process.stderr.write(text));
  });

program
  .command('doctor')
  .description('check the config, environment variables, port, host, Redis, provider keys and models, as the error reference\'s flowchart does')
  .option('-c, --config <path>', 'config file to check (default: the built-in demo config, as when starting)')
  .option('--port <port>', 'port Switchyard will listen on', parsePort, 4000)
  .option('--host <host>', 'address Switchyard will bind', '127.0.0.1')
  .option('--json', 'print one JSON document: { ok, checks: [{ id, status, message, code?, fix? }] }')
  .option('--detailed_debug', 'print stack traces of internal errors')
  .action(async (options: { config?: string; port: number; host: string; json?: boolean; detailed_debug?: boolean }) => {
    try {
      const { doctor } = await import('../doctor/command.js');
      process.exitCode = await doctor({ configPath: options.config, port: options.port, host: options.host, json: options.json === true });
    } catch (err) {
      exitWithError(err, options.detailed_debug === true);
    }
  });

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('expected a number of workers from 1 to 256.');
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new InvalidArgumentError('expected a whole number from 0 to 1000.');
  return n;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return port;
}

await program.parseAsync();
