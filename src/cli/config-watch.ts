// --watch_config: reload when the config file changes, through the same path
// as SIGHUP. The directory is watched, not the file: editors and deploy tools
// save by writing a new file and renaming it over the old one, which ends a
// watch on the old file's inode. Saves come as bursts of events (truncate,
// write, rename), so a reload waits until the file has been quiet a moment.

import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export const CONFIG_WATCH_DEBOUNCE_MS = 300;

/** Calls `onChange` once per burst of changes to `file`; returns a function that stops watching. */
export function watchConfigFile(file: string, onChange: () => void, debounceMs = CONFIG_WATCH_DEBOUNCE_MS): () => void {
  const path = resolve(file);
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
    // Some platforms do not say which file changed: then any change may be ours.
    if (changed !== null && changed.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  // A watch that fails later (the directory is deleted) must not crash the gateway; SIGHUP still works.
  watcher.on('error', () => watcher.close());
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
