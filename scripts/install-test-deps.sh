#!/usr/bin/env bash
# What the tests need beyond the Python packages: Debian's Chromium for the
# end-to-end tests (never a browser downloaded by a test tool).
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium package for the end-to-end tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
  echo "warning: chromium is missing and cannot be installed here (needs root and apt-get);" >&2
  echo "         install it with your package manager to run the end-to-end tests" >&2
fi
