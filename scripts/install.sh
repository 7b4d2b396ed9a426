#!/usr/bin/env bash
# One-command, idempotent install of tricks_mm and the OpenMMLab stack on a CPU machine.
#
#   bash scripts/install.sh            (also: make install)
#
# Creates ./.venv, installs torch 2.14.1 + torchvision 0.29.1, mmengine 0.10.7, mmcv 2.1.0 with
# compiled ops (built once from the PyPI sdist with the C++20 fix and kept in a wheel cache keyed
# by torch version), mmdet 3.3.0, mmsegmentation 1.2.2, mmpretrain 1.2.0, then tricks_mm (editable).
# A second run on a ready machine only verifies the imports and exits.
#
# Environment: VENV (default ./.venv), PYTHON (default python3), TRICKS_MM_CUDA=1 (mmcv with CUDA ops),
#              TRICKS_MM_WHEEL_CACHE (default: inside pip's cache dir, which CI keeps between runs on
#              the same machine), MAX_JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3}
TORCH_VERSION=2.14.1
TORCHVISION_VERSION=0.29.1
MMCV_VERSION=2.1.0
FLAVOUR=cpu
if [ "${TRICKS_MM_CUDA:-0}" = 1 ]; then FLAVOUR=cuda; fi
PIP_CACHE_DIR_DEFAULT=$("$PYTHON" -m pip cache dir 2>/dev/null || echo "$HOME/.cache/pip")
CACHE=${TRICKS_MM_WHEEL_CACHE:-$PIP_CACHE_DIR_DEFAULT/tricks_mm-wheels}/torch-$TORCH_VERSION-$FLAVOUR
STAMP=$VENV/.tricks_mm_install_stamp
say() { echo "[install $(date +%H:%M:%S)] $*"; }

# Everything that decides what gets installed: a change in these files re-runs the install.
want_stamp=$(cat scripts/install.sh requirements/*.txt setup.py | sha256sum | cut -d' ' -f1)

check_imports() {
  "$VENV/bin/python" - <<'PY'
import torch, torchvision, mmengine, mmcv, mmdet, mmseg, mmpretrain, tricks_mm
from mmcv.ops import nms, RoIAlign  # compiled ops must be present
import mmcv._ext  # noqa: F401
print(f"torch {torch.__version__}, mmcv {mmcv.__version__} (ops), mmengine {mmengine.__version__}, "
      f"mmdet {mmdet.__version__}, mmseg {mmseg.__version__}, mmpretrain {mmpretrain.__version__}, "
      f"tricks_mm {tricks_mm.__version__}")
PY
}

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ] && check_imports 2>/dev/null; then
  say "environment in $VENV is up to date"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating virtual environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)

say "torch $TORCH_VERSION + torchvision $TORCHVISION_VERSION"
"${PIP[@]}" install -q "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION"
mmcv_wheel=$(ls "$CACHE"/mmcv-$MMCV_VERSION-*.whl 2>/dev/null | head -1 || true)
if [ -z "$mmcv_wheel" ]; then
  say "building mmcv $MMCV_VERSION with CPU ops against torch $TORCH_VERSION (once per machine, ~20-30 min on 2 cores)"
  # mmcv's setup.py imports pkg_resources and needs torch in the build environment (no isolation).
  "${PIP[@]}" install -q -r requirements/build.txt
  build=$(mktemp -d)
  "${PIP[@]}" download -q --no-deps --no-binary :all: "mmcv==$MMCV_VERSION" -d "$build"
  tar -xzf "$build"/mmcv-$MMCV_VERSION.tar.gz -C "$build"
  # torch >= 2.14 headers require C++20; mmcv 2.1.0 hard-codes c++14/c++17.
  sed -i -e 's/-std=c++14/-std=c++20/g' -e 's/-std=c++17/-std=c++20/g' "$build/mmcv-$MMCV_VERSION/setup.py"
  mkdir -p "$CACHE"
  (cd "$build/mmcv-$MMCV_VERSION" && MMCV_WITH_OPS=1 FORCE_CUDA=${TRICKS_MM_CUDA:-0} MAX_JOBS=${MAX_JOBS:-$(nproc)} \
     "${PIP[@]}" wheel -q --no-deps --no-build-isolation . -w "$build/wheel")
  cp "$build"/wheel/mmcv-*.whl "$CACHE/"
  rm -rf "$build"
  mmcv_wheel=$(ls "$CACHE"/mmcv-$MMCV_VERSION-*.whl | head -1)
else
  say "reusing cached mmcv wheel $mmcv_wheel"
fi
"${PIP[@]}" install -q "$mmcv_wheel"

say "OpenMMLab stack, test tools and tricks_mm (editable)"
"${PIP[@]}" install -q -r requirements/runtime.txt -r requirements/tests.txt
"${PIP[@]}" install -q --no-deps --no-build-isolation -e .

check_imports
echo "$want_stamp" > "$STAMP"
say "done"
