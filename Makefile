# agora: `make run` serves on http://localhost:8080 with SQLite in ./agora-data;
# `make test` sets up what the tests need (PostgreSQL) and runs every test.
GO ?= go
export AGORA_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: run build test test-deps postgres chromium ffmpeg web-deps bench bench-pg

build:
	$(GO) build -o bin/agora ./cmd/agora

run: build
	./bin/agora serve

test: test-deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

# Everything the tests need, installed or started when missing.
test-deps: postgres chromium ffmpeg web-deps

postgres:
	@scripts/ensure-postgres.sh

chromium:
	@scripts/ensure-chromium.sh

ffmpeg:
	@scripts/ensure-ffmpeg.sh

# npm packages for the browser tests (axe-core), from the lock file.
web-deps:
	@if [ -f e2e/web/package.json ]; then cd e2e/web && npm ci --no-audit --no-fund --silent; fi

# The load tool at full size (10,000 accounts, 1,000,000 statuses): see docs/performance.md.
bench:
	$(GO) run ./cmd/agora-bench -full

bench-pg: postgres
	$(GO) run ./cmd/agora-bench -full -db postgres
