package checker

import (
	"context"
	"testing"
	"time"
)

// The paths where several goroutines meet a stop: parallel BFS, the parallel liveness pass and
// parallel simulation, each stopped by a timeout, a cancellation and a state bound in the middle
// of a level (run under the race detector by make race). Each must stop for that reason, say
// nothing holds, and leave the table consistent (the traces it gives replay).
func TestStopsMidLevelOnManyWorkers(t *testing.T) {
	g := randomGraph(400000, 5, 11)
	g.props = []Property[int]{
		{Name: "never 399999", Expect: Always, Holds: func(s int) bool { return s != 399999 }},
		{Name: "sometimes 3", Expect: Sometimes, Holds: func(s int) bool { return s == 3 }},
		{Name: "eventually 0 again", Expect: AlwaysEventually, Holds: func(s int) bool { return s == 0 }},
	}
	for _, strategy := range []Strategy{BFS, DFS, Simulate} {
		for _, stop := range []Stop{StopTimeout, StopInterrupted, StopMaxStates} {
			opts := Options{Strategy: strategy, Workers: 4, KeepGoing: true, Walks: 1 << 40, MaxDepth: 200}
			if strategy != Simulate {
				opts.MaxDepth = 0
			}
			ctx, cancel := context.WithCancel(context.Background())
			switch stop {
			case StopTimeout:
				opts.Timeout = 30 * time.Millisecond
			case StopInterrupted:
				time.AfterFunc(30*time.Millisecond, cancel)
			case StopMaxStates:
				opts.MaxStates = 30001 // BFS: within level 8 (of 17,000 to 60,000 states)
			}
			r, err := Check(ctx, g, opts)
			cancel()
			if err != nil {
				t.Fatalf("%v %v: %v", strategy, stop, err)
			}
			if r.Stopped != stop || r.Complete {
				t.Errorf("%v %v: stopped %v, complete %v (%d states)", strategy, stop, r.Stopped, r.Complete, r.Unique)
			}
			for _, p := range r.Properties {
				if p.Status == Holds && p.Expect != Sometimes || p.Status == Violated && p.Expect == Always && p.Trace.Last() != 399999 {
					t.Errorf("%v %v: %s %v", strategy, stop, p.Name, p.Status)
				}
				if p.Trace != nil {
					if _, err := PathOf(Model[int, int](g), p.Trace); err != nil {
						t.Errorf("%v %v: %s: %v", strategy, stop, p.Name, err)
					}
				}
			}
		}
	}
	// The liveness pass after DFS explores on every worker; a cancellation or a timeout during
	// it stops the check, keeping the safety verdicts of the exhaustive search. The progress callback, called once the pass has begun, cancels, or
	// waits past the deadline.
	small := randomGraph(100000, 5, 12)
	small.props = g.props
	for _, stop := range []Stop{StopInterrupted, StopTimeout} {
		ctx, cancel := context.WithCancel(context.Background())
		begun := time.Now()
		opts := Options{Strategy: DFS, Workers: 4, ProgressEvery: time.Nanosecond}
		if stop == StopTimeout {
			opts.Timeout = time.Minute
		}
		opts.Progress = func(p Progress) {
			if p.Liveness == 0 {
				return
			}
			if stop == StopInterrupted {
				cancel()
			} else {
				time.Sleep(time.Until(begun.Add(opts.Timeout)))
			}
		}
		if stop == StopTimeout {
			opts.Timeout = 5 * time.Second // past the search, which the callback does not slow
			if search := check(t, small, Options{Strategy: DFS, NoLiveness: true}); search.Duration > opts.Timeout/2 {
				t.Skipf("the search alone takes %v", search.Duration)
			}
			begun = time.Now()
		}
		r, err := Check(ctx, small, opts)
		cancel()
		// The search was exhaustive: the invariant keeps its verdict (no state 399999 among
		// 100,000: it holds); the temporal property is undecided.
		if err != nil || r.Complete || !r.Searched || r.Stopped != stop || r.Properties[2].Status != Unknown || r.Properties[0].Status != Holds {
			t.Errorf("%v in the liveness pass: stopped %v, complete %v, searched %v, %v %v (%v)", stop, r.Stopped, r.Complete, r.Searched, r.Properties[0].Status, r.Properties[2].Status, err)
		}
	}
}
