# Sourced by the scripts/ci/*.sh that install Debian packages a test area needs.
#   apt_install NAME PACKAGE...   installs the packages with apt-get as root, or with sudo where it
#                                 needs no password; otherwise prints the command to run and fails.
# NAME prefixes the messages (e.g. chromium.sh).
apt_install() {
  local name=$1; shift
  local as_root
  if [[ "$(id -u)" == 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    printf '%s: error: %s missing, and neither root nor passwordless sudo to install it; run: apt-get install -y %s\n' "$name" "$*" "$*" >&2
    return 1
  fi
  command -v apt-get >/dev/null || { printf '%s: error: %s missing and no apt-get\n' "$name" "$*" >&2; return 1; }
  printf '%s: installing %s with apt-get\n' "$name" "$*" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y "$@"
}
