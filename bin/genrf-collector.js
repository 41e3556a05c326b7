#!/usr/bin/env node
// The published entry point: the compiled CLI (built by `npm ci` through `prepare`).
// Plain JavaScript that any Node parses, so that an old Node gets one clear line first.
const REQUIRED = [22, 18];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1])) {
  process.stderr.write(`genrf-collector: Node.js ${REQUIRED.join('.')} or newer is required (24 recommended); this is Node.js ${process.versions.node}. Run: source scripts/ensure-node.sh\n`);
  process.exit(1);
}

// `run` starts the daemon with the V8 heap setting measured for it (issue 15, see
// docs/decisions.md): a 64 MiB initial old generation. With V8's default, a full collection
// starts whenever the old generation's headroom is smaller than the young generation, which on
// this daemon's ~20 MiB heap is almost always. V8 reads it only from the command line, so the
// process replaces itself once, same PID, with it added. A flag given on the command line or
// in NODE_OPTIONS wins; GENRF_V8_TUNING=off keeps V8's defaults.
const TUNING = ['--initial-old-space-size=64'];

const name = (flag) => flag.split('=')[0].replaceAll('_', '-');
const given = new Set([...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].map(name));
const missing = TUNING.filter((f) => !given.has(name(f)));
if (process.argv[2] === 'run' && missing.length > 0 && process.env.GENRF_V8_TUNING !== 'off' && process.platform !== 'win32' && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], process.env);
}
await import('../dist/cli/main.js');
