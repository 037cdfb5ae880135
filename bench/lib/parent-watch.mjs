// Preloaded into Switchyard (`node --import …/parent-watch.mjs dist/switchyard.js`)
// so that it exits if the harness dies without stopping it (SIGKILL, crash).
// One ppid check a second, unref'd: nothing on the request path.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
