#!/bin/sh
# The dashboard (web/) for `make run` and `make test`:
#   sh scripts/web.sh build   npm ci when package-lock.json changed, next build when anything in
#                             web/ changed (a stamp keyed on a hash of the lock and the sources)
#   sh scripts/web.sh check   build, then type check, lint and unit tests
# Without Node.js it says so in one line and does nothing: ICOP runs without the dashboard.
set -eu
cd "$(dirname "$0")/../web"
mode="${1:-build}"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "web: Node.js (node and npm) is not installed: the dashboard is skipped"
    exit 0
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.icop-lock 2>/dev/null || true)" != "$lock_hash" ]; then
    echo "web: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > node_modules/.icop-lock
fi

sources_hash=$(
    {
        echo "$lock_hash"
        find . \( -path ./node_modules -o -path ./.next -o -path ./test-artefacts \) -prune \
            -o -type f ! -name '*.tsbuildinfo' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    } | sha256sum | cut -d' ' -f1
)
if [ "$(cat .next/.icop-build 2>/dev/null || true)" = "$sources_hash" ]; then
    echo "web: the dashboard's build is up to date"
else
    echo "web: next build"
    NEXT_TELEMETRY_DISABLED=1 npx --no-install next build
    echo "$sources_hash" > .next/.icop-build
fi

if [ "$mode" = "check" ]; then
    npx --no-install tsc --noEmit
    npx --no-install eslint --max-warnings 0 .
    npx --no-install vitest run
fi
