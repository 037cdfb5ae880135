// Flowchart "Connection Refused → Check Port Binding", the start-up half: can
// Switchyard listen where it will be started? A port held by a running
// Switchyard is not a fault (doctor may be run next to it); one held by another
// process is.

import { listenError } from '../../diagnostics/listen-error.js';
import { canListen } from '../../diagnostics/free-port.js';
import { CATALOG } from '../../errors/catalog.js';
import type { Check } from '../types.js';

const PROBE_TIMEOUT_MS = 1500;

export const portCheck: Check = {
  id: 'port',
  async run(context) {
    const { host, port } = context.options;
    const at = `${host}:${port}`;
    const err = await canListen(host, port);
    if (err === undefined) return [{ id: 'port', status: 'pass', message: `${at} is free` }];
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
      return [{ id: 'port', status: 'skip', message: `${at} not tried: the host is not an address of this machine (see the host check)` }];
    }
    if (err.code === 'EADDRINUSE') {
      const running = await probeGateway(host, port);
      if (running !== undefined) {
        return [{ id: 'port', status: 'warn', code: 'port_in_use', message: `${at} is in use by a running ${running} (answers /health/liveliness); stop it before starting another, or use another --port` }];
      }
    }
    // The error's first line says what holds the port; the lines after it are what to do.
    const error = await listenError(err, host, port);
    const [what = error.message, ...todo] = error.message.split('\n');
    return [{ id: 'port', status: 'fail', code: error.code, message: what, fix: todo.length > 0 ? todo.join('; ') : CATALOG[error.code].fix }];
  },
};

/** "Switchyard 0.1.0" or "LiteLLM-compatible gateway" when something answers the liveness probe, else undefined. */
async function probeGateway(host: string, port: number): Promise<string | undefined> {
  const base = `http://${connectHost(host)}:${port}`;
  try {
    const alive = await fetch(`${base}/health/liveliness`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await alive.body?.cancel();
    if (!alive.ok) return undefined;
    // Switchyard's root names itself (and needs no key); LiteLLM's does not.
    const root = await fetch(`${base}/`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = (await root.json().catch(() => undefined)) as { name?: unknown; version?: unknown } | undefined;
    return body?.name === 'switchyard' ? `Switchyard ${String(body.version ?? '')}`.trim() : 'LiteLLM-compatible gateway';
  } catch {
    return undefined;
  }
}

/** Where to connect to reach a server bound to `host`. */
function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
