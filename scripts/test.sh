#!/usr/bin/env bash
# Runs every check and test of kefu, exactly as CI does:
#   1. installs missing test tools (scripts/install-test-deps.sh)
#   2. gofmt: fails if any file is not formatted
#   3. go vet ./...
#   4. docker-compose.yml is valid (docker-compose config)
#   5. go test ./... with GOTESTFLAGS (default: -race -timeout 15m)
#   6. scripts/attack.sh: replays issue 9's attacks against a real kefu
#      process and fails unless every one held
# GOTESTFLAGS=-short ./scripts/test.sh runs the tests without -race.
set -euo pipefail
cd "$(dirname "$0")/.."

GOTESTFLAGS=${GOTESTFLAGS:--race -timeout 15m}
export KEFU_E2E_REQUIRED=1 # step 1 installs Chromium, so the browser tests must not skip

step() { printf '\n==> %s\n' "$*"; }

step "test dependencies"
./scripts/install-test-deps.sh

step "gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "these files need gofmt -w:" >&2
	echo "$unformatted" >&2
	exit 1
fi

step "go vet ./..."
go vet ./...

step "docker-compose config"
docker-compose -f docker-compose.yml config -q

step "go test $GOTESTFLAGS ./..."
# shellcheck disable=SC2086 # GOTESTFLAGS is a list of flags
go test $GOTESTFLAGS ./...

step "attacks against a real kefu (scripts/attack.sh)"
./scripts/attack.sh
