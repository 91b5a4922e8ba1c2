#!/usr/bin/env bash
# Installs what kefu's tests need that Go does not bring, only when missing:
#   chromium            headless browser for the e2e tests (chromedp)
#   fonts-wqy-microhei  CJK glyphs, so Chinese renders in the browser tests
#   docker-compose      to check docker-compose.yml
#   gcc, libc6-dev      cgo, which go test -race needs
# It uses apt-get (Debian, Ubuntu), through sudo when not root.
set -euo pipefail

missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' || missing+=("$1"); }

need_cmd chromium chromium
need_pkg fonts-wqy-microhei
need_cmd docker-compose docker-compose
need_cmd gcc gcc
need_pkg libc6-dev

if [ ${#missing[@]} -eq 0 ]; then
	echo "test deps: all present"
	exit 0
fi

echo "test deps: installing ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
	echo "test deps: apt-get not found; install these yourself: ${missing[*]}" >&2
	exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "test deps: not root and no sudo; install these as root: ${missing[*]}" >&2
		exit 1
	fi
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
echo "+ apt-get update"
"${sudo[@]}" apt-get update -qq
echo "+ apt-get install -y ${missing[*]}"
"${sudo[@]}" apt-get install -y -qq "${missing[@]}"
