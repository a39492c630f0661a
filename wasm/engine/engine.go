// Package engine is the checker's side of the playground's protocol (wasm/protocol): it runs
// the page's requests on the built-in models, in the checker's Web Worker and natively (the
// native playground and the tests). The page links none of it: the models stay in the worker.
package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/wasm/protocol"
)

// Run executes a request to the end, posting progress about every interval and then the
// result. It runs the check in slices on the calling goroutine (one thread in a Web Worker).
func Run(r protocol.Request, interval time.Duration, post func(protocol.Response)) {
	RunContext(context.Background(), r, interval, post, nil)
}

// sliceTime is how long RunContext aims to compute between two looks at the clock.
const sliceTime = 50 * time.Millisecond

// RunContext is Run until ctx is done: then the search stops at its last whole expansion and
// its report (interrupted, the verdicts reached so far) is posted as the result. yield, when
// not nil, is called after each progress message, to let the caller take messages meanwhile
// (in a Web Worker, Go's WebAssembly takes none while it computes).
func RunContext(ctx context.Context, r protocol.Request, interval time.Duration, post func(protocol.Response), yield func()) {
	RunPartitioned(ctx, r, nil, nil, interval, post, yield)
}

// RunPartitioned is RunContext as one instance of a check partitioned over peer
// (checker.NewPartitionedRun), each instance given the same request: the instance of rank 0
// posts progress and the result, the others only their errors. Before it explores, it calls
// started (when not nil) with whether the check is partitioned: with a nil peer, or for a check
// that cannot be (checker.ErrNotPartitionable: DFS, simulation, a captured state graph,
// Eventually properties), it runs on this instance alone, as does one that fails to start, and
// the others must not be started.
func RunPartitioned(ctx context.Context, r protocol.Request, peer checker.Peer, started func(partitioned bool), interval time.Duration, post func(protocol.Response), yield func()) {
	fail := func(err error) {
		if started != nil {
			started(false)
			started = nil
		}
		post(protocol.Response{Type: protocol.TypeError, ID: r.ID, Error: err.Error()})
	}
	m, err := build(r.Target, r.Sets)
	if err != nil {
		fail(err)
		return
	}
	opts := r.Options()
	lead := peer == nil || peer.Rank() == 0
	// The liveness pass, run when the search is over, reports its progress through this.
	opts.Progress, opts.ProgressEvery = func(p checker.Progress) {
		if p.Liveness > 0 {
			post(protocol.Response{Type: protocol.TypeProgress, ID: r.ID, Progress: protocol.FromProgress(p)})
			if yield != nil {
				yield() // a cancel during the liveness pass stops it (checker: interrupted)
			}
		}
	}, interval
	var run catalog.Run
	partitioned := false
	if peer != nil {
		run, err = m.NewPartitionedRun(r.Target, opts, peer)
		partitioned = err == nil
		if errors.Is(err, checker.ErrNotPartitionable) && lead {
			run, err = m.NewRun(r.Target, opts)
		}
	} else {
		run, err = m.NewRun(r.Target, opts)
	}
	if err != nil {
		fail(err)
		return
	}
	if started != nil {
		started(partitioned)
	}
	last := time.Now()
	// Slices of about sliceTime each, whatever a state costs, so that progress and a cancel
	// message (taken at yield) wait at most about a slice.
	budget := 256
	for {
		start := time.Now()
		if run.Step(ctx, budget) {
			break
		}
		budget = resize(budget, time.Since(start), sliceTime)
		if time.Since(last) >= interval {
			if lead {
				post(protocol.Response{Type: protocol.TypeProgress, ID: r.ID, Progress: protocol.FromProgress(run.Progress())})
			}
			if yield != nil {
				yield()
			}
			last = time.Now()
		}
	}
	rep, err := run.Report()
	if err != nil {
		fail(err)
		return
	}
	if lead {
		post(protocol.Response{Type: protocol.TypeResult, ID: r.ID, Report: &rep})
	}
}

// resize returns the states for a run's next step (Run.Step's budget), given that the last
// step of budget states took took and each should take about slice: twice as many after a
// step under a quarter of it, half as many after one over it (at least 16, at most 65,536).
func resize(budget int, took, slice time.Duration) int {
	switch {
	case took < slice/4 && budget < 1<<16:
		return budget * 2
	case took > slice && budget > 16:
		return budget / 2
	}
	return budget
}

// Explorer answers the page's requests about one run of a model (explore, choices and graph),
// keeping the model it last built and the run it last replayed: stepping back and forth
// through a trace replays it once. Not safe for concurrent use.
type Explorer struct {
	// Make builds a target's model with its settings (nil: the catalog's).
	Make func(target string, sets []string) (catalog.Checkable, error)

	key      string // the target and settings of model
	model    catalog.Checkable
	path     []int // the run replayed
	replayed catalog.Replayed
}

// Handle answers an explore, choices or graph request: an explored or dot message, or an error
// message saying why the run cannot be followed.
func (x *Explorer) Handle(r protocol.Request) protocol.Response {
	fail := func(err error) protocol.Response {
		return protocol.Response{Type: protocol.TypeError, ID: r.ID, Error: err.Error()}
	}
	m, err := x.modelOf(r.Target, r.Sets)
	if err != nil {
		return fail(err)
	}
	switch r.Type {
	case protocol.TypeExplore:
		steps, next, err := m.Explore(r.Path)
		if err != nil {
			return fail(err)
		}
		return protocol.Response{Type: protocol.TypeExplored, ID: r.ID, Explored: &protocol.Explored{Steps: steps, Next: nonNil(next)}}
	case protocol.TypeChoices:
		if x.replayed == nil || !slices.Equal(x.path, r.Path) {
			rp, err := m.Replay(r.Path)
			if err != nil {
				return fail(err)
			}
			x.path, x.replayed = slices.Clone(r.Path), rp
		}
		return protocol.Response{Type: protocol.TypeExplored, ID: r.ID, Explored: &protocol.Explored{Next: nonNil(x.replayed.Choices(r.Step))}}
	case protocol.TypeGraph:
		loop := -1
		if r.Loop != nil {
			loop = *r.Loop
		}
		dot, nodes, err := m.TraceGraph(r.Path, loop)
		if err != nil {
			return fail(err)
		}
		return protocol.Response{Type: protocol.TypeDOT, ID: r.ID, DOT: &protocol.DOT{Source: dot, Nodes: nodes}}
	}
	return fail(fmt.Errorf("%q is not a request about a run", r.Type))
}

// modelOf builds a target's model, or returns the one last built for the same settings.
func (x *Explorer) modelOf(target string, sets []string) (catalog.Checkable, error) {
	key := target + "\x00" + strings.Join(sets, "\x00")
	if x.model != nil && x.key == key {
		return x.model, nil
	}
	newModel := x.Make
	if newModel == nil {
		newModel = build
	}
	m, err := newModel(target, sets)
	if err != nil {
		return nil, err
	}
	x.key, x.model, x.path, x.replayed = key, m, nil, nil
	return m, nil
}

// build builds a built-in target's model with its settings.
func build(target string, sets []string) (catalog.Checkable, error) {
	e, ok := catalog.Lookup(target)
	if !ok {
		return nil, fmt.Errorf("unknown target %q", target)
	}
	return e.Make(sets)
}

// nonNil is l, or an empty list for none (a state where nothing is enabled still lists its
// actions, none).
func nonNil(l []checker.Choice) []checker.Choice {
	if l == nil {
		return []checker.Choice{}
	}
	return l
}

// WarmUp explores the first states of a few built-in checks (warmUps), discarding what it
// finds, until it is done or ctx is: a worker calls it while it waits for its first request.
// V8 runs a WebAssembly function with its baseline compiler's code at first, and optimises it
// only once it has run a while: the tab's first check ran on slow code however long its worker
// had been loaded. In headless Chromium on two cores, a reader's first check on tutorial 2
// (Kubernetes 59848 under symmetry; themelios-bench, fresh profiles, two runs each) took
// 3.18–3.21 s of the worker's time after 8 s of reading without the warm-up and 1.38–1.47 s
// with it; after about 2 s, 3.27–3.71 s and 2.36–2.46 s. WarmUp works in steps of about
// warmUpSlice of work, the first of four states, and calls yield after each step and after
// building each model, so that a request waits about that long for it to stop. It returns the
// distinct states each check explored (0 for one it could not start: a defect TestWarmUp
// reports).
func WarmUp(ctx context.Context, yield func()) []int64 {
	explored := make([]int64, len(warmUps))
	for i, r := range warmUps {
		if ctx.Err() != nil {
			break
		}
		m, err := build(r.Target, r.Sets)
		if err != nil {
			continue
		}
		run, err := m.NewRun(r.Target, r.Options())
		if err != nil {
			continue
		}
		if yield != nil {
			yield() // building took a while
		}
		budget := 4
		for ctx.Err() == nil {
			start := time.Now()
			if run.Step(ctx, budget) {
				break
			}
			budget = resize(budget, time.Since(start), warmUpSlice)
			if yield != nil {
				yield()
			}
		}
		explored[i] = run.Progress().Unique
	}
	return explored
}

// warmUpSlice is the warm-up's work between two yields.
const warmUpSlice = 10 * time.Millisecond

// warmUps are WarmUp's checks, each bounded: the playground's first card (its first 4,000
// of 13,874 states), then a ReplicaSet, a Job and a Deployment check (the controllers the
// first does not run).
var warmUps = []protocol.Request{
	{Target: "statefulset/stale-reads", Sets: []string{"consistency=resettable-session"}, Strategy: "bfs", Symmetry: true, MaxStates: 4000},
	{Target: "replicaset/spec-replicas-change", Sets: []string{"consistency=monotonic-session"}, Strategy: "bfs", Symmetry: true, MaxStates: 1500},
	{Target: "job/parallel", Sets: []string{"consistency=monotonic-session"}, Strategy: "bfs", Symmetry: true, MaxStates: 1500},
	{Target: "deployment/new", Sets: []string{"consistency=monotonic-session"}, Strategy: "bfs", Symmetry: true, MaxStates: 1500},
}
