# Shortcuts. scripts/test.sh is the real test entry point, so that a
# machine without make can run exactly what CI runs.

GO ?= go
BENCH ?= .
BENCHPKGS ?= ./...
BIN ?= bin/kefu
# Passed to go test by scripts/test.sh; e.g. make test GOTESTFLAGS=-short
GOTESTFLAGS ?= -race -timeout 15m

.PHONY: test run build bench

## test: install missing test tools, then gofmt, go vet and go test (as CI)
test:
	GOTESTFLAGS='$(GOTESTFLAGS)' ./scripts/test.sh

## run: start kefu on :8080 with the embedded database
run:
	$(GO) run ./cmd/kefu

## build: a static, stripped binary in bin/kefu, as in the Dockerfile
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o $(BIN) ./cmd/kefu

## bench: run the benchmarks (make bench BENCH=Store BENCHPKGS=./store)
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem $(BENCHPKGS)
