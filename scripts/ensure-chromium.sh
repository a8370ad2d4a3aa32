#!/usr/bin/env bash
# Install Debian's Chromium and one CJK font when missing (the browser tests drive them with Playwright).
# Idempotent; runs non-interactively as root (CI=true, no stdin). Never runs `playwright install`:
# Playwright talks to Debian's /usr/bin/chromium over its own pipe.
set -euo pipefail
FONT_PACKAGE=fonts-wqy-microhei   # exactly one CJK font, so screenshots keep the same metrics everywhere
missing=()
command -v chromium > /dev/null || missing+=(chromium)
dpkg-query -W -f='${Status}' "$FONT_PACKAGE" 2> /dev/null | grep -q "ok installed" || missing+=("$FONT_PACKAGE")
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
