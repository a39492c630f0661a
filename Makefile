# Themelios. `make run` does the main job, `make test` runs every test; both set up what they
# need on a fresh machine (Go fetches the modules; scripts in .ci/ install Debian packages).
GO       ?= go
# An execution count, not a duration: Go 1.26's fuzz coordinator can fail a duration-bounded run
# with a spurious "context deadline exceeded" as time runs out (golang/go#75804).
FUZZTIME ?= 20000x
# Fuzz targets run briefly by make test, as package:FuzzFunc.
FUZZ := ./models/catalog:FuzzResolve ./models/targets:FuzzParseLink ./models/scenario:FuzzParse ./models/scenario:FuzzParseManifests \
	./wasm/protocol:FuzzDecodeRequest ./wasm/protocol:FuzzDecodeResponse

VERSION  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo dev)
WASM     := GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w"

.PHONY: build run site test vet unit wasm race fuzz browser bench matrix conformance live pgo

build:
	$(GO) build -o bin/themelios ./cmd/themelios

# The main job: build the playground and serve it at http://127.0.0.1:8080.
run: site
	$(GO) run ./cmd/themelios serve

# The static site Netlify publishes: go-app's pages, the UI and checker WebAssembly, static/.
# The page's WebAssembly is built against go-app without its server half (cmd/goapp-client).
site:
	rm -rf site
	$(GO) run ./cmd/themelios-site -out site -version $(VERSION)
	$(GO) run ./cmd/goapp-client -go $(GO) -o .cache/go-app-client
	GOWORK=off $(WASM) -modfile=.cache/go-app-client/client.mod -o site/web/app.wasm ./wasm/app
	$(WASM) -o site/web/worker.wasm ./wasm/worker
	cd static/vendor && npm ci --no-audit --no-fund --loglevel=error
	cp static/vendor/node_modules/@viz-js/viz/dist/viz-global.js site/web/

test: vet unit wasm race fuzz browser conformance live

# Fidelity (conformance/, a module of its own with k8s.io/kubernetes v1.34.3): upstream's
# controllers against the model's on the views the built-in scenarios reach, and the model's
# traces replayed on a real kube-apiserver and etcd (etcd from Debian, the API server built
# from the module: 14 minutes from empty module and build caches on two cores, 2 warm).
# Prints the agreement per controller and per API rule; fails on a deviation the README's
# table does not list.
conformance:
	.ci/install-etcd
	cd conformance && $(GO) vet ./...
	cd conformance && $(GO) build -o ../bin/kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
	cd conformance && KUBE_APISERVER=$(CURDIR)/bin/kube-apiserver $(GO) test -count=1 -timeout 30m -v $$($(GO) list ./... | grep -v /live$$)

# Live (conformance/live): themelios controller-manager with the model's scheduler and two
# simulated nodes, themelios monitor and themelios apply, end to end on a real kube-apiserver
# and etcd; kubectl checks each scenario's end state (the machine's kubectl, else one built
# from the conformance module).
live:
	.ci/install-etcd
	$(GO) build -o bin/themelios ./cmd/themelios
	cd conformance && $(GO) build -o ../bin/kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
	@if command -v kubectl >/dev/null; then ln -sf "$$(command -v kubectl)" bin/kubectl; \
	else echo "no kubectl on the PATH: building one"; cd conformance && $(GO) build -o ../bin/kubectl k8s.io/kubernetes/cmd/kubectl; fi
	cd conformance && KUBE_APISERVER=$(CURDIR)/bin/kube-apiserver THEMELIOS=$(CURDIR)/bin/themelios KUBECTL=$(CURDIR)/bin/kubectl \
		$(GO) test -count=1 -timeout 20m -v ./live

# Every built-in scenario under every consistency level, 1 and 2 controllers of each kind: the
# results table of tutorials/03-results.md (about five minutes on two cores).
matrix:
	$(GO) run ./cmd/themelios matrix --out tutorials/03-results.md --traces conformance/testdata/matrix-traces.json
	$(GO) run ./cmd/themelios matrix --caches --out README.md

vet:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$bad" ]; then echo "gofmt would change: $$bad"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

# The worker protocol and the checker compiled to WebAssembly, run under Node.js.
wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$$($(GO) env GOROOT)/lib/wasm/go_js_wasm_exec" ./wasm/protocol ./wasm/engine
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$$($(GO) env GOROOT)/lib/wasm/go_js_wasm_exec" \
		-run "Fingerprint|Paths|Always|Sometimes|Eventually|Graph|Fairness|Liveness|Lasso|Soundness|Recycle|Partition" ./checker

# The parallel BFS under the race detector.
race:
	$(GO) test -count=1 -race ./checker

fuzz:
	@for t in $(FUZZ); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	done

# The playground end to end: the built site in headless Debian Chromium.
browser: site
	.ci/install-chromium
	$(GO) test -count=1 -tags browser ./app/playground

# The checker worker's profile for profile-guided optimisation (wasm/worker/default.pgo, which
# go build uses for that package): a native CPU profile of the playground's checks
# (engine's BenchmarkPlayground), kept only if the benchmark passes. Refresh it after large
# changes to the model or the checker.
pgo:
	mkdir -p .cache
	$(GO) test -run '^$$' -bench Playground -benchtime 5x -o .cache/engine.test -cpuprofile .cache/playground.pgo ./wasm/engine
	mv .cache/playground.pgo wasm/worker/default.pgo

# Measures the checker against Spin (installed from Debian's packages), and the playground's
# worker in Chromium against the native checker, and prints tables.
bench: site
	.ci/install-spin
	.ci/install-chromium
	$(GO) run ./cmd/themelios-bench
	$(GO) test -run '^$$' -bench . -benchtime 3x ./models/orchestration
