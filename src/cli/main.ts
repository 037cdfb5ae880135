#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { VERSION } from '../version.js';
import { serve } from './serve.js';

// Flags follow the LiteLLM proxy CLI so existing start scripts keep working.
const program = new Command()
  .name('switchyard')
  .description('OpenAI-compatible LLM gateway that reads LiteLLM proxy config files.')
  .version(VERSION, '-v, --version', 'print the version')
  .option('-c, --config <path>', 'LiteLLM-style config file (proxy_server_config.yaml); without it, a built-in demo config')
  .option('--port <port>', 'port to listen on', parsePort, 4000)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--debug', 'log every request (same as LITELLM_LOG=DEBUG)')
  .option('--detailed_debug', 'log requests and upstream details (never keys)')
  .action(async (options: { config?: string; port: number; host: string; debug?: boolean; detailed_debug?: boolean }) => {
    await serve({
      configPath: options.config,
      port: options.port,
      host: options.host,
      debug: options.debug === true,
      detailedDebug: options.detailed_debug === true,
    });
  });

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return port;
}

await program.parseAsync();
