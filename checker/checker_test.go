package checker

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func check[S, A any](t *testing.T, m Model[S, A], o Options) Result[S, A] {
	t.Helper()
	r, err := Check(context.Background(), m, o)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return r
}

func statesOf(tr *Trace[int, int]) []int {
	if tr == nil {
		return nil
	}
	s := []int{tr.Init}
	for _, st := range tr.Steps {
		s = append(s, st.State)
	}
	return s
}

// summary is what must not depend on the number of workers.
type summary struct {
	Unique, Generated int64
	Depth             int
	Complete          bool
	Statuses          []Status
	Traces            [][]int
}

func summarize(r Result[int, int]) summary {
	s := summary{Unique: r.Unique, Generated: r.Generated, Depth: r.Depth, Complete: r.Complete}
	for _, p := range r.Properties {
		s.Statuses = append(s.Statuses, p.Status)
		s.Traces = append(s.Traces, statesOf(p.Trace))
	}
	return s
}

func TestBFSMatchesNaiveBFSAndWorkerCounts(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		g := randomGraph(20000, 6, seed)
		bad := func(s int) bool { return s%997 == 13 }
		g.props = []Property[int]{{Name: "not 13 mod 997", Expect: Always, Holds: func(s int) bool { return !bad(s) }}}
		unique, generated, depth, path := naiveBFS(g, func(int) bool { return false })
		full := check(t, g, Options{KeepGoing: true})
		if full.Unique != int64(unique) || full.Generated != int64(generated) || full.Depth != depth || !full.Complete {
			t.Fatalf("seed %d: got unique %d generated %d depth %d complete %v, want %d %d %d true",
				seed, full.Unique, full.Generated, full.Depth, full.Complete, unique, generated, depth)
		}
		_, _, _, path = naiveBFS(g, bad)
		var want summary
		for _, workers := range []int{1, 2, 3, 8} {
			got := summarize(check(t, g, Options{Workers: workers}))
			if workers == 1 {
				want = got
				if path != nil && !reflect.DeepEqual(got.Traces[0], path) {
					t.Fatalf("seed %d: trace %v, want the naive BFS's %v", seed, got.Traces[0], path)
				}
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d, %d workers: %+v, want (1 worker) %+v", seed, workers, got, want)
			}
		}
	}
}

func TestSlicedRunMatchesCheck(t *testing.T) {
	g := randomGraph(5000, 5, 42)
	g.props = []Property[int]{{Name: "small", Expect: Always, Holds: func(s int) bool { return s != 4321 }}}
	for _, strategy := range []Strategy{BFS, DFS, Simulate} {
		o := Options{Strategy: strategy, KeepGoing: true, Seed: 7, Walks: 50}
		want := summarize(check(t, g, o))
		r, err := NewRun[int, int](g, o)
		if err != nil {
			t.Fatal(err)
		}
		steps := 0
		for !r.Step(context.Background(), 1) {
			steps++
		}
		if got := summarize(r.Result()); !reflect.DeepEqual(got, want) {
			t.Fatalf("%v: sliced %+v, want %+v", strategy, got, want)
		}
		// Simulation slices whole walks (50 here); the others, states.
		if strategy != Simulate && steps < 100 || steps < 40 {
			t.Fatalf("%v: only %d slices of one expansion", strategy, steps)
		}
	}
}

func TestAlwaysBothWays(t *testing.T) {
	g := chain(10)
	g.props = []Property[int]{
		{Name: "below 10", Expect: Always, Holds: func(s int) bool { return s < 10 }},
		{Name: "below 6", Expect: Always, Holds: func(s int) bool { return s < 6 }},
	}
	for _, strategy := range []Strategy{BFS, DFS} {
		r := check(t, g, Options{Strategy: strategy, KeepGoing: true})
		if p := r.Properties[0]; p.Status != Holds || p.Trace != nil {
			t.Errorf("%v: below 10: %v", strategy, p.Status)
		}
		if p := r.Properties[1]; p.Status != Violated || !reflect.DeepEqual(statesOf(p.Trace), []int{0, 1, 2, 3, 4, 5, 6}) {
			t.Errorf("%v: below 6: %v %v", strategy, p.Status, statesOf(p.Trace))
		}
	}
	// Without KeepGoing the search stops after the violating level: the first property
	// stays unknown and the result is incomplete.
	r := check(t, g, Options{})
	if r.Complete || r.Properties[0].Status != Unknown || r.Properties[1].Status != Violated || r.Depth != 7 {
		t.Errorf("stop at violation: complete %v, %v %v, depth %d", r.Complete, r.Properties[0].Status, r.Properties[1].Status, r.Depth)
	}
}

func TestSometimesBothWays(t *testing.T) {
	g := chain(10)
	g.props = []Property[int]{
		{Name: "reaches 4", Expect: Sometimes, Holds: func(s int) bool { return s == 4 }},
		{Name: "reaches 42", Expect: Sometimes, Holds: func(s int) bool { return s == 42 }},
	}
	r := check(t, g, Options{})
	if p := r.Properties[0]; p.Status != Holds || !reflect.DeepEqual(statesOf(p.Trace), []int{0, 1, 2, 3, 4}) {
		t.Errorf("reaches 4: %v %v", p.Status, statesOf(p.Trace))
	}
	if p := r.Properties[1]; p.Status != Violated || p.Trace != nil {
		t.Errorf("reaches 42: %v", p.Status)
	}
	// Cut off before the witness: unknown, never violated.
	r = check(t, g, Options{MaxDepth: 3})
	if r.Properties[0].Status != Unknown || r.Properties[1].Status != Unknown || r.Complete {
		t.Errorf("bounded: %v %v complete %v", r.Properties[0].Status, r.Properties[1].Status, r.Complete)
	}
}

// A run that cycles forever without the condition violates Eventually: the complete search
// reports it as a lasso, in BFS and DFS alike.
func TestEventuallyLasso(t *testing.T) {
	// 0 -> 1 -> 2 -> 1 (a cycle) and 0 -> 3; 3 -> 3 (a self-loop where the condition holds).
	g := &graphModel{inits: []int{0}, succ: [][]int{{1, 3}, {2}, {1}, {3}}}
	g.props = []Property[int]{
		{Name: "reaches 3", Expect: Eventually, Holds: func(s int) bool { return s == 3 }},
		{Name: "reaches 1 or 3", Expect: Eventually, Holds: func(s int) bool { return s == 1 || s == 3 }},
	}
	for _, strategy := range []Strategy{BFS, DFS} {
		r := check(t, g, Options{Strategy: strategy, KeepGoing: true})
		p := r.Properties[0]
		if p.Status != Violated || !reflect.DeepEqual(statesOf(p.Trace), []int{0, 1, 2, 1}) || !p.Trace.Cycle || p.Trace.CycleStart != 1 {
			t.Errorf("%v: reaches 3: %v %v cycle %v from %d", strategy, p.Status, statesOf(p.Trace), p.Trace != nil && p.Trace.Cycle, p.Trace.CycleStart)
		}
		if p := r.Properties[1]; p.Status != Holds {
			t.Errorf("%v: reaches 1 or 3: %v %v", strategy, p.Status, statesOf(p.Trace))
		}
		rep := NewReport[int, int](g, "g", r)
		if l := rep.Properties[0].Loop; l == nil || *l != 1 || len(rep.Properties[0].Trace) != 4 {
			t.Errorf("%v: report loop %v", strategy, l)
		}
	}
	// A self-loop is stuttering: the run may stop in 1, where the condition never held.
	self := &graphModel{inits: []int{0}, succ: [][]int{{1}, {1}}}
	self.props = []Property[int]{{Name: "reaches 5", Expect: Eventually, Holds: func(s int) bool { return s == 5 }}}
	if p := check(t, self, Options{}).Properties[0]; p.Status != Violated || !reflect.DeepEqual(statesOf(p.Trace), []int{0, 1}) || p.Trace.Cycle {
		t.Errorf("self-loop: %v %v", p.Status, statesOf(p.Trace))
	}
	// A bounded search never says it holds.
	if p := check(t, g, Options{MaxDepth: 2}).Properties[1]; p.Status == Holds {
		t.Error("a bounded search says an Eventually property holds")
	}
}

// Always-eventually and leads-to, both ways, on the same graph: 0 -> 1 -> 2 -> 1, 0 -> 3 -> 3.
func TestAlwaysEventuallyAndLeadsTo(t *testing.T) {
	g := &graphModel{inits: []int{0}, succ: [][]int{{1, 3}, {2}, {1}, {3}}}
	is := func(xs ...int) func(int) bool { return func(s int) bool { return slices.Contains(xs, s) } }
	g.props = []Property[int]{
		{Name: "always eventually 3", Expect: AlwaysEventually, Holds: is(3)},
		{Name: "always eventually 1 or 3", Expect: AlwaysEventually, Holds: is(1, 3)},
		{Name: "0 leads to 3", Expect: LeadsTo, Holds: is(0), Then: is(3)},
		{Name: "2 leads to 1", Expect: LeadsTo, Holds: is(2), Then: is(1)},
	}
	for _, strategy := range []Strategy{BFS, DFS} {
		r := check(t, g, Options{Strategy: strategy})
		for i, want := range []Status{Violated, Holds, Violated, Holds} {
			if p := r.Properties[i]; p.Status != want {
				t.Errorf("%v: %s: %v, want %v", strategy, p.Name, p.Status, want)
			}
		}
		for _, i := range []int{0, 2} {
			if p := r.Properties[i]; !reflect.DeepEqual(statesOf(p.Trace), []int{0, 1, 2, 1}) || !p.Trace.Cycle || p.Trace.CycleStart != 1 {
				t.Errorf("%v: %s: lasso %v from %d", strategy, p.Name, statesOf(p.Trace), p.Trace.CycleStart)
			}
		}
		if r.Properties[0].Expect.String() != "always eventually" || r.Properties[2].Expect.String() != "leads to" {
			t.Errorf("names %q %q", r.Properties[0].Expect, r.Properties[2].Expect)
		}
	}
	// Decided only by a complete search; a leads-to needs what it leads to.
	if p := check(t, g, Options{MaxStates: 1}).Properties[1]; p.Status != Unknown {
		t.Errorf("bounded: %v", p.Status)
	}
	g.props = []Property[int]{{Name: "x", Expect: LeadsTo, Holds: is(0)}}
	if _, err := Check(context.Background(), g, Options{}); err == nil {
		t.Error("a leads-to without Then accepted")
	}
}

func TestEventuallyBothWays(t *testing.T) {
	// 0 -> 1 -> 2 -> 3 (terminal) and 0 -> 4 -> 5 (terminal).
	g := &graphModel{inits: []int{0}, succ: [][]int{{1, 4}, {2}, {3}, nil, {5}, nil}}
	g.props = []Property[int]{
		{Name: "reaches 3 or 5", Expect: Eventually, Holds: func(s int) bool { return s == 3 || s == 5 }},
		{Name: "reaches 3", Expect: Eventually, Holds: func(s int) bool { return s == 3 }},
	}
	for _, strategy := range []Strategy{BFS, DFS} {
		r := check(t, g, Options{Strategy: strategy, KeepGoing: true})
		if p := r.Properties[0]; p.Status != Holds {
			t.Errorf("%v: reaches 3 or 5: %v %v", strategy, p.Status, statesOf(p.Trace))
		}
		if p := r.Properties[1]; p.Status != Violated || !reflect.DeepEqual(statesOf(p.Trace), []int{0, 4, 5}) {
			t.Errorf("%v: reaches 3: %v %v", strategy, p.Status, statesOf(p.Trace))
		}
	}
	// A path cut by the depth bound before the condition held violates nothing (it might
	// reach it later); a dead end at the bound does.
	c := chain(10)
	c.props = []Property[int]{{Name: "reaches 9", Expect: Eventually, Holds: func(s int) bool { return s == 9 }}}
	for _, strategy := range []Strategy{BFS, DFS, Simulate} {
		r := check(t, c, Options{Strategy: strategy, MaxDepth: 4})
		if p := r.Properties[0]; p.Status != Unknown {
			t.Errorf("%v: cut at depth 4: %v %v", strategy, p.Status, statesOf(p.Trace))
		}
		c.props[0].Holds = func(s int) bool { return s == 11 }
		r = check(t, c, Options{Strategy: strategy, MaxDepth: 10})
		if p := r.Properties[0]; p.Status != Violated || len(statesOf(p.Trace)) != 10 {
			t.Errorf("%v: dead end at depth 10: %v %v", strategy, p.Status, statesOf(p.Trace))
		}
		c.props[0].Holds = func(s int) bool { return s == 9 }
		// Simulation too, once its walk has expanded every state it met.
		r = check(t, c, Options{Strategy: strategy})
		if p := r.Properties[0]; p.Status != Holds || !r.Complete {
			t.Errorf("%v: unbounded: %v, complete %v", strategy, p.Status, r.Complete)
		}
	}
}

func TestDepthBound(t *testing.T) {
	for _, strategy := range []Strategy{BFS, DFS} {
		r := check(t, chain(10), Options{Strategy: strategy, MaxDepth: 4})
		if r.Unique != 4 || r.Depth != 4 || r.Complete {
			t.Errorf("%v: max depth 4: unique %d depth %d complete %v", strategy, r.Unique, r.Depth, r.Complete)
		}
		// A bound that cuts nothing off (the last state is terminal) leaves the search complete.
		r = check(t, chain(10), Options{Strategy: strategy, MaxDepth: 10})
		if r.Unique != 10 || !r.Complete {
			t.Errorf("%v: max depth 10: unique %d complete %v", strategy, r.Unique, r.Complete)
		}
	}
}

func TestStateBoundTimeoutAndCancel(t *testing.T) {
	g := randomGraph(200000, 4, 3)
	full := check(t, g, Options{})
	if !full.Complete || full.Unique < 100000 {
		t.Fatalf("full: unique %d complete %v", full.Unique, full.Complete)
	}
	for _, strategy := range []Strategy{BFS, DFS, Simulate} {
		r := check(t, g, Options{Strategy: strategy, MaxStates: 1000, Walks: 1 << 40})
		if r.Complete || r.Unique < 1000 || r.Unique > 1000+int64(unitSize*4) {
			t.Errorf("%v: max states 1000: unique %d complete %v", strategy, r.Unique, r.Complete)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r, err := Check(ctx, g, Options{Strategy: strategy})
		if err != nil || r.Complete || r.Unique > int64(unitSize) {
			t.Errorf("%v: cancelled: unique %d complete %v err %v", strategy, r.Unique, r.Complete, err)
		}
		r = check(t, g, Options{Strategy: strategy, Timeout: time.Nanosecond, Workers: 2})
		if r.Complete || r.Unique == full.Unique {
			t.Errorf("%v: timeout: unique %d complete %v", strategy, r.Unique, r.Complete)
		}
		// A memory bound the process is already past stops the search at its first look.
		for _, w := range []int{1, 2} {
			r = check(t, g, Options{Strategy: strategy, MaxMemory: 1, Workers: w, Walks: 1 << 40})
			if r.Complete || r.Stopped != StopMemory || r.Unique == full.Unique {
				t.Errorf("%v, %d workers: memory bound: unique %d complete %v stopped %v", strategy, w, r.Unique, r.Complete, r.Stopped)
			}
		}
		if r := check(t, g, Options{Strategy: strategy, MaxMemory: 1 << 40, MaxStates: 3000, Walks: 1 << 40}); r.Stopped != StopMaxStates {
			t.Errorf("%v: a memory bound not reached: stopped %v", strategy, r.Stopped)
		}
	}
	// BFS stops at the end of the level that reaches the bound: the same states whatever the
	// number of workers.
	want := check(t, g, Options{MaxStates: 5000, Workers: 1})
	for _, w := range []int{2, 3, 8} {
		if r := check(t, g, Options{MaxStates: 5000, Workers: w}); r.Unique != want.Unique || r.Generated != want.Generated || r.Depth != want.Depth {
			t.Errorf("max states 5000, %d workers: %d unique %d generated depth %d; 1 worker: %d %d %d", w, r.Unique, r.Generated, r.Depth,
				want.Unique, want.Generated, want.Depth)
		}
	}
}

func TestProgressReported(t *testing.T) {
	g := randomGraph(200000, 4, 5)
	for _, workers := range []int{1, 2} {
		var last Progress
		calls := 0
		r := check(t, g, Options{Workers: workers, ProgressEvery: time.Nanosecond, Progress: func(p Progress) { last = p; calls++ }})
		if calls == 0 || last.Unique == 0 || last.Generated == 0 || last.Unique > r.Unique || last.Generated > r.Generated || last.Depth < 1 {
			t.Errorf("%d workers: %d calls, last %+v, result unique %d", workers, calls, last, r.Unique)
		}
	}
}

func TestSimulationIsSeeded(t *testing.T) {
	g := randomGraph(100000, 4, 9)
	g.props = []Property[int]{{Name: "never 77", Expect: Always, Holds: func(s int) bool { return s != 77 }}}
	a := summarize(check(t, g, Options{Strategy: Simulate, Seed: 1, Walks: 200, MaxDepth: 50}))
	b := summarize(check(t, g, Options{Strategy: Simulate, Seed: 1, Walks: 200, MaxDepth: 50}))
	c := summarize(check(t, g, Options{Strategy: Simulate, Seed: 2, Walks: 200, MaxDepth: 50}))
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different results: %+v %+v", a, b)
	}
	if reflect.DeepEqual(a, c) {
		t.Fatalf("different seeds, same results: %+v", a)
	}
	if a.Complete || a.Depth > 50 {
		t.Fatalf("simulation: %+v", a)
	}
	// On several workers, the walks run at once and are applied in walk order: the same
	// result as on one, with or without a violation, to a walk or a state bound.
	g.props = append([]Property[int]{{Name: "not 7 mod 500", Expect: Always, Holds: func(s int) bool { return s%500 != 7 }}},
		Property[int]{Name: "sometimes 5", Expect: Sometimes, Holds: func(s int) bool { return s == 5 }},
		Property[int]{Name: "eventually 0", Expect: Eventually, Holds: func(s int) bool { return s == 0 }})
	for _, opts := range []Options{
		{Strategy: Simulate, Seed: 3, Walks: 301, MaxDepth: 40},
		{Strategy: Simulate, Seed: 3, Walks: 301, MaxDepth: 40, KeepGoing: true},
		{Strategy: Simulate, Seed: 4, Walks: 5000, MaxStates: 3000},
	} {
		opts.Workers = 1
		one := check(t, g, opts)
		if one.Properties[0].Status != Violated && !opts.KeepGoing && opts.MaxStates == 0 {
			t.Fatalf("%+v: no violation to compare", opts)
		}
		for _, w := range []int{2, 3, 8} {
			opts.Workers = w
			many := check(t, g, opts)
			if !reflect.DeepEqual(summarize(one), summarize(many)) || one.Walks != many.Walks {
				t.Fatalf("%+v: 1 worker %+v (%d walks), %d workers %+v (%d walks)", opts, summarize(one), one.Walks, w, summarize(many), many.Walks)
			}
		}
	}
	// One walk expands every state of a chain: the simulation is complete, and stops.
	walk := check(t, chain(30), Options{Strategy: Simulate, Walks: 3})
	if walk.Walks != 1 || walk.Unique != 30 || walk.Depth != 30 || !walk.Complete {
		t.Fatalf("chain walks: %d walks, %d unique, depth %d, complete %v", walk.Walks, walk.Unique, walk.Depth, walk.Complete)
	}
	// A walk that finds the violation stops the simulation with that walk as the trace.
	c30 := chain(30)
	c30.props = []Property[int]{{Name: "below 20", Expect: Always, Holds: func(s int) bool { return s < 20 }}}
	r := check(t, c30, Options{Strategy: Simulate, Walks: 3})
	if p := r.Properties[0]; p.Status != Violated || len(p.Trace.Steps) != 20 || r.Walks != 0 {
		t.Fatalf("simulation violation: %v, %d walks", p.Status, r.Walks)
	}
}

// flaky is a model whose Next is not a function of its arguments.
type flaky struct {
	graphModel
	calls int
}

func (f *flaky) Next(s int, a int) (int, bool) {
	f.calls++
	if f.calls > 5 {
		return s + 100, true
	}
	return f.graphModel.Next(s, a)
}

func TestNondeterministicModelIsReported(t *testing.T) {
	f := &flaky{graphModel: *chain(10)}
	f.props = []Property[int]{{Name: "below 5", Expect: Always, Holds: func(s int) bool { return s < 5 }}}
	_, err := Check(context.Background(), f, Options{})
	if err == nil || !strings.Contains(err.Error(), "not deterministic") {
		t.Fatalf("err = %v", err)
	}
}

func TestInvalidOptions(t *testing.T) {
	_, err := Check(context.Background(), chain(3), Options{Workers: -1, MaxDepth: -2, Timeout: -1, MaxMemory: -1})
	if err == nil || !strings.Contains(err.Error(), "workers") || !strings.Contains(err.Error(), "max depth") || !strings.Contains(err.Error(), "timeout") ||
		!strings.Contains(err.Error(), "max memory") {
		t.Fatalf("err = %v", err)
	}
	g := chain(3)
	g.props = []Property[int]{{Name: "nil"}}
	if _, err := Check(context.Background(), g, Options{}); err == nil {
		t.Fatal("a property without a condition was accepted")
	}
	if _, err := ParseStrategy("astar"); err == nil {
		t.Fatal("unknown strategy accepted")
	}
}

func TestFingerprintIsStable(t *testing.T) {
	// Pinned so that native and WebAssembly builds (and future versions) agree.
	if got := fingerprint([]byte("themelios")); got != 0x515b7a67dff2818c {
		t.Fatalf("fingerprint(themelios) = %#x", got)
	}
	if fingerprint(nil) == 0 {
		t.Fatal("a fingerprint is 0, the empty slot")
	}
}

// tree is the 12-ary tree over 0..n-1: state i leads to 12i+1 .. 12i+12.
type tree struct{ n int }

func (tree) Init() []int { return []int{0} }
func (t tree) Actions(s int, buf []int) []int {
	for c := 1; c <= 12 && 12*s+c < t.n; c++ {
		buf = append(buf, 12*s+c)
	}
	return buf
}
func (tree) Next(s, a int) (int, bool) { return a, true }
func (tree) Encode(b []byte, s int) []byte {
	return append(b, byte(s), byte(s>>8), byte(s>>16), byte(s>>24))
}

// boundedBFS is a plain sequential BFS that stops after the expansion that makes n states
// known: the reference for a state bound.
func boundedBFS(m Model[int, int], n int64) (unique, generated int64, depth int) {
	seen := map[int]int{} // state to its level; only looked up and counted
	var queue []int
	for _, s := range m.Init() {
		generated++
		if _, ok := seen[s]; !ok {
			seen[s], queue = 1, append(queue, s)
			depth = 1
		}
	}
	for len(queue) > 0 && int64(len(seen)) < n {
		s := queue[0]
		queue = queue[1:]
		for _, a := range m.Actions(s, nil) {
			t, ok := m.Next(s, a)
			if !ok {
				continue
			}
			generated++
			if _, known := seen[t]; !known {
				seen[t], queue = seen[s]+1, append(queue, t)
				depth = max(depth, seen[t])
			}
		}
	}
	return int64(len(seen)), generated, depth
}

// A state bound stops exactly where a sequential BFS stops, on any number of workers and in
// any slicing, also when it falls while the visited table grows (a state whose successors were
// claimed only in part when the table filled up is finished first).
func TestStateBoundAcrossTableGrowth(t *testing.T) {
	m := tree{n: 100000}
	for n := int64(13880); n <= 13940; n++ {
		u, g, d := boundedBFS(m, n)
		for _, c := range []struct {
			workers, budget int // budget > 0: sliced
		}{{1, 0}, {2, 0}, {3, 0}, {1, 7}, {1, 1}} {
			var r Result[int, int]
			if c.budget == 0 {
				r = check(t, m, Options{Workers: c.workers, MaxStates: n})
			} else {
				run, _ := NewRun[int, int](m, Options{MaxStates: n})
				for !run.Step(context.Background(), c.budget) {
				}
				r = run.Result()
			}
			if r.Unique != u || r.Generated != g || r.Depth != d || r.Stopped != StopMaxStates {
				t.Fatalf("bound %d, %d workers, budget %d: %d states, %d generated, depth %d, stopped %v; a sequential BFS: %d, %d, %d",
					n, c.workers, c.budget, r.Unique, r.Generated, r.Depth, r.Stopped, u, g, d)
			}
		}
	}
}
