#!/usr/bin/env bash
# Makes sure the browser test area (test/browser) has a browser: Debian's chromium at
# /usr/bin/chromium (or $TAPEGRAD_CHROMIUM), installed with apt-get when missing. CI runs as root;
# elsewhere sudo is used when it is there and needs no password. Prints the browser's version.
set -euo pipefail
source "$(dirname "$0")/apt.sh"

browser="${TAPEGRAD_CHROMIUM:-/usr/bin/chromium}"
log() { printf 'chromium.sh: %s\n' "$*" >&2; }

if [[ ! -x "$browser" ]]; then
  [[ "$browser" == /usr/bin/chromium ]] || { log "error: TAPEGRAD_CHROMIUM=$browser is not an executable"; exit 1; }
  apt_install chromium.sh chromium
fi
# Debian's wrapper script prints a harmless shell warning on stderr before the version.
"$browser" --version 2>/dev/null
