#!/usr/bin/env bash
# The promptlist command as a user runs it: exit codes, messages, files.
# Usage: cli_test.sh PROMPTLIST_BINARY DATA_DIR
set -uo pipefail
bin="$1"
data="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
glove="${PROMPTLIST_GLOVE:-${PROMPTLIST_HOME:-$HOME/.local/share/promptlist}/models/glove-6b-100d.plwv}"
export PROMPTLIST_HOME="$work/home" PROMPTLIST_GLOVE="$glove"
passed=0
failed=0
check() {  # check NAME COMMAND...: the command must succeed
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name"; fi
}

head -n 300 "$data/lyrics/songs.jsonl" > "$work/songs.jsonl"
check "help lists the commands" bash -c "'$bin' --help | grep -q generate"
check "import" bash -c "'$bin' import '$work/songs.jsonl' > '$work/import.txt'"
check "import reports counts" grep -q "300 lines, 300 new" "$work/import.txt"
check "index" bash -c "'$bin' index > '$work/index.txt'"
check "generate --json gives n distinct songs" bash -c "
  '$bin' generate 'Christmas night' -n 5 --json > '$work/p.json' &&
  python3 -c \"import json,sys; d=json.load(open('$work/p.json')); ids=[s['id'] for s in d['songs']]; sys.exit(0 if len(ids)==5 and len(set(ids))==5 else 1)\""
check "generate prints a table" bash -c "'$bin' generate 'the sea' -n 3 | grep -q '^ 3\. '"
check "song shows lyrics" bash -c "id=\$(python3 -c \"import json; print(json.load(open('$work/p.json'))['songs'][0]['id'])\") && '$bin' song \"\$id\" | grep -q ."
# A read-only home (a read-only mount; root ignores file modes, so a
# read-only bind in a private mount namespace, where one may be made):
# commands that only read work, an import says the folder is not writable.
read_only_home() {  # read_only_home COMMAND...: COMMAND sees $PROMPTLIST_HOME read-only
  unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
    sh "$PROMPTLIST_HOME" "$@"
}
export -f read_only_home
if read_only_home sh -c "! touch '$PROMPTLIST_HOME/.probe'" 2> /dev/null; then
  check "generate on a read-only home" bash -c "read_only_home '$bin' generate 'the sea' -n 3 | grep -q '^ 3\. '"
  check "info on a read-only home" bash -c "read_only_home '$bin' info | grep -q '300 with lyrics'"
  check "import on a read-only home says why not" bash -c "
    ! read_only_home '$bin' import '$work/songs.jsonl' 2> '$work/err' && grep -q 'is not writable' '$work/err'"
else
  echo "skipped: the read-only home checks (no private mount namespace here)"
fi

# Updates: a removed song leaves the index, and nothing unchanged is embedded again.
check "remove of an unknown id removes nothing and says so" bash -c "
  ! '$bin' remove 'no/such-song' 2> '$work/err' && grep -q 'no song with id no/such-song' '$work/err'"
check "remove" bash -c "'$bin' remove \"\$(head -n 1 '$work/songs.jsonl' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"id\"])')\" | grep -q 'removed 1 songs'"
check "index after a removal embeds nothing and drops the song's chunks" bash -c "
  '$bin' index > '$work/update.txt' && grep -q 'embedded 0 new or changed, kept [0-9]* from the last index, dropped [1-9]' '$work/update.txt'"
check "index --full embeds everything again" bash -c "'$bin' index --full > '$work/full.txt' && ! grep -q 'kept' '$work/full.txt'"

# A sentence-transformers folder (the reference's tiny BERT) end to end.
ref="$(dirname "$data")/reference"
check "index --model" bash -c "'$bin' index --model '$ref/bert-tiny' | grep -q 'st:bert-tiny/'"
check "generate --model" bash -c "
  '$bin' generate 'the sea' --model '$ref/bert-tiny' --by lyrics -n 5 --json > '$work/t.json' &&
  python3 -c \"import json,sys; d=json.load(open('$work/t.json')); ids=[s['id'] for s in d['songs']]; sys.exit(0 if len(set(ids))==5 else 1)\""
tiny_index=$(ls "$PROMPTLIST_HOME"/index-bert-tiny-*.plvi)
check "an index of another model is refused" bash -c "! '$bin' generate 'the sea' --model '$ref/bert-tiny-f16' --index '$tiny_index' 2> '$work/err' && grep -q 'built by model' '$work/err'"
check "model check names the problem" bash -c "! '$bin' model check '$work' 2> '$work/err' && grep -q 'config.json: missing' '$work/err'"

# Sound: a slice of the real feature catalog.
head -n 3000 "$data/features/spotify_songs.csv" > "$work/features.csv"
check "import features" bash -c "'$bin' import --skip-bad '$work/features.csv' | grep -q '2999 lines'"
check "features prints the target as JSON" bash -c "
  '$bin' features 'calm acoustic songs at 80 bpm' > '$work/f.json' &&
  python3 -c \"import json,sys; f=json.load(open('$work/f.json'))['features']; sys.exit(0 if f['tempo']['value']==80 and f['acousticness']['source']=='stated' else 1)\""
check "generate --by sound" bash -c "
  '$bin' generate 'calm acoustic songs' --by sound -n 5 --json > '$work/s.json' &&
  python3 -c \"import json,sys; d=json.load(open('$work/s.json')); sys.exit(0 if len(d['songs'])==5 and all(s['sound'] for s in d['songs']) else 1)\""
check "an override sets the target" bash -c "'$bin' generate 'calm songs' --by sound --tempo 120 -n 3 --json | grep -q '\"set by you\"'"
check "an override out of range is refused" bash -c "! '$bin' generate 'x' --energy 2 2> '$work/err' && grep -q 'energy' '$work/err'"
check "--by sound without sound words is a clear error" bash -c "! '$bin' generate 'the sea' --by sound 2> '$work/err' && grep -q 'says nothing about how the music should sound' '$work/err'"
check "index learns the sound and the track texts" bash -c "'$bin' index > '$work/index2.txt' && grep -q 'learned the sound' '$work/index2.txt' && grep -q 'indexed the titles' '$work/index2.txt'"
check "index --if-stale leaves what is current" bash -c "'$bin' index --if-stale > '$work/stale.txt' && grep -q 'already indexed' '$work/stale.txt' && ! grep -q 'learned the sound\|indexed the titles' '$work/stale.txt'"
{ head -n 1 "$data/features/spotify_songs.csv"; sed -n '3001,3500p' "$data/features/spotify_songs.csv"; } > "$work/more.csv"
check "import more features" bash -c "'$bin' import --skip-bad '$work/more.csv' > /dev/null"
check "a changed catalog says the sound model and track texts are stale" bash -c "
  '$bin' generate 'calm acoustic songs' -n 3 2> '$work/warn' > /dev/null &&
  grep -q 'since the sound model was learned' '$work/warn' && grep -q 'since the track text index was built' '$work/warn'"
check "index --if-stale relearns them" bash -c "'$bin' index --if-stale > '$work/stale.txt' && grep -q 'learned the sound' '$work/stale.txt' && grep -q 'indexed the titles' '$work/stale.txt'"
check "and then nothing is stale" bash -c "'$bin' generate 'calm acoustic songs' -n 3 2> '$work/warn' > /dev/null && ! grep -q 'since the' '$work/warn'"

# Bad input: a clear message and a non-zero exit, nothing changed.
check "empty prompt is refused" bash -c "! '$bin' generate '  ' 2> '$work/err' && grep -q 'prompt is empty' '$work/err'"
check "huge prompt is refused" bash -c "! '$bin' generate \"\$(head -c 5000 /dev/zero | tr '\\0' a)\" 2> '$work/err' && grep -q 'longer than' '$work/err'"
check "n out of range is refused" bash -c "! '$bin' generate 'x' -n 0 2> '$work/err' && grep -q 'between 1 and' '$work/err'"
cp "$PROMPTLIST_HOME/catalog.db" "$work/before.db"
printf '%s\n{"id": "x/1", "title": "T"}\n' "$(head -n 1 "$data/lyrics/songs.jsonl" | sed 's/"id": "[^"]*"/"id": "x\/0"/')" > "$work/bad.jsonl"
check "bad file names file and line" bash -c "! '$bin' import '$work/bad.jsonl' 2> '$work/err' && grep -q 'bad.jsonl:2: field .verses. is missing' '$work/err'"
check "bad file leaves the catalog as it was" bash -c "'$bin' song x/0 2>&1 | grep -q \"no song with id 'x/0'\""
check "--skip-bad imports the rest" bash -c "'$bin' import --skip-bad '$work/bad.jsonl' | grep -q '1 skipped'"
idx="$PROMPTLIST_HOME/index-glove.plvi"
check "stale index warns" bash -c "'$bin' generate 'the sea' -n 1 2>&1 >/dev/null | grep -q 'catalog changed'"
printf 'garbage' | dd of="$idx" bs=1 seek=4000 conv=notrunc status=none
check "corrupted index is refused" bash -c "! '$bin' generate 'the sea' 2> '$work/err' && grep -q 'checksum mismatch' '$work/err'"
check "missing model is a clear error" bash -c "! PROMPTLIST_GLOVE=/nonexistent '$bin' index 2> '$work/err' && grep -q 'word vectors are missing' '$work/err'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
