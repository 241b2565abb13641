#!/usr/bin/env bash
# Makes sure the webgpu test area (test/webgpu) has an adapter on a machine without a GPU: Dawn's
# OpenGL ES backend (npm `webgpu`) runs on Mesa's software llvmpipe through EGL. Installs the
# Debian packages it needs with apt-get when missing. CI runs as root; elsewhere sudo is used when
# it is there and needs no password.
#   libegl1 + libegl-dev  libEGL.so: Dawn dlopens the unversioned name, which only libegl-dev ships
#   libegl-mesa0          Mesa's EGL (surfaceless platform)
#   libgl1-mesa-dri       llvmpipe (swrast_dri.so)
#   libgles2              the GLES entry points
set -euo pipefail

packages=(libegl1 libegl-dev libegl-mesa0 libgl1-mesa-dri libgles2)
log() { printf 'webgpu.sh: %s\n' "$*" >&2; }

command -v dpkg-query >/dev/null || { log "no dpkg-query: not Debian; install Mesa's EGL, GLES and llvmpipe yourself"; exit 0; }
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  log "Mesa EGL / GLES / llvmpipe present"
  exit 0
fi
if [[ "$(id -u)" == 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  log "error: missing ${missing[*]}, and neither root nor passwordless sudo to install them; run: apt-get install -y ${missing[*]}"
  exit 1
fi
command -v apt-get >/dev/null || { log "error: missing ${missing[*]} and no apt-get"; exit 1; }
log "installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
