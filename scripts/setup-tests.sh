#!/usr/bin/env bash
# Installs what the test suite needs beyond `npm ci`, skipping what is present (run by `npm test`'s pretest):
# - python3-torch: PyTorch (CPU) for /usr/bin/python3, the independent reference of the optimizer tests;
# - chromium: the browser that renders the webview and drives VS Code (playwright-core);
# - fonts-wqy-microhei: a CJK font, so the Simplified Chinese screenshots show characters, not boxes;
# - code-server 4.100.3, the real VS Code of the extension-host, UI and .vsix tests, with the Debian
#   packages it needs (scripts/code-server/setup.sh).
# Runs as root or with passwordless sudo; otherwise it stops and prints the command to run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/debian-packages.sh
. "$here/lib/debian-packages.sh"

# One apt-get run for everything: the packages above, and those code-server's setup needs (it checks again).
packages=(python3 python3-torch chromium fonts-wqy-microhei libkrb5-dev ripgrep)
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || packages+=(build-essential)
ensure_debian_packages "${packages[@]}"
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "setup: python3-torch is installed but 'import torch' fails in /usr/bin/python3" >&2; exit 1; }
bash "$here/code-server/setup.sh"
