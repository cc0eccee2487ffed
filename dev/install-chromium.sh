#!/usr/bin/env bash
# Installs Debian's chromium for the website's browser tests (driven by playwright-core at
# /usr/bin/chromium; `npx playwright install` cannot fetch browsers here). Idempotent.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install-chromium: no apt-get; install Chromium so that /usr/bin/chromium runs it" >&2
  exit 1
fi
echo "install-chromium: chromium from Debian"
sudo=""
[[ "$(id -u)" -eq 0 ]] || sudo="sudo"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version 2>/dev/null | head -n 1
