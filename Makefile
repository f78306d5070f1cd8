# agora: `make run` serves on http://localhost:8080 with SQLite in ./agora-data;
# `make test` sets up what the tests need (PostgreSQL) and runs every test.
GO ?= go
export AGORA_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: run build test test-deps postgres bench vet

build:
	$(GO) build -o bin/agora ./cmd/agora

run: build
	./bin/agora serve

test: test-deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

# Everything the tests need, installed or started when missing.
test-deps: postgres

postgres:
	@scripts/ensure-postgres.sh

bench: build
	$(GO) run ./cmd/agora-bench -full
