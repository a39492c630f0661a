package checker

import (
	"fmt"
	"strings"
	"time"
)

// Strategy is a way of exploring the state space.
type Strategy uint8

const (
	// BFS explores level by level and reports shortest counterexamples.
	BFS Strategy = iota
	// DFS explores depth first; its counterexamples are the search stack, not shortest.
	DFS
	// Simulate runs seeded random walks; it never proves that a property holds.
	Simulate
)

// String returns "bfs", "dfs" or "simulate".
func (s Strategy) String() string {
	switch s {
	case BFS:
		return "bfs"
	case DFS:
		return "dfs"
	case Simulate:
		return "simulate"
	}
	return fmt.Sprintf("strategy(%d)", uint8(s))
}

// ParseStrategy reads "bfs", "dfs" or "simulate".
func ParseStrategy(s string) (Strategy, error) {
	switch strings.ToLower(s) {
	case "bfs":
		return BFS, nil
	case "dfs":
		return DFS, nil
	case "simulate", "simulation":
		return Simulate, nil
	}
	return 0, fmt.Errorf("unknown strategy %q (want bfs, dfs or simulate)", s)
}

// Options bound and steer a check. The zero value is a sequential, unbounded BFS.
type Options struct {
	Strategy Strategy
	// Workers is the number of goroutines for BFS, simulation and the liveness pass (0 or 1:
	// sequential). Results do not depend on it. DFS searches on one (its liveness pass uses
	// Workers); the sliced mode of Run searches on one.
	Workers int
	// MaxDepth bounds path length: states at depth MaxDepth (initial states are at depth 1) are
	// not expanded. 0 means unbounded for BFS and DFS, and 100 per walk for simulation.
	MaxDepth int
	// MaxStates stops the search after the expansion that makes this many distinct states
	// known, counting initial states (0: unbounded): it ends with at least MaxStates and fewer
	// than MaxStates plus one state's successors. BFS on several workers cuts its last level
	// where a sequential BFS stops, so the states, counts and traces do not depend on the
	// workers.
	MaxStates int64
	// Timeout stops the search after this long (0: none).
	Timeout time.Duration
	// MaxMemory, if positive, stops the search (StopMemory) once the process holds more than
	// this many bytes of Go memory (runtime/metrics: all the runtime has mapped, less what it
	// returned to the operating system), read at most every 50 ms: the bound is on the whole
	// process, and a search stops somewhat above it. Like a timeout, where it stops depends on
	// the machine: a search cut by it is not reproducible.
	MaxMemory int64
	// Seed and Walks steer simulation: walk i draws from a generator seeded by Seed; Walks is
	// the number of walks (0: until a bound stops it, or 1000 walks without Timeout).
	Seed  uint64
	Walks int64
	// Progress, if set, is called about every ProgressEvery (default 1s; with several BFS
	// workers at least a millisecond apart) from Check during the
	// search (a sliced Run is polled with Run.Progress instead), then by the liveness pass
	// (Progress.Liveness set), from Check or Run.Result; it must return quickly.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// KeepGoing explores on after a violation, so that every property gets a verdict and the
	// counts cover the whole bounded space. By default the search stops after the BFS level
	// (for DFS and simulation: the step) where an Always or Eventually property fails, and is
	// then not complete (StopViolation).
	KeepGoing bool
	// GraphLimit, if positive, captures the explored state graph up to this many nodes. BFS then
	// runs on one worker.
	GraphLimit int
	// Symmetry identifies states with their canonical representative (Symmetric): one state
	// per orbit is explored, in every strategy. Traces stay concrete: they are re-executed
	// from the real initial state. A model that is not Symmetric, or reports no symmetry for
	// its configuration (SymmetryReporter), has the plain search (every orbit is one state).
	// After BFS, the liveness pass decides on the recorded quotient when the model is a
	// ProcessSymmetry (quotient.go), unless a complete search's reduction skipped steps or the
	// permutations overflowed; otherwise it explores every state again, without symmetry.
	Symmetry bool
	// NoReduction explores the steps a Covering model says are covered (for differential
	// tests, and for the whole state space).
	NoReduction bool
	// NoLiveness leaves the temporal properties (Eventually, AlwaysEventually, LeadsTo,
	// EventuallyAlways, Quiesces) undecided but for dead ends met during the search: the
	// liveness pass, a second exploration after the search, is skipped.
	NoLiveness bool
}

// Validate reports every bad field at once.
func (o Options) Validate() error {
	var bad []string
	if o.Strategy > Simulate {
		bad = append(bad, "strategy: unknown")
	}
	if o.Workers < 0 {
		bad = append(bad, "workers: must be >= 0")
	}
	if o.MaxDepth < 0 {
		bad = append(bad, "max depth: must be >= 0")
	}
	if o.MaxStates < 0 {
		bad = append(bad, "max states: must be >= 0")
	}
	if o.Timeout < 0 {
		bad = append(bad, "timeout: must be >= 0")
	}
	if o.MaxMemory < 0 {
		bad = append(bad, "max memory: must be >= 0")
	}
	if o.Walks < 0 {
		bad = append(bad, "walks: must be >= 0")
	}
	if o.GraphLimit < 0 {
		bad = append(bad, "graph limit: must be >= 0")
	}
	if len(bad) > 0 {
		return fmt.Errorf("invalid options: %s", strings.Join(bad, "; "))
	}
	return nil
}

// Progress is a snapshot of a running search.
type Progress struct {
	Generated int64         // states generated so far, counting initial states
	Unique    int64         // distinct states
	Depth     int           // current BFS level or DFS stack depth (walk length for simulation)
	Queue     int64         // states waiting to be expanded (BFS frontier, DFS stack) or walks done
	Rate      float64       // states generated per second since the start
	Elapsed   time.Duration // wall time since the start
	// Liveness, once the search is over, is the number of states the liveness pass has
	// expanded so far (0 while searching).
	Liveness int64
}
