#!/usr/bin/env bash
# Debian packages the test suite needs and pip cannot bring: bubblewrap (the code sandbox).
set -euo pipefail
need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
if (( ${#need[@]} )); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "system-packages.sh: missing ${need[*]}: apt-get install ${need[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${need[@]}" >&2
fi
bwrap --version >&2
