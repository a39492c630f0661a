package checker

import "time"

// Step is one transition of a trace: the action taken and the state it led to.
type Step[S, A any] struct {
	Action A
	State  S
}

// Trace is a path from an initial state: a counterexample or a witness. Its length is the
// number of steps (actions).
type Trace[S, A any] struct {
	Init  S
	Steps []Step[S, A]
	// Cycle marks a lasso: the last step returns to the state at index CycleStart (0 for the
	// initial state), and the steps after it repeat forever.
	Cycle      bool
	CycleStart int
}

// Last returns the trace's final state.
func (t *Trace[S, A]) Last() S {
	if len(t.Steps) == 0 {
		return t.Init
	}
	return t.Steps[len(t.Steps)-1].State
}

// PropertyResult is the verdict on one property, with the trace that shows a violation (or,
// for Sometimes, a witness).
type PropertyResult[S, A any] struct {
	Name   string
	Expect Expectation
	Status Status
	Trace  *Trace[S, A] // nil when there is nothing to show
}

// Result is the outcome of a check.
type Result[S, A any] struct {
	Strategy   Strategy
	Workers    int
	Generated  int64 // states generated, counting initial states (TLC's "states generated")
	Unique     int64 // distinct states
	Depth      int   // deepest BFS level (initial states at 1), DFS stack or simulation walk
	Walks      int64 // walks completed (simulation only)
	Complete   bool  // the whole space within MaxDepth was explored: no bound, stop or cut-off
	Duration   time.Duration
	TableBytes int64 // memory of the visited-state table
	LiveBytes  int64 // memory of the state graph the temporal properties were decided on, and of its record by BFS (0: none)
	Properties []PropertyResult[S, A]
	Graph      *Graph    // the captured state graph, when Options.GraphLimit was set
	Err        error     // a model fault found while rebuilding a trace (nondeterminism)
	canon      func(S) S // the orbit representative when the search used symmetry
}

// BytesPerState is the visited-state table's memory divided by the distinct states.
func (r Result[S, A]) BytesPerState() float64 {
	if r.Unique == 0 {
		return 0
	}
	return float64(r.TableBytes) / float64(r.Unique)
}

// Property returns the result for the named property, or nil.
func (r Result[S, A]) Property(name string) *PropertyResult[S, A] {
	for i := range r.Properties {
		if r.Properties[i].Name == name {
			return &r.Properties[i]
		}
	}
	return nil
}
