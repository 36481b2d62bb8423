#!/usr/bin/env bash
# Installs what the voice pipeline (crates/voice) needs on a fresh Debian machine and prints
# the environment for it, so that `eval "$(scripts/media-setup.sh)"` works. Idempotent: a
# second run finds everything in place and only prints the exports.
#   - apt: espeak-ng (the local speech synthesiser), ffmpeg (joins a session's recorded segments
#     into one WebM)
#   - .venv-media: onnxruntime (its libonnxruntime.so is loaded by `ort` at run time) and numpy
#     (the reference run of pipecat's Whisper feature maths in the tests)
#   - the silero-vad and pipecat-ai wheels, downloaded without dependencies (they would pull
#     torch) and unpacked for their ONNX models: Silero VAD and smart-turn v3.
# Everything but the export lines goes to standard error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

ONNXRUNTIME_VERSION=1.31.1
SILERO_VAD_VERSION=6.2.3
PIPECAT_VERSION=1.14.0
NUMPY_VERSION=2.3.5

venv="$root/.venv-media"
wheels="$venv/wheels"

{
    apt_packages=()
    command -v espeak-ng >/dev/null 2>&1 || apt_packages+=(espeak-ng)
    command -v ffmpeg >/dev/null 2>&1 || apt_packages+=(ffmpeg)
    # Debian's python3 makes venvs only with python3-venv (ensurepip) installed.
    command -v python3 >/dev/null 2>&1 || apt_packages+=(python3)
    python3 -c "import ensurepip" >/dev/null 2>&1 || apt_packages+=(python3-venv)
    if ((${#apt_packages[@]})); then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
    fi

    if [[ ! -x "$venv/bin/python" ]]; then
        python3 -m venv "$venv"
    fi
    if ! "$venv/bin/python" -c "import onnxruntime, numpy" >/dev/null 2>&1; then
        "$venv/bin/pip" install -q --disable-pip-version-check \
            "onnxruntime==$ONNXRUNTIME_VERSION" "numpy==$NUMPY_VERSION"
    fi

    mkdir -p "$wheels"
    unpack() { # name version marker-file
        local name="$1" version="$2" marker="$3"
        if [[ ! -f "$wheels/$name/$marker" ]]; then
            rm -rf "${wheels:?}/${name:?}" "${wheels:?}/dl-${name:?}"
            "$venv/bin/pip" download -q --disable-pip-version-check --no-deps \
                -d "$wheels/dl-$name" "$name==$version"
            "$venv/bin/python" -m zipfile -e "$wheels/dl-$name"/*.whl "$wheels/$name"
            rm -rf "$wheels/dl-$name"
        fi
    }
    unpack silero-vad "$SILERO_VAD_VERSION" silero_vad/data/silero_vad.onnx
    unpack pipecat-ai "$PIPECAT_VERSION" pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx
} >&2

ort_lib=$(find "$venv"/lib/python3*/site-packages/onnxruntime/capi -name 'libonnxruntime.so.1*' | sort | head -n1)
[[ -n "$ort_lib" ]] || { echo "libonnxruntime.so not found in $venv" >&2; exit 1; }
smart_turn_dir="$wheels/pipecat-ai/pipecat/audio/turn/smart_turn"

echo "export ORT_DYLIB_PATH='$ort_lib'"
echo "export OTBOR_VAD_MODEL='$wheels/silero-vad/silero_vad/data/silero_vad.onnx'"
echo "export OTBOR_TURN_MODEL='$smart_turn_dir/data/smart-turn-v3.2-cpu.onnx'"
# The pipecat source of the feature maths and the venv's Python, for the reference test.
echo "export OTBOR_TURN_FEATURES_PY='$smart_turn_dir/_whisper_features.py'"
echo "export OTBOR_MEDIA_PYTHON='$venv/bin/python'"
