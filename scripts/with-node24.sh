#!/usr/bin/env bash
# Runs a command with the Node 24 that `npm run setup` fetched first on PATH,
# so npm, vitest, tsc and the bundled action all run on the runtime that
# action.yml declares (runs.using: node24), whatever Node the machine has.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n "s/^export const NODE_VERSION = '\(.*\)'$/\1/p" "$root/scripts/fetch-node.mjs")"
bin="$root/.cache/node/$version/bin"
if [ ! -x "$bin/node" ]; then
  echo "Node $version is not in .cache/node: run 'npm run setup' first." >&2
  exit 1
fi
export PATH="$bin:$PATH"
exec "$@"
