# The two commands a newcomer needs: `make run` (Otbor with demo data on the embedded
# default) and `make test` (every test; installs what it needs). See README.md.

.PHONY: run test web build bench bench-notify lambda clean

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

build: web
	cargo build --release -p otbor

bench:
	bash scripts/bench.sh

# Notifier throughput and latency against a real SMTP server (aiosmtpd, installed with moto).
bench-notify:
	eval "$$(scripts/moto.sh start)" && cargo bench -p otbor-tests --bench notify

# The Lambda functions as bootstrap.zip under target/lambda/<name>/ (cargo-lambda). ARCH=arm64
# needs the aarch64-unknown-linux-gnu standard library (rustup target add ...).
ARCH ?= arm64
lambda:
	@command -v cargo-lambda >/dev/null 2>&1 || { test -x .venv-lambda/bin/cargo-lambda || (python3 -m venv .venv-lambda && .venv-lambda/bin/pip install -q cargo-lambda); }
	PATH="$$PWD/.venv-lambda/bin:$$PATH" cargo lambda build --release --$(if $(filter x86_64,$(ARCH)),x86-64,arm64) --output-format zip \
		-p otbor-fn-api -p otbor-fn-resume-ingest -p otbor-fn-evaluator
	@ls -l target/lambda/*/bootstrap.zip

clean:
	cargo clean
	rm -rf web/dist web/node_modules data .tmp
