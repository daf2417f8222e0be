#!/bin/sh
# Debian packages the test suite starts itself: rabbitmq-server (the outbox relay's broker),
# prometheus (scrapes /metrics; promtool checks deploy/prometheus.yml) and chromium (the
# dashboard's browser tests drive it with Playwright: browsers cannot be downloaded here) with
# fonts-nanum for its Korean pages. Fast when they are
# already there; installs them as root (or with passwordless sudo); otherwise says what to run.
set -eu

missing=""
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] \
    || missing="$missing rabbitmq-server"
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } \
    || missing="$missing prometheus"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
# A Korean font, so that the Korean pages' screenshots show text rather than empty boxes.
{ ! command -v dpkg >/dev/null 2>&1 || dpkg -s fonts-nanum >/dev/null 2>&1; } || missing="$missing fonts-nanum"
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: install$missing with your package manager (tests that need them skip)" >&2
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "system-deps: run as root:  apt-get install -y --no-install-recommends$missing" >&2
    echo "system-deps: (the tests that need them skip until then)" >&2
    exit 0
fi
echo "system-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Package lists are refreshed only when the install cannot find the packages.
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 || {
    # A machine without its package mirrors must not fail the build: the tests that need these
    # servers say so and skip.
    { $SUDO apt-get update -qq && $SUDO apt-get install -y --no-install-recommends $missing >/dev/null; } \
        || { echo "system-deps: could not install$missing (the tests that need them skip)" >&2; exit 0; }
}
# Debian starts services on install where it can; the tests run their own instances.
for service in rabbitmq-server prometheus; do
    if command -v service >/dev/null 2>&1; then
        $SUDO service "$service" stop >/dev/null 2>&1 || true
    fi
done
