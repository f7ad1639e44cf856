#!/usr/bin/env bash
# Debian packages the app needs outside Python, checked on every `make setup` (a few ms when present):
#   fonts-noto-cjk       Chinese glyphs in PDFs and in browser screenshots
#   poppler-utils        pdftotext / pdffonts / pdftoppm, used by tests to read generated PDFs
#   libharfbuzz-subset0  WeasyPrint font subsetting (without it a CJK page takes ~9 s instead of 0.2 s)
#   libpango-1.0-0, libpangoft2-1.0-0   WeasyPrint's text layout
#   chromium             /usr/bin/chromium for Playwright e2e tests (no `playwright install` here)
# Missing ones are installed when we are root with apt-get; otherwise the command to run is printed and
# setup goes on (tests that need a package skip or fail with their own message). Under CI=true a failed
# install is an error, so CI never runs on a half-installed machine.
set -uo pipefail

PACKAGES=(fonts-noto-cjk poppler-utils libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 chromium)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "system-packages: missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-packages: not root (or no apt-get); please run:"
    echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Wait (up to 10 min) for another apt/dpkg run to release its lock instead of failing at once.
APT=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
if "${APT[@]}" update && "${APT[@]}" install -y "${missing[@]}"; then
    exit 0
fi
echo "system-packages: apt-get install failed; run by hand: apt-get install -y ${missing[*]}" >&2
if [ "${CI:-}" = "true" ]; then exit 1; fi
exit 0
