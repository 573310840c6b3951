#!/usr/bin/env bash
# Starts 'promptlist serve' on a small real catalog (300 songs of lyrics, a
# slice of the Spotify features) on a free loopback port, runs the Chromium
# tests against it, stops it. Screenshots and downloads go to ARTIFACTS.
# Usage: run_browser_tests.sh PROMPTLIST_BINARY DATA_DIR ARTIFACTS
set -euo pipefail
bin="$1"; data="$2"; artifacts="$3"
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d)
glove="${PROMPTLIST_GLOVE:-${PROMPTLIST_HOME:-$HOME/.local/share/promptlist}/models/glove-6b-100d.plwv}"
export PROMPTLIST_HOME="$work/home" PROMPTLIST_GLOVE="$glove"
server=""
cleanup() {
  local status=$?
  # Whatever failed (the server at start, a test against it), the server's
  # own messages say why.
  if [ "$status" -ne 0 ] && [ -s "$work/serve.log" ]; then
    echo "--- promptlist serve's output ---" >&2
    cat "$work/serve.log" >&2
  fi
  [ -n "$server" ] && kill "$server" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

head -n 300 "$data/lyrics/songs.jsonl" > "$work/songs.jsonl"
head -n 3000 "$data/features/spotify_songs.csv" > "$work/features.csv"
"$bin" import --skip-bad "$work/songs.jsonl" "$work/features.csv" > /dev/null
"$bin" index > /dev/null
"$bin" serve --port 0 > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q "serving http" "$work/serve.log" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || break  # it exited: no use waiting
  sleep 0.1
done
# '|| true': under set -e a grep that finds nothing would end the script
# here, before it says why.
url=$(grep -o "http://127.0.0.1:[0-9]*/" "$work/serve.log" || true)
[ -n "$url" ] || { echo "promptlist serve did not start" >&2; exit 1; }
cd "$here/../.."
node "$here/browser_test.mjs" "$url" "$artifacts"
