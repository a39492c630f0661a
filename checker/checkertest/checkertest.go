// Package checkertest is a soundness oracle for the checker, for tests.
//
// Soundness explores a model with a naive breadth-first search of its own (a Go map of
// canonical encodings: no fingerprints, no table, no parallelism), checks that the checker's
// reference run (BFS on one worker, --keep-going) agrees with it, and then runs the checker
// with every strategy and option (BFS on 1, 2 and 3 workers, DFS, simulation on 1 and 2
// workers, the sliced Run, symmetry on and off, liveness on and off, with and without
// --keep-going, cut by a state bound, a depth bound, a timeout and a cancelled context). Every
// run must be sound:
//
//   - a verdict is the reference's or unknown, and a complete run gives every verdict;
//   - a run that did not explore every reachable state is marked stopped, with the reason,
//     and says "holds" only for a Sometimes property whose witness it shows;
//   - a violation comes with a trace that replays step by step through the model to a state
//     that violates the property (for a lasso: back to the state its cycle starts at, taking
//     every fair group enabled all round it);
//   - BFS traces of invariants are shortest, and BFS on any number of workers, bounded or not,
//     gives the same states, counts and traces;
//   - a state bound of N stops within one state's successors of N distinct states, and BFS
//     explores exactly what a plain sequential BFS with that bound explores.
package checkertest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/themelios/themelios/checker"
)

// Config says how far Soundness goes with a model.
type Config struct {
	// Budget is the largest reachable set to compare (distinct states, 0: 20,000): Soundness
	// skips a model with more.
	Budget int
	// Walks and WalkDepth are the simulation runs that must cover the space (0: 2,000 walks of
	// 60 steps).
	Walks     int64
	WalkDepth int
	// PartialWalks says the walks need not cover the space (too large for them): simulation is
	// then only checked for soundness.
	PartialWalks bool
	// Symmetry also checks under Options.Symmetry (the model must be checker.Symmetric).
	Symmetry bool
	// Short runs only the main configurations (for large models and the race detector).
	Short bool
}

// Truth is what the naive search found.
type Truth struct {
	Reachable int // distinct reachable states
	Levels    int // BFS levels, initial states at 1
	// MaxBranch is the most successors of one expansion: the enabled actions of a reachable
	// state, or the initial states (the search's first expansion).
	MaxBranch int
}

// naive is a naive breadth-first exploration: distinct states by their canonical encoding.
type naive[S, A any] struct {
	m      checker.Model[S, A]
	props  []checker.Property[S]
	truth  Truth
	first  []int  // per Always property, the BFS level of its first violating state (0: none)
	seen   []bool // per Sometimes property, whether a reachable state satisfies it
	exceed bool   // more than the budget
}

func explore[S, A any](m checker.Model[S, A], props []checker.Property[S], budget int) *naive[S, A] {
	n := &naive[S, A]{m: m, props: props, first: make([]int, len(props)), seen: make([]bool, len(props))}
	known := map[string]bool{} // only looked up
	var level []S
	add := func(s S) {
		k := string(m.Encode(nil, s))
		if known[k] {
			return
		}
		known[k] = true
		level = append(level, s)
	}
	for _, s := range m.Init() {
		add(s)
	}
	n.truth.MaxBranch = len(m.Init())
	for depth := 1; len(level) > 0; depth++ {
		if len(known) > budget {
			n.exceed = true
			return n
		}
		n.truth.Levels = depth
		cur := level
		level = nil
		for _, s := range cur {
			for i, p := range props {
				switch {
				case p.Expect == checker.Always && n.first[i] == 0 && !p.Holds(s):
					n.first[i] = depth
				case p.Expect == checker.Sometimes && p.Holds(s):
					n.seen[i] = true
				}
			}
			branch := 0
			for _, a := range m.Actions(s, nil) {
				if next, ok := m.Next(s, a); ok {
					branch++
					add(next)
				}
			}
			n.truth.MaxBranch = max(n.truth.MaxBranch, branch)
		}
	}
	n.truth.Reachable = len(known)
	return n
}

// bounded is a plain sequential BFS over encodings that stops after the expansion that makes n
// states known: what a BFS bounded by Options.MaxStates must explore, on any number of workers.
func bounded[S, A any](m checker.Model[S, A], n int64) (unique, generated int64, depth int) {
	level := map[string]int{} // only looked up and counted
	var queue []S
	add := func(s S, d int) {
		generated++
		if k := string(m.Encode(nil, s)); level[k] == 0 {
			level[k], queue = d, append(queue, s)
			depth = max(depth, d)
		}
	}
	for _, s := range m.Init() {
		add(s, 1)
	}
	for len(queue) > 0 && int64(len(level)) < n {
		s := queue[0]
		queue = queue[1:]
		d := level[string(m.Encode(nil, s))]
		for _, a := range m.Actions(s, nil) {
			if next, ok := m.Next(s, a); ok {
				add(next, d+1)
			}
		}
	}
	return int64(len(level)), generated, depth
}

// run is one configuration of the checker.
type run struct {
	name   string
	opts   checker.Options
	sliced bool // through checker.NewRun and Step, a few states at a time
	cancel bool // with a context cancelled before the start
	midway bool // with a context cancelled once half the reachable states are known
	// exhaustive runs must be complete; group names runs that must agree exactly (BFS on
	// several workers, seeded simulation on several workers).
	exhaustive bool
	group      string
}

// stops are the reasons a run may give for stopping early, beside Exhausted.
func (r run) stops() []checker.Stop {
	var s []checker.Stop
	switch o := r.opts; {
	case r.exhaustive:
	case r.cancel || r.midway:
		s = append(s, checker.StopInterrupted)
	case o.Timeout > 0:
		s = append(s, checker.StopTimeout)
	default:
		if o.MaxStates > 0 {
			s = append(s, checker.StopMaxStates)
		}
		if o.MaxDepth > 0 {
			s = append(s, checker.StopMaxDepth)
		}
	}
	if !r.opts.KeepGoing {
		s = append(s, checker.StopViolation)
	}
	if r.opts.Strategy == checker.Simulate && !r.exhaustive {
		s = append(s, checker.StopWalks)
	}
	return s
}

// Soundness runs the oracle on m (see the package comment) and reports each disagreement
// with t.Errorf. It returns the naive search's figures and false when the model has more
// reachable states than cfg.Budget (then nothing is checked).
func Soundness[S, A any](t testing.TB, m checker.Model[S, A], cfg Config) (Truth, bool) {
	t.Helper()
	if cfg.Budget == 0 {
		cfg.Budget = 20000
	}
	if cfg.Walks == 0 {
		cfg.Walks = 2000
	}
	if cfg.WalkDepth == 0 {
		cfg.WalkDepth = 60
	}
	var props []checker.Property[S]
	if p, ok := m.(checker.Propertied[S]); ok {
		props = p.Properties()
	}
	nv := explore(m, props, cfg.Budget)
	if nv.exceed {
		return Truth{}, false
	}
	ref, err := checker.Check(context.Background(), m, checker.Options{KeepGoing: true, NoReduction: true})
	if err != nil {
		t.Fatalf("reference BFS: %v", err)
	}
	o := oracle[S, A]{t: t, m: m, props: props, nv: nv, ref: ref}
	o.reference()
	for _, r := range o.runs(cfg) {
		o.check(r)
	}
	return nv.truth, true
}

type oracle[S, A any] struct {
	t      testing.TB
	m      checker.Model[S, A]
	props  []checker.Property[S]
	nv     *naive[S, A]
	ref    checker.Result[S, A]
	groups map[string]checker.Result[S, A] // the first result of each group; only looked up
}

// reference checks the reference run against the naive search.
func (o *oracle[S, A]) reference() {
	t, r, tr := o.t, o.ref, o.nv.truth
	t.Helper()
	if !r.Complete || r.Unique != int64(tr.Reachable) || r.Depth != tr.Levels {
		t.Errorf("reference BFS: %d states, depth %d, complete %v; the naive search: %d states, %d levels",
			r.Unique, r.Depth, r.Complete, tr.Reachable, tr.Levels)
	}
	for i, p := range o.props {
		got := r.Properties[i]
		switch p.Expect {
		case checker.Always:
			want := checker.Holds
			if o.nv.first[i] > 0 {
				want = checker.Violated
			}
			if got.Status != want {
				t.Errorf("reference BFS: %q %v, the naive search says %v", p.Name, got.Status, want)
			} else if want == checker.Violated && len(got.Trace.Steps)+1 != o.nv.first[i] {
				t.Errorf("reference BFS: %q violated after %d steps, the naive search first at level %d", p.Name, len(got.Trace.Steps), o.nv.first[i])
			}
		case checker.Sometimes:
			if want := map[bool]checker.Status{true: checker.Holds, false: checker.Violated}[o.nv.seen[i]]; got.Status != want {
				t.Errorf("reference BFS: %q %v, the naive search says %v", p.Name, got.Status, want)
			}
		default:
			if got.Status == checker.Unknown {
				t.Errorf("reference BFS: %q unknown after a complete search", p.Name)
			}
		}
	}
}

// runs lists the configurations to compare with the reference.
func (o *oracle[S, A]) runs(cfg Config) []run {
	u, d := o.ref.Unique, o.ref.Depth
	sim := func(workers int) checker.Options {
		return checker.Options{Strategy: checker.Simulate, Workers: workers, Walks: cfg.Walks, MaxDepth: cfg.WalkDepth, Seed: 1}
	}
	with := func(opts checker.Options, f func(*checker.Options)) checker.Options { f(&opts); return opts }
	keep := func(o *checker.Options) { o.KeepGoing = true }
	var rs []run
	for _, w := range []int{1, 2, 3} {
		rs = append(rs, run{name: fmt.Sprintf("bfs/%dw/keep-going", w), opts: checker.Options{Workers: w, KeepGoing: true}, exhaustive: true, group: "bfs keep-going"})
		rs = append(rs, run{name: fmt.Sprintf("bfs/%dw", w), opts: checker.Options{Workers: w}, group: "bfs"})
	}
	rs = append(rs,
		run{name: "bfs/sliced/keep-going", opts: checker.Options{KeepGoing: true}, sliced: true, exhaustive: true, group: "bfs keep-going"},
		run{name: "bfs/sliced", opts: checker.Options{}, sliced: true, group: "bfs"},
		run{name: "dfs/keep-going", opts: checker.Options{Strategy: checker.DFS, KeepGoing: true}, exhaustive: true},
		run{name: "dfs", opts: checker.Options{Strategy: checker.DFS}},
		run{name: "simulate/1w/keep-going", opts: with(sim(1), keep), exhaustive: !cfg.PartialWalks, group: "simulate keep-going"},
		run{name: "simulate/2w/keep-going", opts: with(sim(2), keep), exhaustive: !cfg.PartialWalks, group: "simulate keep-going"},
		run{name: "simulate/2w", opts: sim(2)},
		run{name: "bfs/2w/no-liveness", opts: checker.Options{Workers: 2, KeepGoing: true, NoLiveness: true}, exhaustive: true},
		run{name: "bfs/2w/no-reduction", opts: checker.Options{Workers: 2, KeepGoing: true, NoReduction: true}, exhaustive: true},
		run{name: "dfs/no-reduction", opts: checker.Options{Strategy: checker.DFS, KeepGoing: true, NoReduction: true}, exhaustive: true},
	)
	if cfg.Symmetry {
		sym := func(o *checker.Options) { o.Symmetry = true }
		rs = append(rs,
			run{name: "bfs/2w/symmetry/keep-going", opts: checker.Options{Workers: 2, KeepGoing: true, Symmetry: true}, exhaustive: true},
			run{name: "dfs/symmetry/keep-going", opts: checker.Options{Strategy: checker.DFS, KeepGoing: true, Symmetry: true}, exhaustive: true},
			run{name: "simulate/2w/symmetry/keep-going", opts: with(with(sim(2), keep), sym), exhaustive: !cfg.PartialWalks},
			run{name: "bfs/2w/symmetry", opts: checker.Options{Workers: 2, Symmetry: true}},
		)
	}
	if !cfg.Short {
		rs = append(rs,
			run{name: "dfs/sliced/keep-going", opts: checker.Options{Strategy: checker.DFS, KeepGoing: true}, sliced: true, exhaustive: true},
			run{name: "simulate/sliced/keep-going", opts: with(sim(1), keep), sliced: true, exhaustive: !cfg.PartialWalks, group: "simulate keep-going"},
			run{name: "dfs/no-liveness", opts: checker.Options{Strategy: checker.DFS, KeepGoing: true, NoLiveness: true}, exhaustive: true},
		)
	}
	// Cut by bounds.
	for _, n := range []int64{max(u/3, 1), max(2*u/3, 1)} {
		g := fmt.Sprintf("bfs max-states %d", n)
		for _, w := range []int{1, 2, 3} {
			rs = append(rs, run{name: fmt.Sprintf("bfs/%dw/max-states=%d", w, n), opts: checker.Options{Workers: w, MaxStates: n, KeepGoing: true}, group: g})
		}
		rs = append(rs,
			run{name: fmt.Sprintf("bfs/sliced/max-states=%d", n), opts: checker.Options{MaxStates: n, KeepGoing: true}, sliced: true, group: g},
			run{name: fmt.Sprintf("bfs/2w/max-states=%d/stop", n), opts: checker.Options{Workers: 2, MaxStates: n}},
			run{name: fmt.Sprintf("dfs/max-states=%d", n), opts: checker.Options{Strategy: checker.DFS, MaxStates: n, KeepGoing: true}},
			run{name: fmt.Sprintf("simulate/2w/max-states=%d", n), opts: with(with(sim(2), keep), func(o *checker.Options) { o.MaxStates = n })},
		)
		if !cfg.Short {
			rs = append(rs, run{name: fmt.Sprintf("bfs/2w/max-states=%d/no-liveness", n), opts: checker.Options{Workers: 2, MaxStates: n, KeepGoing: true, NoLiveness: true}})
		}
		if cfg.Symmetry {
			rs = append(rs, run{name: fmt.Sprintf("bfs/2w/max-states=%d/symmetry", n), opts: checker.Options{Workers: 2, MaxStates: n, KeepGoing: true, Symmetry: true}})
		}
	}
	if d > 1 {
		md := max(d/2, 1)
		rs = append(rs,
			run{name: fmt.Sprintf("bfs/2w/max-depth=%d", md), opts: checker.Options{Workers: 2, MaxDepth: md, KeepGoing: true}},
			run{name: fmt.Sprintf("dfs/max-depth=%d", md), opts: checker.Options{Strategy: checker.DFS, MaxDepth: md, KeepGoing: true}},
			run{name: fmt.Sprintf("simulate/2w/max-depth=%d", md), opts: with(sim(2), func(o *checker.Options) { o.MaxDepth, o.KeepGoing = md, true })},
		)
		if cfg.Symmetry {
			rs = append(rs, run{name: fmt.Sprintf("bfs/2w/max-depth=%d/symmetry", md), opts: checker.Options{Workers: 2, MaxDepth: md, KeepGoing: true, Symmetry: true}})
		}
	}
	for _, s := range []checker.Strategy{checker.BFS, checker.DFS, checker.Simulate} {
		opts := checker.Options{Strategy: s, Workers: 2, KeepGoing: true}
		if s == checker.Simulate {
			opts = with(sim(2), keep)
		}
		rs = append(rs,
			run{name: s.String() + "/timeout", opts: with(opts, func(o *checker.Options) { o.Timeout = time.Nanosecond })},
			run{name: s.String() + "/cancelled", opts: opts, cancel: true},
			run{name: s.String() + "/sliced/cancelled", opts: opts, cancel: true, sliced: true},
			run{name: s.String() + "/cancelled-midway", opts: opts, midway: true},
			run{name: s.String() + "/sliced/cancelled-midway", opts: opts, midway: true, sliced: true},
		)
	}
	return rs
}

// exec runs one configuration.
func (o *oracle[S, A]) exec(r run) (checker.Result[S, A], error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if r.cancel {
		cancel()
	}
	half := int64(o.nv.truth.Reachable / 2)
	opts := r.opts
	if r.midway && !r.sliced {
		opts.ProgressEvery = time.Nanosecond
		opts.Progress = func(p checker.Progress) {
			if p.Unique >= half {
				cancel()
			}
		}
	}
	if !r.sliced {
		return checker.Check(ctx, o.m, opts)
	}
	cr, err := checker.NewRun(o.m, opts)
	if err != nil {
		return checker.Result[S, A]{}, err
	}
	for !cr.Step(ctx, 7) {
		if r.midway && cr.Progress().Unique >= half {
			cancel()
		}
	}
	res := cr.Result()
	return res, res.Err
}

// check runs one configuration and compares it with the reference.
func (o *oracle[S, A]) check(r run) {
	t := o.t
	t.Helper()
	res, err := o.exec(r)
	if err != nil {
		t.Errorf("%s: %v", r.name, err)
		return
	}
	truth := o.nv.truth
	if res.Complete != (res.Stopped == checker.Exhausted) || res.Complete && !res.Searched {
		t.Errorf("%s: complete %v, searched %v, stopped %q", r.name, res.Complete, res.Searched, res.Stopped)
	}
	if r.exhaustive && !res.Complete {
		t.Errorf("%s: not complete (%d states of %d), stopped %q", r.name, res.Unique, truth.Reachable, res.Stopped)
	}
	if !res.Complete && !slices.Contains(r.stops(), res.Stopped) {
		t.Errorf("%s: stopped %q; it may stop for %v", r.name, res.Stopped, r.stops())
	}
	if !r.opts.KeepGoing && r.opts.MaxStates == 0 && r.opts.MaxDepth == 0 && r.opts.Strategy != checker.Simulate && !r.cancel && r.opts.Timeout == 0 &&
		o.alwaysViolated() && res.Stopped != checker.StopViolation {
		t.Errorf("%s: stopped %q, yet an invariant is violated", r.name, res.Stopped)
	}
	_, covering := o.m.(checker.Covering[S])
	reduced := covering && !r.opts.NoReduction // fewer states, the same verdicts
	if (res.Complete || res.Searched) && !r.opts.Symmetry && !reduced && res.Unique != int64(truth.Reachable) {
		t.Errorf("%s: complete with %d states; %d are reachable", r.name, res.Unique, truth.Reachable)
	}
	if res.Complete && (r.opts.Symmetry || reduced) && (res.Unique > int64(truth.Reachable) || res.Unique == 0) {
		t.Errorf("%s: complete with %d states or orbits; %d states are reachable", r.name, res.Unique, truth.Reachable)
	}
	if op := r.opts; op.MaxStates > 0 && op.Strategy == checker.BFS && op.KeepGoing && !op.Symmetry && !reduced && op.MaxDepth == 0 {
		if u, g, d := bounded(o.m, op.MaxStates); res.Unique != u || res.Generated != g || res.Depth != d {
			t.Errorf("%s: %d states, %d generated, depth %d; a sequential BFS with that bound: %d, %d, %d", r.name, res.Unique, res.Generated, res.Depth, u, g, d)
		}
	}
	if n := r.opts.MaxStates; n > 0 {
		// Stopped once n distinct states are known, after the expansion that reached them.
		if res.Unique > n-1+int64(truth.MaxBranch) || res.Stopped == checker.StopMaxStates && res.Unique < n {
			t.Errorf("%s: %d distinct states, complete %v: not within one state's successors (at most %d) of the bound", r.name, res.Unique, res.Complete, truth.MaxBranch)
		}
	}
	for i, p := range o.props {
		got, want := res.Properties[i], o.ref.Properties[i].Status
		temporalOff := r.opts.NoLiveness && p.Expect.Temporal()
		switch {
		case got.Status != checker.Unknown && got.Status != want:
			t.Errorf("%s: %q %v; it is %v", r.name, p.Name, got.Status, want)
		case got.Status == checker.Unknown && res.Complete && !temporalOff:
			t.Errorf("%s: %q unknown after a complete search; it is %v", r.name, p.Name, want)
		case got.Status == checker.Unknown && res.Searched && !p.Expect.Temporal():
			t.Errorf("%s: %q unknown after an exhaustive search (the liveness pass cut); it is %v", r.name, p.Name, want)
		case got.Status == checker.Holds && !res.Complete && !(res.Searched && !p.Expect.Temporal()) && !(p.Expect == checker.Sometimes && got.Trace != nil):
			t.Errorf("%s: %q holds, yet the search was not complete", r.name, p.Name)
		}
		if got.Status == checker.Violated && p.Expect != checker.Sometimes || got.Status == checker.Holds && p.Expect == checker.Sometimes {
			if err := o.validTrace(p, got.Trace); err != nil {
				t.Errorf("%s: %q %v: %v", r.name, p.Name, got.Status, err)
			}
		}
		if got.Status == checker.Violated && p.Expect == checker.Always && r.opts.Strategy == checker.BFS && !r.opts.Symmetry &&
			len(got.Trace.Steps)+1 != o.nv.first[i] {
			t.Errorf("%s: %q violated after %d steps; the shortest trace has %d", r.name, p.Name, len(got.Trace.Steps), o.nv.first[i]-1)
		}
	}
	if r.group == "" {
		return
	}
	if o.groups == nil {
		o.groups = map[string]checker.Result[S, A]{}
	}
	first, ok := o.groups[r.group]
	if !ok {
		o.groups[r.group] = res
		return
	}
	if a, b := o.summary(res), o.summary(first); a != b {
		t.Errorf("%s differs from the first run of its group (%s):\n got %s\nwant %s", r.name, r.group, a, b)
	}
}

// alwaysViolated reports whether the reference found an invariant violated.
func (o *oracle[S, A]) alwaysViolated() bool {
	for i, p := range o.props {
		if p.Expect == checker.Always && o.ref.Properties[i].Status == checker.Violated {
			return true
		}
	}
	return false
}

// summary is what must not depend on the number of workers or on slicing.
func (o *oracle[S, A]) summary(r checker.Result[S, A]) string {
	s := fmt.Sprintf("unique %d generated %d depth %d walks %d stopped %q", r.Unique, r.Generated, r.Depth, r.Walks, r.Stopped)
	for _, p := range r.Properties {
		s += fmt.Sprintf("; %s %v", p.Name, p.Status)
		if p.Trace != nil {
			s += fmt.Sprintf(" %x", o.m.Encode(nil, p.Trace.Init))
			for _, st := range p.Trace.Steps {
				s += fmt.Sprintf(",%x", o.m.Encode(nil, st.State))
			}
			if p.Trace.Cycle {
				s += fmt.Sprintf(" loop %d", p.Trace.CycleStart)
			}
		}
	}
	return s
}

// validTrace checks that tr replays through the model and shows p's verdict.
func (o *oracle[S, A]) validTrace(p checker.Property[S], tr *checker.Trace[S, A]) error {
	if tr == nil {
		return fmt.Errorf("no trace")
	}
	m := o.m
	enc := func(s S) string { return string(m.Encode(nil, s)) }
	if !slices.ContainsFunc(m.Init(), func(s S) bool { return enc(s) == enc(tr.Init) }) {
		return fmt.Errorf("the trace does not start in an initial state")
	}
	states := []S{tr.Init}
	for k, st := range tr.Steps {
		next, ok := m.Next(states[k], st.Action)
		if !ok || enc(next) != enc(st.State) {
			return fmt.Errorf("step %d does not replay (enabled %v)", k+1, ok)
		}
		states = append(states, next)
	}
	last := len(states) - 1
	loop := -1
	if tr.Cycle {
		loop = tr.CycleStart
		if loop < 0 || loop >= last || enc(states[loop]) != enc(states[last]) {
			return fmt.Errorf("the lasso's last step does not return to the state of step %d", tr.CycleStart)
		}
		if err := o.fairCycle(states[loop:], tr.Steps[loop:], p.Expect == checker.EventuallyAlways || p.Expect == checker.Quiesces); err != nil {
			return err
		}
	} else if p.Expect.Temporal() && o.moves(states[last], false) != 0 {
		return fmt.Errorf("the run stops in a state where a fair action is enabled")
	}
	instances := max(p.Per, 1)
	cond := func(f func(S) bool, fk func(S, int) bool, k int, s S) bool {
		if p.Per > 0 {
			return fk(s, k)
		}
		return f(s)
	}
	holds := func(k int, s S) bool { return cond(p.Holds, p.HoldsPer, k, s) }
	then := func(k int, s S) bool { return cond(p.Then, p.ThenPer, k, s) }
	ending := states[last:] // the states the run ends in: the last, or the cycle's
	if loop >= 0 {
		ending = states[loop:]
	}
	for k := range instances {
		ok := false
		switch p.Expect {
		case checker.Always:
			ok = !holds(k, states[last])
		case checker.Sometimes:
			ok = holds(k, states[last])
		case checker.Eventually:
			ok = !slices.ContainsFunc(states, func(s S) bool { return holds(k, s) })
		case checker.AlwaysEventually:
			ok = !slices.ContainsFunc(ending, func(s S) bool { return holds(k, s) })
		case checker.EventuallyAlways:
			ok = slices.ContainsFunc(ending, func(s S) bool { return !holds(k, s) })
		case checker.LeadsTo:
			for i := range states {
				if holds(k, states[i]) && !slices.ContainsFunc(states[i:], func(s S) bool { return then(k, s) }) {
					ok = true
				}
			}
		case checker.Quiesces:
			ok = loop >= 0 || o.moves(states[last], true) == 0
		}
		if ok {
			return nil
		}
	}
	return fmt.Errorf("the trace (%d steps, loop %d) does not show it", len(tr.Steps), loop)
}

// group returns a's action group (one fair group of the system without Fairness).
func (o *oracle[S, A]) group(a A) checker.ActionGroup {
	if f, ok := o.m.(checker.Fairness[A]); ok {
		return f.ActionGroup(a)
	}
	return checker.ActionGroup{Name: "every action", Fair: true}
}

// moves returns the fair groups (of the system only, if system) with a step out of s that
// changes the state, as bits of their order of appearance in names.
func (o *oracle[S, A]) moves(s S, system bool) int {
	n := 0
	enc := string(o.m.Encode(nil, s))
	for _, a := range o.m.Actions(s, nil) {
		next, ok := o.m.Next(s, a)
		g := o.group(a)
		if ok && g.Fair && !(system && g.Environment) && string(o.m.Encode(nil, next)) != enc {
			n++
		}
	}
	return n
}

// fairCycle checks that a cycle (states[0] == states[len-1], steps[i] leads to states[i+1])
// takes every fair group enabled in all its states, and, if noEnv, no environment action.
func (o *oracle[S, A]) fairCycle(states []S, steps []checker.Step[S, A], noEnv bool) error {
	enc := func(s S) string { return string(o.m.Encode(nil, s)) }
	taken := map[string]bool{} // only looked up
	for i, st := range steps {
		g := o.group(st.Action)
		if enc(states[i]) == enc(st.State) {
			continue // stuttering
		}
		if noEnv && g.Environment {
			return fmt.Errorf("the cycle takes an environment action (%s)", g.Name)
		}
		taken[g.Name] = true
	}
	var always []string
	for i, s := range states[:len(states)-1] {
		var here []string
		for _, a := range o.m.Actions(s, nil) {
			next, ok := o.m.Next(s, a)
			if g := o.group(a); ok && g.Fair && enc(next) != enc(s) && !slices.Contains(here, g.Name) {
				here = append(here, g.Name)
			}
		}
		if i == 0 {
			always = here
		} else {
			always = slices.DeleteFunc(always, func(g string) bool { return !slices.Contains(here, g) })
		}
	}
	for _, g := range always {
		if !taken[g] {
			return fmt.Errorf("the cycle never takes %s, enabled all round it", g)
		}
	}
	return nil
}
