# The two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := run
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test prerequisites test-prerequisites lint unit-tests integration-tests build e2e measure

# The release build: a small wasm bundle, precompressed (brotli, gzip), with content
# hashes in its file names so browsers may cache it for a year.
run: prerequisites
	LEPTOS_HASH_FILES=true scripts/build-release.sh --precompress
	./target/release/portcullis serve

test: test-prerequisites lint unit-tests integration-tests build e2e
	@echo "make test: everything passed"

prerequisites:
	@scripts/prerequisites.sh

test-prerequisites:
	@scripts/prerequisites.sh --test

lint:
	cargo fmt --all -- --check
	cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

unit-tests:
	cargo test -p app --features ssr

integration-tests:
	scripts/with-test-postgres.sh cargo test -p server

# The wasm bundle, the CSS and the server binary, as cargo-leptos builds them.
build:
	cargo leptos build --split

e2e:
	cd end2end && npx playwright test

# Figures for the README's Performance section (slow: includes a clean release build).
measure:
	scripts/measure.sh
