// Package checker is a generic explicit-state model checker.
//
// A model is a transition system over a state type S and an action type A (see [Model]). The
// checker explores its reachable states by breadth-first search (shortest counterexamples,
// parallel over several workers with results identical for any worker count), depth-first
// search, or seeded random simulation, and evaluates [Property] values over them. A search is
// complete only when it has explored every reachable state; one that stops early (at the first
// violation, a bound, a timeout, a cancellation) says why ([Stop]) and never claims that a
// property holds, but for a witness it found, and for an Always property after an exhaustive
// search whose liveness pass was cut ([Result].Searched).
//
// Visited states are kept as 63-bit xxhash fingerprints of the model's canonical encoding in a
// compact open-addressing table; counterexample traces are rebuilt from parent links by
// re-executing the model. A [Run] can be advanced in slices (a budget of expansions per call) so
// that a single-threaded host such as a WebAssembly page can report progress and stop between
// slices; [Check] runs to the end, on every worker asked for. [NewPartitionedRun] is a Run that
// shares one BFS with other instances that share no memory (Web Workers), linked by a [Peer]:
// the same result as one worker.
//
// The package knows nothing of any particular model.
package checker
