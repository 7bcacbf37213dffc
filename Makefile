# ClinicPress — the everyday commands. `make help` lists them.
#
# The README's two commands are `make run` and `make test`; CI runs
# `bash .ci/run`, which starts a throwaway PostgreSQL and then `make test`.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

GO ?= go
# Extra flags for `go test`, e.g. `make test TESTFLAGS='-run TestPublish'`.
TESTFLAGS ?=
FUZZTIME ?= 60s

.PHONY: help run test lint vet fmt-check bench build fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## serve the demo clinics on 127.0.0.1:8080
	$(GO) run ./cmd/clinicpress serve --demo

# test: vet + gofmt, then every test with the race detector.
#
# Skipped tests are easy to miss (an integration test skipping because
# CLINICPRESS_TEST_POSTGRES is unset looks like a pass), so they are listed at
# the end, from the same single run: `go test -v` writes the full log to a
# temp file; the terminal gets that stream minus the per-test RUN/PAUSE/CONT/
# NAME/PASS chatter, so it reads like plain `go test` (t.Log lines of passing
# tests do show). Then a few lines of awk pick the `--- SKIP` lines out of the
# log, each with the last line its test logged (the t.Skip message; the
# `=== RUN/CONT/NAME` headers say whose a log line is) and its package (the
# `ok`/`FAIL` line that ends each package's block), under "SKIPPED:". The exit
# status is go test's own (pipefail). Simpler than -json plus a JSON parser.
test: lint ## vet, gofmt check, go test -race (lists skipped tests)
	@log=$$(mktemp "$${TMPDIR:-/tmp}/clinicpress-test.XXXXXX.log"); \
	status=0; \
	$(GO) test -race -count=1 -v $(TESTFLAGS) ./... 2>&1 | tee "$$log" \
		| { grep -Ev '^ *(=== (RUN|PAUSE|CONT|NAME)|--- PASS: )' || true; } || status=$$?; \
	skips=$$(awk '\
		/^=== (RUN|CONT|NAME) / { cur = $$3 } \
		/^ +[^ ]+\.go:[0-9]+: / { why[cur] = $$0; sub(/^ +/, "", why[cur]) } \
		/^ *--- SKIP: / { name = $$3; \
			buf = buf "  " name (why[name] == "" ? "" : "  (" why[name] ")") "\n" } \
		/^(ok|FAIL)[ \t]+[^ \t]/ { if (buf != "") printf "%s\n%s", $$2, buf; buf = "" } \
		END { printf "%s", buf }' "$$log"); \
	if [ -n "$$skips" ]; then printf '\nSKIPPED:\n%s\n' "$$skips"; fi; \
	echo "full test log: $$log"; \
	exit $$status

lint: vet fmt-check ## go vet + gofmt check

vet:
	$(GO) vet ./...

# fmt-check fails listing every Go file gofmt would change (testdata and
# dot-directories excluded, as the go tool does).
fmt-check:
	@files=$$(find . \( -name '.?*' -o -name testdata -o -name vendor \) -prune -o -name '*.go' -print0 \
		| xargs -0 -r gofmt -l); \
	if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi

bench: ## load-test benchmark (clinicpress bench)
	$(GO) run ./cmd/clinicpress bench

build: ## static binary in bin/clinicpress
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/clinicpress ./cmd/clinicpress

fuzz: ## fuzz the Markdown renderer (FUZZTIME=60s)
	$(GO) test -run='^$$' -fuzz=FuzzMarkdown -fuzztime=$(FUZZTIME) ./internal/render/

clean: ## remove build output
	rm -rf bin/
