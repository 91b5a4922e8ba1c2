#!/usr/bin/env bash
# Replays the attacks of issue 9, items 1 to 9, against a real kefu built
# from this tree: a full disk (as root, on a small tmpfs), a corrupt FAQ
# index, two processes on one data dir, refresh-token races and logout,
# brute force on one account, login and logout CSRF, memory amplification,
# site silencing and /metrics. Each attack starts its own kefu on a free
# loopback port with a fresh data dir. The last line is "N attacks, M held";
# the script fails unless every attack held.
# Arguments go to kefu-attack: -run 4,5 replays some items, -v shows kefu's
# logs and what was measured, -h says more.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/kefu" ./cmd/kefu
go build -o "$tmp/kefu-attack" ./cmd/kefu-attack
"$tmp/kefu-attack" -kefu "$tmp/kefu" "$@"
