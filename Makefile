# The two commands a newcomer needs: `make run` (Otbor with demo data on the embedded
# default) and `make test` (every test; installs what it needs). See README.md.

.PHONY: run test web build bench bench-notify bench-voice lambda clean whisper bench-voice-whisper

run: web
	cargo build -p otbor
	@# The voice models (espeak-ng, ONNX Runtime, Silero VAD, smart-turn); without them the
	@# voice interview still runs, with questions and answers in the chat panel.
	@eval "$$(scripts/media-setup.sh 2>/dev/null)" || echo "voice models not installed: voice interviews will use the chat panel"; \
		target/debug/otbor serve --demo

test:
	bash scripts/test.sh

web:
	@if command -v npm >/dev/null 2>&1; then \
		cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build; \
	else \
		echo "npm not found: serving the API only (install Node.js to build the web app)"; \
	fi

# `otbor serve` built for speed: the release profile (opt-level 3, thin LTO; Cargo.toml).
build: web
	cargo build --release -p otbor

# `GET /api/candidates` (50 of 1,000, behind a session) on Otbor's release build beside the
# FastAPI baseline in ../shared/baselines/fastapi (FastAPI + SQLite, 2 uvicorn workers; its
# venv is .venv-bench), same wrk, runs alternating; prints req/s, p50, p99 and the ratios.
# BENCH_ARGS: duration in seconds, connections, rounds (default 15 32 2);
# BENCH_BASELINE_DIR=none measures Otbor alone.
BENCH_ARGS ?=
bench:
	bash scripts/bench.sh $(BENCH_ARGS)

# Notifier throughput and latency against a real SMTP server (aiosmtpd, installed with moto).
bench-notify:
	eval "$$(scripts/moto.sh start)" && cargo bench -p otbor-tests --bench notify

# The Lambda functions as bootstrap.zip under target/lambda/<name>/ (cargo-lambda). ARCH=arm64
# needs the aarch64-unknown-linux-gnu standard library (rustup target add ...).
ARCH ?= arm64
# The unwind tables (.eh_frame, about 2 MB of a function: the prebuilt standard library keeps
# its own) discarded while linking: removed afterwards (objcopy), they left a hole of the same
# size inside the loaded segment. Only read to unwind, and panics abort.
LAMBDA_LD = target/lambda-build/no-unwind-tables.ld
lambda:
	@command -v cargo-lambda >/dev/null 2>&1 || { test -x .venv-lambda/bin/cargo-lambda || (python3 -m venv .venv-lambda && .venv-lambda/bin/pip install -q cargo-lambda); }
	@# Smaller functions: the `lambda` profile (opt-level "z", fat LTO, panics abort:
	@# Cargo.toml), no unwind tables, a non-PIE executable (no dynamic relocations). A target
	@# directory of their own keeps these flags from rebuilding everything else.
	@mkdir -p $(dir $(LAMBDA_LD)) && echo 'SECTIONS { /DISCARD/ : { *(.eh_frame) *(.eh_frame_hdr) } } INSERT AFTER .text;' > $(LAMBDA_LD)
	CARGO_TARGET_DIR=target/lambda-build \
	RUSTFLAGS="-C force-unwind-tables=no -C link-arg=-no-pie -C link-arg=-Wl,-T,$(abspath $(LAMBDA_LD))" \
	PATH="$$PWD/.venv-lambda/bin:$$PATH" cargo lambda build --profile lambda --$(if $(filter x86_64,$(ARCH)),x86-64,arm64) --lambda-dir target/lambda \
		-p otbor-fn-api -p otbor-fn-resume-ingest -p otbor-fn-evaluator
	@for f in api resume-ingest evaluator; do \
		rm -f target/lambda/$$f/bootstrap.zip && \
		(cd target/lambda/$$f && python3 -m zipfile -c bootstrap.zip bootstrap) || exit 1; \
	done
	@ls -l target/lambda/*/bootstrap target/lambda/*/bootstrap.zip

clean:
	cargo clean
	rm -rf web/dist web/node_modules data .tmp

# Voice interview load and latency (issue 8): N WebRTC candidates answer aloud against the media
# worker with the local stack (espeak-ng, offline engine, zero-delay fake recogniser); prints turn
# latency with its stages, barge-in, and capacity with CPU and memory per session. The release
# profile at opt-level 3 without LTO (the shipped "z" + LTO links for many minutes and its DSP is
# about 1.7x slower: VOICE_LOAD_OPT=z to measure it); VOICE_LOAD_ARGS to change the ramp. The
# worker reads the voice settings from the environment, so the earlier behaviour can be measured
# beside the current one: OTBOR_OPUS_COMPLEXITY=9 (the encoder's default),
# OTBOR_VOICE_SHARED_MODELS=0 (ONNX sessions per conversation), OTBOR_VAD_BARGE_IN_MS=0
# (barge-in at the start of the turn, after OTBOR_VAD_START_MS).
VOICE_LOAD_ARGS ?= --sessions 1,2,4,8,16,24,32,48,64 --rounds 4
VOICE_LOAD_OPT ?= 3
bench-voice:
	eval "$$(scripts/media-setup.sh)" && CARGO_PROFILE_RELEASE_OPT_LEVEL=$(VOICE_LOAD_OPT) \
		CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
		cargo run --release -p otbor-media-worker --bin otbor-voice-load -- $(VOICE_LOAD_ARGS)

# The local Whisper recogniser (issue 8, `OTBOR_STT=whisper`): ct2rs compiles CTranslate2's C++
# with cmake (about 12 minutes the first time), so it sits behind the cargo feature `whisper`.
# The release profile of bench-voice: cmake would build CTranslate2 unoptimised ("Debug") at
# the dev profile's opt-level 0, and both targets then share one build of it. `make whisper`
# runs otbor-voice's suite with the feature, then the Whisper tests alone, one at a time, to
# print the recognition latency per segment.
WHISPER_PROFILE = CARGO_PROFILE_RELEASE_OPT_LEVEL=3 CARGO_PROFILE_RELEASE_LTO=false \
	CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
whisper:
	eval "$$(scripts/media-setup.sh)" && eval "$$(scripts/whisper-setup.sh)" && \
		export OTBOR_REQUIRE_MEDIA=1 $(WHISPER_PROFILE) && \
		cargo test --release -p otbor-voice --features whisper && \
		cargo test --release -p otbor-voice --features whisper --test whisper -- --test-threads=1 --nocapture

# bench-voice with the local Whisper recogniser instead of the fake (OTBOR_WHISPER_THREADS, 1 by
# default, sets its threads). A smaller ramp: one inference at a time on the CPU saturates soon.
VOICE_LOAD_WHISPER_ARGS ?= --sessions 1,2,4 --rounds 3
bench-voice-whisper:
	eval "$$(scripts/media-setup.sh)" && eval "$$(scripts/whisper-setup.sh)" && \
		OTBOR_STT=whisper $(WHISPER_PROFILE) \
		cargo run --release -p otbor-media-worker --features whisper --bin otbor-voice-load -- $(VOICE_LOAD_WHISPER_ARGS)
