#!/usr/bin/env bash
# Runs one real-model check (check_tokenizer.py or check_reference.py) on
# HOME/models/all-MiniLM-L6-v2 with Debian's python3; build/python of the
# source tree (whichever build tree runs this) holds the PyPI tools setup.sh
# installs. Exit 77 (skipped) where the model is absent, except in CI.
#   run_check.sh tokenizer|reference TOOL SHARED_DIR BUILD_DIR
set -euo pipefail
check="$1" tool="$2" shared="$3" build="$4"
here="$(cd "$(dirname "$0")" && pwd)"
home="${PROMPTLIST_HOME:-$HOME/.local/share/promptlist}"
model="$home/models/all-MiniLM-L6-v2"
data="${PROMPTLIST_DATA:-$shared/data}"
if [ ! -f "$model/model.safetensors" ]; then
  echo "all-MiniLM-L6-v2 is not in $home/models (./setup.sh adds it)"
  if [ -n "${CI:-}" ] && [ "${CI}" != "false" ]; then exit 1; fi
  exit 77
fi
work="$build/test-scratch/real-model-$check-$$"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
tools="${PROMPTLIST_PYTHON_TOOLS:-$here/../../build/python}"
export PYTHONPATH="$tools:$here${PYTHONPATH:+:$PYTHONPATH}"
case "$check" in
  tokenizer) /usr/bin/python3 "$here/check_tokenizer.py" "$tool" "$model" "$data" "$work" ;;
  reference) /usr/bin/python3 "$here/check_reference.py" "$tool" "$model" "$data" "$shared" "$work" ;;
  *) echo "run_check.sh: unknown check $check" >&2; exit 2 ;;
esac
