#!/usr/bin/env node
// The published entry point: the compiled CLI (built by `npm ci` through `prepare`).
// Plain JavaScript that any Node parses, so that an old Node gets one clear line first.
const REQUIRED = [22, 18];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1])) {
  process.stderr.write(`genrf-collector: Node.js ${REQUIRED.join('.')} or newer is required (24 recommended); this is Node.js ${process.versions.node}. Run: source scripts/ensure-node.sh\n`);
  process.exit(1);
}
await import('../dist/cli/main.js');
