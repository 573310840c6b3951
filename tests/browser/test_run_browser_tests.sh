#!/usr/bin/env bash
# run_browser_tests.sh with a server that fails to start: the script must
# fail and show the server's message (set -e once ended it before that).
# Usage: test_run_browser_tests.sh
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data/lyrics" "$work/data/features"
: > "$work/data/lyrics/songs.jsonl"
: > "$work/data/features/spotify_songs.csv"
# A promptlist whose import and index succeed and whose serve cannot listen.
cat > "$work/promptlist" <<'FAKE'
#!/usr/bin/env bash
if [ "$1" = serve ]; then echo "error: cannot listen on 127.0.0.1:0 (the fake server's reason)" >&2; exit 1; fi
exit 0
FAKE
chmod +x "$work/promptlist"
bash "$here/run_browser_tests.sh" "$work/promptlist" "$work/data" "$work/artifacts" > "$work/out" 2>&1
status=$?
if [ "$status" -eq 0 ]; then echo "FAILED: the script succeeded without a server"; exit 1; fi
if ! grep -q "the fake server's reason" "$work/out"; then
  echo "FAILED: the server's message is not in the output:"
  cat "$work/out"
  exit 1
fi
echo "passed: exit $status, and the server's message is shown"
