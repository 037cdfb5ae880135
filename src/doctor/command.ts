// `switchyard doctor`: prints the flowchart's checks as they complete (or one
// JSON document with --json) and exits 1 when any check failed.

import { runDoctor } from './runner.js';
import { createContext } from './context.js';
import { formatJson, formatResults, formatSummary } from './print.js';
import type { DoctorOptions } from './types.js';

export async function doctor(options: DoctorOptions & { json: boolean }): Promise<number> {
  // Ctrl-C ends the process as usual; the network deadline is the runner's.
  const context = createContext(options, process.env, new AbortController().signal);
  if (!options.json) {
    const config = 'config' in context.load ? context.load.config.file ?? 'built-in demo config' : options.configPath;
    process.stdout.write(`Switchyard doctor: config ${config}, address ${options.host}:${options.port}\n\n`);
  }
  const report = await runDoctor(context, (results) => {
    if (!options.json) process.stdout.write(formatResults(results));
  });
  process.stdout.write(options.json ? formatJson(report) : formatSummary(report));
  return report.ok ? 0 : 1;
}
