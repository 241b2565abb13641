#!/usr/bin/env bash
# The whole suite again on the current Node LTS (the version pinned in node.sh) with pnpm 12, in a
# clone of the committed tree outside the repository (so the repository's own node_modules, built
# by the pinned pnpm 10 on Node 20, stay as they are).
set -euo pipefail
cd "$(dirname "$0")/../.."
PNPM=pnpm@12.24.0

bin="$(bash scripts/ci/node.sh)"
export PATH="$bin:$PATH"
echo "== Node $(node --version), $PNPM"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/tapegrad-node26.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
git clone -q --no-hardlinks . "$tmp/repo"
cd "$tmp/repo"

t0=$SECONDS
npx -y "$PNPM" install --frozen-lockfile
echo "install ($PNPM, Node $(node --version)): $((SECONDS - t0)) s"
npx -y "$PNPM" test
