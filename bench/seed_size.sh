#!/usr/bin/env bash
# Time `lvzhi seed` on a fresh embedded SQLite database and print what it built.
#   bench/seed_size.sh [DEPUTIES] [extra seed options…]     e.g. bench/seed_size.sh 20000 --province
# The command's own line ("Seeded … in N s") times the build; `time` adds migrating the new database.
set -euo pipefail
deputies=${1:-20000}
shift || true
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export LVZHI_HOME=$home
unset DATABASE_URL
time lvzhi seed --deputies "$deputies" --no-progress "$@"
echo "database: $(du -sm "$home" | cut -f1) MiB"
