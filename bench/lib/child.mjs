// Shared by the target processes the harness starts.

/** `--port N` (default 0: the OS picks a free port). */
export function argPort(argv = process.argv) {
  return Number(argValue('--port', argv) ?? 0);
}

export function argValue(name, argv = process.argv) {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
}

/**
 * Exits on SIGTERM/SIGINT, and when stdin reaches its end: the harness keeps a
 * pipe open to each child, so a harness that dies (even by SIGKILL) takes its
 * children with it.
 */
export function exitWithParent(close) {
  const exit = () => {
    try { close?.(); } catch { /* exiting anyway */ }
    process.exit(0);
  };
  process.once('SIGTERM', exit);
  process.once('SIGINT', exit);
  if (!process.stdin.isTTY) {
    process.stdin.on('end', exit);
    process.stdin.on('error', exit);
    process.stdin.resume();
  }
}
