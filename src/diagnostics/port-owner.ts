// Who holds a TCP port, for "port in use" messages. Linux exposes it without
// extra tools (/proc); elsewhere the OS needs lsof/netstat, whose output we do
// not parse: the user gets the command instead. Always best-effort and bounded,
// because it runs on the way to an error message.

import { readdir, readFile, readlink } from 'node:fs/promises';

export interface PortOwner {
  pid: number;
  /** The process name (`/proc/<pid>/comm`), when readable. */
  name: string | undefined;
}

const LISTEN_STATE = '0A';
const DEFAULT_BUDGET_MS = 1500;

/**
 * The process listening on `port`, or undefined when the OS does not tell
 * (not Linux, another user's process, or the budget ran out).
 */
export async function findPortOwner(port: number, budgetMs = DEFAULT_BUDGET_MS): Promise<PortOwner | undefined> {
  if (process.platform !== 'linux') return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), budgetMs);
  });
  try {
    return await Promise.race([findOnLinux(port), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The command that shows the owner on this OS, for when `findPortOwner` cannot. */
export function portOwnerCommand(port: number, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `netstat -ano | findstr :${port}`;
  if (platform === 'linux') return `ss -ltnp 'sport = :${port}'`;
  return `lsof -nP -iTCP:${port} -sTCP:LISTEN`;
}

/** How to stop the owner on this OS. */
export function killCommand(pid: number, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `taskkill /PID ${pid} /F` : `kill ${pid}`;
}

/** "PID 1234 (node)" or "PID 1234". */
export function describeOwner(owner: PortOwner): string {
  return owner.name === undefined ? `PID ${owner.pid}` : `PID ${owner.pid} (${owner.name})`;
}

async function findOnLinux(port: number): Promise<PortOwner | undefined> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const inode of listeningInodes(text, port)) inodes.add(inode);
  }
  if (inodes.size === 0) return undefined;

  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    // Other users' fd folders are unreadable without root; skip them quietly.
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) {
        const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
        return { pid: Number(pid), name: name || undefined };
      }
    }
  }
  return undefined;
}

/**
 * Socket inodes listening on `port` in a /proc/net/tcp{,6} table. Columns:
 * `sl local_address rem_address st … uid timeout inode`, the local port in hex.
 */
export function listeningInodes(table: string, port: number): string[] {
  const found: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || fields[3] !== LISTEN_STATE) continue;
    const hexPort = local.slice(local.lastIndexOf(':') + 1);
    const inode = fields[9];
    if (Number.parseInt(hexPort, 16) === port && inode !== undefined && inode !== '0') found.push(inode);
  }
  return found;
}
