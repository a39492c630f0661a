# Themelios. `make run` does the main job, `make test` runs every test; both set up what they
# need on a fresh machine (Go fetches the modules; scripts in .ci/ install Debian packages).
GO       ?= go
FUZZTIME ?= 3s
# Fuzz targets run briefly by make test, as package:FuzzFunc.
FUZZ := ./models/catalog:FuzzResolve ./models/scenario:FuzzParse

.PHONY: build run test vet unit race fuzz bench

build:
	$(GO) build -o bin/themelios ./cmd/themelios

# The main job, until the playground exists: check the default model.
run:
	$(GO) run ./cmd/themelios check classic/two-phase-commit

test: vet unit race fuzz

vet:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$bad" ]; then echo "gofmt would change: $$bad"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

# The parallel BFS under the race detector.
race:
	$(GO) test -count=1 -race ./checker

fuzz:
	@for t in $(FUZZ); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	done

# Measures the checker against Spin (installed from Debian's packages) and prints a table.
bench:
	.ci/install-spin
	$(GO) run ./cmd/themelios-bench
