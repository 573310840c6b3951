#!/usr/bin/env bash
# bench/setup_bench_python.sh: what bench/bench_minilm_real.py needs, idempotent.
#
#   1. checks that Debian's python3-torch and python3-numpy (setup.sh installs
#      them) import: the PyTorch side and the ONNX export run under /usr/bin/python3.
#   2. build/bench-venv: a venv of the pyenv python3 (`python3 -m venv`) with
#      pinned onnxruntime, onnx (onnxruntime.quantization needs it) and their
#      dependencies, numpy included. ONNX Runtime runs only in this venv, so
#      pip's numpy never lands on Debian torch's path.
#
# Run from anywhere: bash bench/setup_bench_python.sh
# Environment: BENCH_VENV (default build/bench-venv), PYTHON (the python that
# makes the venv; default python3 on PATH, the pyenv one here).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${BENCH_VENV:-build/bench-venv}"
python="${PYTHON:-python3}"
# Pinned, all of them: `pip freeze` of a venv made with these on 2026's
# registry. onnxruntime 1.32 no longer depends on sympy or coloredlogs.
requirements=(
  onnxruntime==1.32.0
  onnx==1.23.2
  numpy==2.4.6
  protobuf==7.36.2
  flatbuffers==25.12.19
  ml_dtypes==0.7.0
  packaging==26.4
  typing_extensions==4.16.0
)

# ---- 1. Debian's torch (setup.sh installs python3-torch and python3-numpy) ---
/usr/bin/python3 -c 'import torch, numpy' || {
  echo "setup_bench_python: /usr/bin/python3 cannot import torch and numpy (run ./setup.sh)" >&2
  exit 1
}

# ---- 2. the ONNX Runtime venv ---------------------------------------------------
stamp="$venv/.requirements"
want="$(printf '%s\n' "${requirements[@]}")"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup_bench_python: $venv up to date"
else
  echo "setup_bench_python: making $venv"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "${requirements[@]}"
  printf '%s\n' "$want" >"$stamp"
fi
"$venv/bin/python" -c 'import onnxruntime, onnx, numpy, onnxruntime.quantization' || {
  echo "setup_bench_python: $venv cannot import onnxruntime, onnx, numpy" >&2
  exit 1
}
echo "setup_bench_python: ok (torch: /usr/bin/python3, onnxruntime: $venv/bin/python)"
