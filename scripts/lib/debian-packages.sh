#!/usr/bin/env bash
# Sourced by the setup scripts: ensure_debian_packages PKG... installs the Debian packages that are not
# installed yet (one `apt-get update` when the machine has no package lists, one more and a retry when
# the lists are stale), as root or through sudo. Where it cannot install, it stops and prints the exact
# command to run by hand.

debian_package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    debian_package_installed "$pkg" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "[skip] debian packages ($*) already installed"
    return 0
  fi
  local manual="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: the tests need the Debian packages ${missing[*]} and this machine has no apt-get; install their equivalents by hand" >&2
    return 1
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "setup: the tests need the Debian packages ${missing[*]}; run as root: sudo sh -c '$manual'" >&2
      return 1
    fi
  fi
  local start=$SECONDS
  echo "[....] apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -qq || { echo "setup: apt-get update failed; run: $manual" >&2; return 1; }
  fi
  if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      || { echo "setup: apt-get install failed; run: $manual" >&2; return 1; }
  fi
  echo "[ ok ] debian packages ${missing[*]} ($((SECONDS - start)) s)"
}
