#!/usr/bin/env bash
# Makes sure the browser test area (test/browser) has a browser: Debian's chromium at
# /usr/bin/chromium (or $TAPEGRAD_CHROMIUM), installed with apt-get when missing. CI runs as root;
# elsewhere sudo is used when it is there and needs no password. Prints the browser's version.
set -euo pipefail

browser="${TAPEGRAD_CHROMIUM:-/usr/bin/chromium}"
log() { printf 'chromium.sh: %s\n' "$*" >&2; }

if [[ ! -x "$browser" ]]; then
  [[ "$browser" == /usr/bin/chromium ]] || { log "error: TAPEGRAD_CHROMIUM=$browser is not an executable"; exit 1; }
  if [[ "$(id -u)" == 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    log "error: no $browser, and neither root nor passwordless sudo to install it; run: apt-get install -y chromium"
    exit 1
  fi
  command -v apt-get >/dev/null || { log "error: no $browser and no apt-get; install Chromium and set TAPEGRAD_CHROMIUM"; exit 1; }
  log "installing chromium with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y chromium
fi
# Debian's wrapper script prints a harmless shell warning on stderr before the version.
"$browser" --version 2>/dev/null
