package checker

// Model is a transition system with states of type S and actions of type A.
//
// All methods must be deterministic and must not modify their arguments: sibling successors
// share the parent state. Actions must list actions in a deterministic order; that order decides
// which of several shortest counterexamples is reported.
type Model[S, A any] interface {
	// Init returns the initial states.
	Init() []S
	// Actions appends the actions that may be taken in s to buf and returns it.
	Actions(s S, buf []A) []A
	// Next returns the state that action a leads to from s, or false if a is disabled in s.
	Next(s S, a A) (S, bool)
	// Encode appends a canonical binary encoding of s to buf: two states are equal exactly
	// when their encodings are. Its xxhash is the state's fingerprint.
	Encode(buf []byte, s S) []byte
}

// Propertied is implemented by models that declare properties to check.
type Propertied[S any] interface {
	Properties() []Property[S]
}

// ActionFormatter is implemented by models that describe an action taken in state s.
type ActionFormatter[S, A any] interface {
	FormatAction(s S, a A) string
}

// StateFormatter is implemented by models that describe a state in full (for traces).
type StateFormatter[S any] interface {
	FormatState(s S) string
}

// Symmetric is implemented by models whose states are interchangeable under some
// permutations of their components (Options.Symmetry). Representative returns the canonical
// member of s's orbit: a state that behaves like s up to the permutation, and is the same for
// every member of the orbit. The model's properties must not tell members of an orbit apart.
type Symmetric[S any] interface {
	Representative(s S) S
}

// StateLabeler is implemented by models that give a state a short label (for graph nodes).
type StateLabeler[S any] interface {
	LabelState(s S) string
}

// Expectation says how a property's condition is judged over the reachable states.
type Expectation uint8

const (
	// Always: the condition holds in every reachable state (an invariant).
	Always Expectation = iota
	// Sometimes: the condition holds in at least one reachable state (a witness must exist).
	Sometimes
	// Eventually: on every run the condition holds at some state, every action being weakly
	// fair together (a run stops only where nothing is enabled). During the search a path that
	// ends (a terminal state) or is cut by the depth bound without the condition violates it;
	// once a search is complete, the runs that never reach the condition are looked for in the
	// whole graph, so that one that cycles forever is found too, as a lasso (Trace.Cycle).
	Eventually
	// AlwaysEventually: on every run the condition holds infinitely often (always eventually),
	// all actions weakly fair together: violated by a reachable dead end, or cycle, from which
	// it never holds again. Decided after a complete search only.
	AlwaysEventually
	// LeadsTo: whenever the condition (Holds) holds, Then holds at that state or a later one
	// on every run, all actions weakly fair together. Decided after a complete search only.
	LeadsTo
)

// String returns "always", "sometimes" or "eventually".
func (e Expectation) String() string {
	switch e {
	case Always:
		return "always"
	case Sometimes:
		return "sometimes"
	case Eventually:
		return "eventually"
	case AlwaysEventually:
		return "always eventually"
	case LeadsTo:
		return "leads to"
	}
	return "unknown"
}

// Property is a named condition over states, judged according to its Expectation.
type Property[S any] struct {
	Name   string
	Expect Expectation
	Holds  func(s S) bool
	Then   func(s S) bool // LeadsTo only: what must follow
}

// Status is the verdict on one property.
type Status uint8

const (
	// Unknown: the search was cut off by a bound before the property could be decided.
	Unknown Status = iota
	// Holds: the property holds in the explored space (a witness was found, for Sometimes).
	Holds
	// Violated: a counterexample was found (for Sometimes: the complete space has no witness).
	Violated
)

// String returns "holds", "violated" or "unknown".
func (s Status) String() string {
	switch s {
	case Holds:
		return "holds"
	case Violated:
		return "violated"
	}
	return "unknown"
}
