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
source "$(dirname "$0")/apt.sh"

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
apt_install webgpu.sh "${missing[@]}"
