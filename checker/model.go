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

// SceneDescriber is implemented by models that describe a state as structured data for a
// picture (the playground draws it): any value that encodes to JSON. The checker only carries
// it (TraceStep.Scene).
type SceneDescriber[S any] interface {
	Scene(s S) any
}

// ReadDescriber is implemented by models that describe what an action read, as structured data
// (the playground draws what a controller saw beside the latest state, and a timeline of the
// reads): any value that encodes to JSON, or nil for an action that reads nothing. The
// checker only carries it (TraceStep.Read).
type ReadDescriber[S, A any] interface {
	DescribeRead(s S, a A) any
}

// Symmetric is implemented by models whose states are interchangeable under some
// permutations of their components (Options.Symmetry). Representative returns the canonical
// member of s's orbit: a state that behaves like s up to the permutation, and is the same for
// every member of the orbit. The model's properties must not tell members of an orbit apart.
type Symmetric[S any] interface {
	Representative(s S) S
}

// EncodedSymmetric is implemented by ProcessSymmetry models that may encode the representative
// while they choose it (comparing the encodings of candidates). RepresentativeEncoded returns
// what RepresentativeOf returns (the permutation written into buf's memory) and, when ok, enc
// with the representative's encoding appended, exactly Model.Encode's, which the search then
// fingerprints instead of encoding the representative again; when not ok, enc's contents are
// unspecified.
type EncodedSymmetric[S any] interface {
	ProcessSymmetry[S]
	RepresentativeEncoded(s S, buf []int, enc []byte) (rep S, perm []int, out []byte, ok bool)
}

// SymmetryReporter is implemented by Symmetric models whose symmetry depends on their
// configuration: HasSymmetry reports whether some orbit has more than one state. A search under
// Options.Symmetry of a model without is the plain search (which, under BFS, records the graph
// for the liveness pass as it goes instead of exploring every state again).
type SymmetryReporter interface {
	HasSymmetry() bool
}

// ProcessSymmetry is implemented by Symmetric models whose symmetry permutes processes
// (numbered from 0: controller replicas, nodes...) that own fairness groups and property
// instances. It lets the liveness pass after a BFS under Options.Symmetry decide the temporal
// properties on the graph the search recorded, one state per orbit, instead of exploring every
// state again (see quotient.go; a complete search whose reduction skipped steps still explores
// again). A permutation p is a slice: process i of s is process p[i] of p·s.
//
//   - RepresentativeOf returns Representative(s) and the permutation p with p·s the
//     representative, written into buf's memory.
//   - RenameGroup returns the group that an action of s in group g is in once renamed, an
//     action of p·s.
//   - RenameInstance returns the instance of the property named property that instance k of
//     s is in p·s.
//   - Permute returns p·s (for the traces of the violations found on the product).
//
// The renaming must be a symmetry in full: an action of s renamed is enabled in p·s and leads
// to p·next, in the renamed group; an instance's conditions hold in s exactly when the renamed
// instance's hold in p·s; a property without instances holds in s exactly when it does in p·s.
type ProcessSymmetry[S any] interface {
	Symmetric[S]
	RepresentativeOf(s S, buf []int) (S, []int)
	RenameGroup(g ActionGroup, p []int) ActionGroup
	RenameInstance(property string, k int, p []int) int
	Permute(s S, p []int) S
}

// Interchangeable is implemented by ProcessSymmetry models that can tell, of a state, which
// processes may be exchanged without changing it: Interchangeable returns, per process, the
// least process of its class (written into buf's memory), such that exchanging any two
// processes of one class leaves s as it is (encoded alike). The liveness pass then keeps one
// node of the product for the permutations that differ only within those classes, which stand
// for one concrete state (quotient.go). Classes may be finer than the truth (each process
// alone: nothing merged), never coarser.
type Interchangeable[S any] interface {
	Interchangeable(s S, buf []int) []int
}

// Covering is implemented by models with steps that the safety search may skip: a reduction of
// the state space that keeps every verdict and the length of every shortest counterexample
// (Options.NoReduction explores every step). Covered(s, next) reports that s covers next, one of
// its successors: s R next for a relation R on states such that
//
//   - R is reflexive, transitive and a simulation: if t R t' and t' has a successor u', then
//     t R u', or t has a successor u with u R u';
//   - every Always property that fails in t' fails in t, and every Sometimes property that
//     holds in t' holds in t, whenever t R t'.
//
// Then every state reachable in n steps is covered by one reachable in at most n steps without
// covered successors (by induction on the path: a covered step is dropped, any other is matched
// by the simulation), so the search that skips covered successors finds every violation and
// witness at the same shortest depth, and its traces are runs of the model. Temporal properties
// are decided on the whole graph, without the reduction (a covered step can matter to
// fairness): the liveness pass explores it again.
type Covering[S any] interface {
	Covered(s, next S) bool
}

// StepCovering is implemented by models that can tell from the action alone that a step is
// covered by another step of the same state (Options.NoReduction explores them all):
// CoveredStep(s, a) reports that a is enabled in s, and that another enabled step of s, which
// StepCovering does not say is covered, leads to a state u with u R next (next being a's
// successor), for a relation R as Covering's. The search skips a without computing its
// successor; the argument is Covering's, the covering state being a sibling instead of the
// parent.
type StepCovering[S, A any] interface {
	CoveredStep(s S, a A) bool
}

// CoveringStarter is implemented by StepCovering models that prepare for a search that skips
// covered steps: each search under the reduction (not with Options.NoReduction) calls
// StartCovering once, before it lists the actions of any state. A model may then work out
// which of its steps are covered only once a search has asked for that; it must still answer
// CoveredStep alike for every search that did.
type CoveringStarter interface {
	StartCovering()
}

// Recycler is implemented by models whose Next allocates memory for each successor that they
// can reuse once the search has dropped it. BFS calls Recycle(s, a, next), next being what
// Next(s, a) returned, once next's fingerprint is found among the states reached before (its
// state was, or is about to be, explored from another path), after everything it records of
// next (the liveness pass's record, the state graph's labels); never for a successor it keeps,
// nor for one Covering or StepCovering skipped. From that call on, the search reads neither
// next nor anything reachable from it. s is alive (it is being expanded), and so may be
// anything next shares with s or with other states: Recycle may reuse only what Next allocated
// for next alone; it is the one method that may change its argument. Workers call it
// concurrently. It must not change the search's outcome: a model checked with and without
// recycling gives the same states, counts and traces. Depth-first search and simulation do not
// call it.
type Recycler[S, A any] interface {
	Recycle(s S, a A, next S)
}

// Fairness is implemented by models whose actions fall into named groups under weak fairness
// (ActionGroup returns action a's). Without Fairness, every action is in one fair group of the
// system: a run stops only where nothing is enabled. At most 64 fair groups.
type Fairness[A any] interface {
	ActionGroup(a A) ActionGroup
}

// ActionGroup is a named group of actions. A fair run does not let a Fair group stay enabled
// forever without taking one of its actions again and again, and may stop (stutter forever)
// only where no fair group is enabled; actions of other groups may be taken or not, even
// forever. Environment groups (faults, clients) are outside the system under study:
// EventuallyAlways and Quiesces judge only the runs on which they act finitely often.
type ActionGroup struct {
	Name        string
	Fair        bool
	Environment bool
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
	// Eventually: on every fair run (see Fairness) the condition holds at some state. A search
	// that reaches a dead end by a path where it never held reports that path at once; a path
	// cut by a bound violates nothing. Once a search is complete, the fair runs that never reach
	// the condition are looked for in the whole graph, so that one that cycles forever is found
	// too, as a lasso (Trace.Cycle). A bounded search never says that it holds.
	Eventually
	// AlwaysEventually: on every fair run the condition holds infinitely often: violated by a
	// reachable state from which a fair run never meets it again (a lasso, or a run stopping
	// where no fair group is enabled). A complete search decides it; one cut by a bound reports
	// the violations among the states it expanded, and otherwise leaves it unknown.
	AlwaysEventually
	// LeadsTo: on every fair run, whenever the condition (Holds) holds, Then holds at that
	// state or a later one. Decided like AlwaysEventually.
	LeadsTo
	// EventuallyAlways: on every fair run on which the environment's actions (see ActionGroup)
	// are taken only finitely often, the condition holds from some state on, forever: violated
	// by a fair cycle of the system's actions through a state where it fails, or a reachable
	// state where it fails and no fair group is enabled.
	EventuallyAlways
	// Quiesces: on every fair run on which the environment acts only finitely often, a state
	// is reached where no fair group of the system is enabled (the system comes to rest: its
	// actions do not undo each other forever). It has no condition (Holds is nil).
	Quiesces
)

// Temporal reports whether properties of this expectation are judged over whole runs, on the
// reachable graph after the search (all but Always and Sometimes).
func (e Expectation) Temporal() bool { return e != Always && e != Sometimes }

// String returns "always", "sometimes", "eventually", "always eventually", "leads to",
// "eventually always" or "quiesces".
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
	case EventuallyAlways:
		return "eventually always"
	case Quiesces:
		return "quiesces"
	}
	return "unknown"
}

// Property is a named condition over states, judged according to its Expectation.
type Property[S any] struct {
	Name string
	// Doc defines the property for people who meet it in a report: what it asks and why it
	// matters (the playground shows it on hover and focus). Optional.
	Doc    string
	Expect Expectation
	Holds  func(s S) bool
	Then   func(s S) bool // LeadsTo only: what must follow
	// Per splits an AlwaysEventually, LeadsTo or EventuallyAlways property into Per instances
	// (one per node, say), judged one by one with the conditions HoldsPer(s, k) and
	// ThenPer(s, k) in place of Holds and Then; it holds when every instance does.
	Per               int
	HoldsPer, ThenPer func(s S, k int) bool
}

// Status is the verdict on one property.
type Status uint8

const (
	// Unknown: the search stopped (see Stop) before the property could be decided, or the
	// liveness pass was skipped (Options.NoLiveness).
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
