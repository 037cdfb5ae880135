import { createServer } from 'node:net';

/** Whether `host:port` can be bound right now (binds and releases at once). */
export function canListen(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** The first free port after `port` (up to `attempts` tries), to suggest instead of a taken one. */
export async function nextFreePort(host: string, port: number, attempts = 10): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(65535, port + attempts); candidate++) {
    if ((await canListen(host, candidate)) === undefined) return candidate;
  }
  return undefined;
}
