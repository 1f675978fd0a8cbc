#!/usr/bin/env bash
# Prepares a real VS Code (the one shipped by the npm package code-server) for the extension's tests:
# installs the Debian packages it needs, then fetches and builds code-server into a git-ignored cache.
#
# Usage: bash scripts/code-server/setup.sh
#   CODE_SERVER_CACHE    cache folder (default <repo>/.cache; test/vscode/workbench.ts reads the same variable)
#
# Idempotent: every step leaves a stamp file and is skipped when its stamp exists; a finished install
# leaves .setup-complete and a second run returns in well under a second. Needs only the Debian archive
# and the npm registry (no GitHub downloads: ripgrep comes from Debian). Runs as root or with sudo.
set -euo pipefail

VERSION="4.100.3" # VS Code 1.100.3; keep in step with CODE_SERVER_VERSION in test/vscode/workbench.ts
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${CODE_SERVER_CACHE:-$REPO_ROOT/.cache}"
INSTALL_DIR="$CACHE_DIR/code-server-$VERSION"
STAMPS="$INSTALL_DIR/.setup-stamps"
COMPLETE="$INSTALL_DIR/.setup-complete"

SCRIPT_START=$(date +%s.%N)
CURRENT_STEP="start"

FAIL_REPORTED=0
fail() {
  echo "code-server setup: FAILED during step '$CURRENT_STEP': $*" >&2
  FAIL_REPORTED=1
  exit 1
}
trap 'rc=$?; if [ $rc -ne 0 ] && [ "$FAIL_REPORTED" = 0 ]; then echo "code-server setup: FAILED during step '"'"'$CURRENT_STEP'"'"' (exit $rc). Re-run this script after fixing the cause; finished steps are skipped." >&2; fi' EXIT

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# run_step NAME COMMAND... : runs COMMAND once (stamp file), prints its duration.
run_step() {
  local name="$1"
  shift
  CURRENT_STEP="$name"
  if [ -f "$STAMPS/$name" ]; then
    echo "[skip] $name (done before)"
    return 0
  fi
  local start
  start=$(date +%s.%N)
  echo "[....] $name"
  "$@"
  mkdir -p "$STAMPS"
  touch "$STAMPS/$name"
  echo "[ ok ] $name ($(elapsed "$start") s)"
}

# --- 0. fast path -------------------------------------------------------------------------------
if [ -f "$COMPLETE" ] && [ -f "$INSTALL_DIR/out/node/entry.js" ] && command -v chromium >/dev/null 2>&1 \
  && [ -x "$INSTALL_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
  echo "code-server $VERSION is ready in $INSTALL_DIR (setup done before; delete that folder to redo it)"
  exit 0
fi

# --- 1. prerequisites ---------------------------------------------------------------------------
CURRENT_STEP="check node"
command -v node >/dev/null 2>&1 || fail "node is not on PATH (code-server $VERSION needs Node 20)"
command -v npm >/dev/null 2>&1 || fail "npm is not on PATH"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" = "20" ] || fail "code-server $VERSION needs Node 20 (its native modules are built for it); found $(node --version)"
echo "node $(node --version), npm $(npm --version), cache $CACHE_DIR"

# Native modules are built with node-gyp. When this Node installation ships its headers
# (<prefix>/include/node/node.h), point node-gyp at them so it does not download them.
NODE_PREFIX="$(cd "$(dirname "$(node -p 'process.execPath')")/.." && pwd)"
if [ -f "$NODE_PREFIX/include/node/node.h" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi

CURRENT_STEP="debian packages"
# libkrb5-dev: kerberos native module; ripgrep: VS Code search (replaces the GitHub download of
# @vscode/ripgrep); chromium: the browser Playwright drives; build tools and python3: node-gyp.
# shellcheck source=../lib/debian-packages.sh
. "$REPO_ROOT/scripts/lib/debian-packages.sh"
NEEDED=(libkrb5-dev ripgrep chromium python3)
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || NEEDED+=(build-essential)
ensure_debian_packages "${NEEDED[@]}" || fail "the Debian packages ${NEEDED[*]} could not be installed (see above)"
RG="$(command -v rg || true)"
[ -n "$RG" ] || fail "ripgrep (rg) is not on PATH after installing it"
command -v chromium >/dev/null 2>&1 || fail "chromium is not on PATH after installing it"

# --- 2. fetch and unpack ------------------------------------------------------------------------
mkdir -p "$CACHE_DIR"
fetch_and_unpack() {
  local tmp="$CACHE_DIR/.code-server-$VERSION.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (cd "$tmp" && npm pack "code-server@$VERSION" --silent >/dev/null) || fail "npm pack code-server@$VERSION failed"
  local tgz="$tmp/code-server-$VERSION.tgz"
  [ -f "$tgz" ] || fail "npm pack did not produce $tgz"
  mkdir -p "$tmp/pkg"
  tar -xzf "$tgz" -C "$tmp/pkg" --strip-components=1 || fail "could not unpack $tgz"
  [ -f "$tmp/pkg/out/node/entry.js" ] || fail "unexpected package layout: out/node/entry.js is missing"
  rm -rf "$INSTALL_DIR"
  mv "$tmp/pkg" "$INSTALL_DIR"
  rm -rf "$tmp"
}
CURRENT_STEP="fetch"
if [ -f "$INSTALL_DIR/out/node/entry.js" ] && [ -f "$STAMPS/fetch" ]; then
  echo "[skip] fetch (code-server $VERSION already unpacked)"
else
  FETCH_START=$(date +%s.%N)
  echo "[....] fetch code-server@$VERSION"
  fetch_and_unpack
  mkdir -p "$STAMPS"
  touch "$STAMPS/fetch"
  echo "[ ok ] fetch ($(elapsed "$FETCH_START") s)"
fi

# --- 3. install and build -----------------------------------------------------------------------
VSCODE_DIR="$INSTALL_DIR/lib/vscode"
[ -d "$VSCODE_DIR" ] || fail "$VSCODE_DIR is missing"

NPM_QUIET=(--no-audit --no-fund --loglevel=error)

run_step vscode-install bash -c 'cd "$1" && shift && npm install --omit=dev --ignore-scripts "$@"' _ "$VSCODE_DIR" "${NPM_QUIET[@]}"
# node-pty's postinstall runs `npx node-gyp configure` (to write compile_commands.json); let npx fetch
# node-gyp from the registry without prompting even where a user npmrc says `yes=false`.
run_step vscode-rebuild bash -c 'cd "$1" && shift && npm_config_yes=true npm rebuild node-pty @vscode/spdlog kerberos native-watchdog @vscode/deviceid @parcel/watcher "$@"' _ "$VSCODE_DIR" "${NPM_QUIET[@]}"
copy_ripgrep() {
  local dest="$VSCODE_DIR/node_modules/@vscode/ripgrep/bin"
  [ -d "$VSCODE_DIR/node_modules/@vscode/ripgrep" ] || fail "@vscode/ripgrep is not installed in $VSCODE_DIR"
  mkdir -p "$dest"
  cp "$RG" "$dest/rg"
  chmod 755 "$dest/rg"
}
run_step ripgrep copy_ripgrep
run_step extensions-install bash -c 'cd "$1" && shift && npm install --omit=dev "$@"' _ "$VSCODE_DIR/extensions" "${NPM_QUIET[@]}"
run_step root-install bash -c 'cd "$1" && shift && npm install --omit=dev --ignore-scripts "$@"' _ "$INSTALL_DIR" "${NPM_QUIET[@]}"
run_step argon2-rebuild bash -c 'cd "$1" && shift && npm rebuild argon2 --build-from-source "$@"' _ "$INSTALL_DIR" "${NPM_QUIET[@]}"

# --- 4. verify ----------------------------------------------------------------------------------
CURRENT_STEP="verify"
verify() {
  # Every native module the server loads must load under this Node.
  (cd "$VSCODE_DIR" && node -e '
    for (const m of ["node-pty", "@vscode/spdlog", "kerberos", "native-watchdog", "@vscode/deviceid", "@parcel/watcher"]) {
      try { require(m); } catch (e) { console.error(`cannot load ${m}: ${e.message}`); process.exit(1); }
    }') || fail "a native module of lib/vscode does not load"
  (cd "$INSTALL_DIR" && node -e 'require("argon2")') || fail "argon2 does not load"
  "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg" --version >/dev/null || fail "the copied rg does not run"
  node "$INSTALL_DIR/out/node/entry.js" --version >/dev/null 2>&1 || fail "code-server does not start (node out/node/entry.js --version)"
}
verify
touch "$COMPLETE"
CURRENT_STEP="done"
echo "code-server $VERSION ($(node "$INSTALL_DIR/out/node/entry.js" --version 2>/dev/null | head -1)) is ready in $INSTALL_DIR — setup took $(elapsed "$SCRIPT_START") s"
