# The commands people type. Each installs what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.package-lock.json
BENCHES := award worker discord
BENCH ?= $(BENCHES)

.PHONY: help install build typecheck lint test tools run bench clean

help:
	@echo "make run        the whole platform on this machine (embedded PostgreSQL unless DATABASE_URL is set)"
	@echo "make test       every test suite against a real PostgreSQL"
	@echo "make build      compile every package (tsc --build)"
	@echo "make typecheck  type-check every package"
	@echo "make lint       eslint + prettier --check"
	@echo "make bench      every benchmark in bench/ (BENCH=<name> for one)"
	@echo "make tools      helm, kubectl and promtool for the chart checks"

# npm ci when the lock changed since the last install (npm writes node_modules/.package-lock.json).
$(NPM_STAMP): package.json package-lock.json shared/package.json testing/package.json dev/package.json $(wildcard services/*/package.json) charts/package.json bench/package.json
	npm ci --no-audit --no-fund
	@touch $(NPM_STAMP)

install: $(NPM_STAMP)

build: install
	npx tsc --build

typecheck: install
	npx tsc --build

lint: install
	npx eslint .
	npx prettier --check .
	npx depcruise shared services dev testing bench charts/test --output-type err

tools:
	bash charts/install-tools.sh

test: install tools
	npx jest

run: build
	node dev/dist/launcher.js

bench: build
	@set -e; for b in $(BENCH); do echo "== bench $$b" >&2; node bench/dist/$$b.js; done

clean:
	npx tsc --build --clean
