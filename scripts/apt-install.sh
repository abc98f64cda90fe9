#!/usr/bin/env bash
# `bash scripts/apt-install.sh WHO PACKAGE...`: installs the packages with the OS package manager (apt-get,
# as root or through sudo); without apt-get, says what to install and fails. WHO names the caller in messages.
set -euo pipefail
who="$1"
shift
[ "$#" -gt 0 ] || exit 0
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
else
  echo "$who: please install $* with your package manager (brew, dnf, pacman, ...)" >&2
  exit 1
fi
