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
	Doc    string // Property.Doc
	Expect Expectation
	Status Status
	Trace  *Trace[S, A] // nil when there is nothing to show
}

// Result is the outcome of a check.
type Result[S, A any] struct {
	Strategy  Strategy
	Workers   int
	Generated int64 // states generated, counting initial states (TLC's "states generated")
	Unique    int64 // distinct states
	Depth     int   // deepest BFS level (initial states at 1), DFS stack or simulation walk
	Walks     int64 // walks completed (simulation only)
	Complete  bool  // every reachable state was explored: Stopped is Exhausted
	// Searched: the search itself explored every reachable state, so the Always and Sometimes
	// properties are decided, though the liveness pass after it may have been cut (a timeout,
	// a cancel: then Complete is false and the temporal properties not violated are unknown).
	Searched   bool
	Stopped    Stop // why the search ended before it had explored every reachable state
	Duration   time.Duration
	TableBytes int64 // memory of the visited-state table
	LiveBytes  int64 // memory of the state graph the temporal properties were decided on, and of its record by BFS (0: none)
	// LiveExplored is how many states the liveness pass explored again, after the search (0: it
	// decided on the graph BFS recorded, or on its product under symmetry, or there was no
	// pass).
	LiveExplored int64
	// Symmetry: the search explored one state per orbit of the model's symmetry
	// (Options.Symmetry, on a model with a symmetry for its configuration).
	Symmetry   bool
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

// Stop says why a search ended before it had explored every reachable state. A search that
// stopped for any reason is not complete: it says a property holds only for a Sometimes
// property whose witness it found, and leaves every property it did not decide unknown.
type Stop uint8

const (
	// Exhausted: the search explored every reachable state (a depth bound that cut nothing off
	// included): it is complete.
	Exhausted Stop = iota
	// StopViolation: the search stopped at the first violation of an Always or Eventually
	// property (BFS at the end of that level); Options.KeepGoing explores on.
	StopViolation
	// StopMaxStates: Options.MaxStates distinct states were known (or the visited table could
	// not grow further).
	StopMaxStates
	// StopMaxDepth: paths were cut at Options.MaxDepth while states beyond it remained.
	StopMaxDepth
	// StopTimeout: Options.Timeout passed (during the search, or while the liveness pass
	// explored the graph after a DFS, a simulation or a search under symmetry).
	StopTimeout
	// StopInterrupted: the context ended (Ctrl-C, Cancel).
	StopInterrupted
	// StopWalks: simulation ran its walks without expanding every state it met.
	StopWalks
	// StopMemory: the process held more than Options.MaxMemory bytes (during the search, or
	// while the liveness pass explored or built its graph).
	StopMemory
)

// String returns the reason as the JSON report's "stopped" field gives it: "violation",
// "max-states", "max-depth", "timeout", "interrupted", "walks" or "memory", and "" for
// Exhausted.
func (s Stop) String() string {
	switch s {
	case StopViolation:
		return "violation"
	case StopMaxStates:
		return "max-states"
	case StopMaxDepth:
		return "max-depth"
	case StopTimeout:
		return "timeout"
	case StopInterrupted:
		return "interrupted"
	case StopWalks:
		return "walks"
	case StopMemory:
		return "memory"
	}
	return ""
}
