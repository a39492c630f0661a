package checker

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Report is a check's outcome with states and actions rendered as text, independent of the
// model's types: the JSON object of the CLI's --json (docs/cli.md) and of the playground.
type Report struct {
	Target   string `json:"target"`
	Strategy string `json:"strategy"`
	States   int64  `json:"states"` // generated, counting initial states
	Unique   int64  `json:"unique"`
	Depth    int    `json:"depth"`
	// Complete is true when every reachable state was explored; Stopped then is "".
	Complete bool `json:"complete"`
	// Searched is true when the search itself explored every reachable state (Result.Searched):
	// the invariants are decided though the liveness pass after it was cut.
	Searched bool       `json:"searched"`
	Stopped  StopReason `json:"stopped"`
	// Symmetry is true when the search explored one state per orbit (Result.Symmetry): Unique
	// counts orbits.
	Symmetry      bool             `json:"symmetry"`
	DurationMS    int64            `json:"duration_ms"`
	Workers       int              `json:"workers"`
	Walks         int64            `json:"walks,omitempty"`
	BytesPerState float64          `json:"bytes_per_state"`
	Properties    []PropertyReport `json:"properties"`
	Graph         *GraphReport     `json:"graph,omitempty"`
}

// GraphReport is a captured state graph, rendered: DOT (with the first violated property's
// trace highlighted, else the first witness's) and each node's whole state, by node ID.
// Orbits: captured under symmetry, one node per orbit, the orbit's representative; an edge is
// an action taken from the representative and leads to the representative of its
// successor's orbit, which may be the successor renamed (its nodes or replicas exchanged).
type GraphReport struct {
	DOT       string   `json:"dot"`
	States    []string `json:"states"`
	Truncated bool     `json:"truncated,omitempty"`
	Orbits    bool     `json:"orbits,omitempty"`
}

// PropertyReport is the verdict on one property. Trace, for a violation or a witness, starts
// with the initial state (action "init"); its length in actions is len(Trace)-1. Path is the
// trace as action indices (see Replay), for permalinks.
type PropertyReport struct {
	Name        string      `json:"name"`
	Doc         string      `json:"doc,omitempty"` // Property.Doc
	Expectation string      `json:"expectation"`
	Status      string      `json:"status"`
	Trace       []TraceStep `json:"trace"`
	Path        []int       `json:"path,omitempty"`
	// Loop, for a lasso, is the index in Trace of the state the last step returns to: the steps
	// after it repeat forever.
	Loop *int `json:"loop,omitempty"`
}

// LoopIndex returns Loop, or -1 for a trace that is not a lasso.
func (p PropertyReport) LoopIndex() int {
	if p.Loop == nil {
		return -1
	}
	return *p.Loop
}

// TraceStep is one step of a rendered trace: the action taken, the state it led to, and the
// Always properties that state violates.
type TraceStep struct {
	Action    string   `json:"action"`
	State     string   `json:"state"`
	Violating []string `json:"violating,omitempty"`
	// Scene is the state as the model describes it for a picture (SceneDescriber), as JSON;
	// empty when the model has none.
	Scene json.RawMessage `json:"scene,omitempty"`
	// Read is what the step's action read, as the model describes it (ReadDescriber), as
	// JSON; empty for the initial step, an action that reads nothing, or a model without it.
	Read json.RawMessage `json:"read,omitempty"`
}

// InitAction is the action of a rendered trace's first step.
const InitAction = "init"

// NewReport renders r with m's formatters (StateFormatter, ActionFormatter, else %v).
func NewReport[S, A any](m Model[S, A], target string, r Result[S, A]) Report {
	rep := Report{
		Target:        target,
		Strategy:      r.Strategy.String(),
		States:        r.Generated,
		Unique:        r.Unique,
		Depth:         r.Depth,
		Complete:      r.Complete,
		Searched:      r.Searched,
		Symmetry:      r.Symmetry,
		Stopped:       StopReason(r.Stopped.String()),
		DurationMS:    r.Duration.Milliseconds(),
		Workers:       r.Workers,
		Walks:         r.Walks,
		BytesPerState: r.BytesPerState(),
		Properties:    []PropertyReport{},
	}
	if r.Graph != nil {
		rep.Graph = graphReport(m, r)
	}
	for _, p := range r.Properties {
		pr := PropertyReport{Name: p.Name, Doc: p.Doc, Expectation: p.Expect.String(), Status: p.Status.String()}
		if p.Trace != nil {
			pr.Trace = RenderTrace(m, p.Trace)
			if p.Trace.Cycle {
				pr.Loop = &p.Trace.CycleStart
			}
			pr.Path, _ = PathOf(m, p.Trace) // an error would be a nondeterministic model, reported by Check
		}
		rep.Properties = append(rep.Properties, pr)
	}
	return rep
}

// graphReport renders r's graph with the most telling trace highlighted.
func graphReport[S, A any](m Model[S, A], r Result[S, A]) *GraphReport {
	var path []uint64
	loop := -1
	for _, want := range []Status{Violated, Holds} {
		for _, p := range r.Properties {
			if path == nil && p.Status == want && p.Trace != nil {
				path = traceFingerprints(m, p.Trace, r.canon)
				if p.Trace.Cycle {
					loop = p.Trace.CycleStart
				}
			}
		}
	}
	var b strings.Builder
	r.Graph.WriteDOT(&b, path, loop)
	g := &GraphReport{DOT: b.String(), Truncated: r.Graph.Truncated, Orbits: r.Symmetry}
	for _, n := range r.Graph.Nodes {
		g.States = append(g.States, n.Detail)
	}
	return g
}

// RenderTrace renders a trace, its initial state first.
func RenderTrace[S, A any](m Model[S, A], tr *Trace[S, A]) []TraceStep {
	var props []Property[S]
	if p, ok := m.(Propertied[S]); ok {
		props = p.Properties()
	}
	violating := func(s S) []string {
		var out []string
		for _, p := range props {
			if p.Expect == Always && !p.Holds(s) {
				out = append(out, p.Name)
			}
		}
		return out
	}
	scene := func(s S) json.RawMessage {
		if d, ok := m.(SceneDescriber[S]); ok {
			if b, err := json.Marshal(d.Scene(s)); err == nil {
				return b
			}
		}
		return nil
	}
	read := func(s S, a A) json.RawMessage {
		if d, ok := m.(ReadDescriber[S, A]); ok {
			if v := d.DescribeRead(s, a); v != nil {
				if b, err := json.Marshal(v); err == nil {
					return b
				}
			}
		}
		return nil
	}
	steps := []TraceStep{{Action: InitAction, State: StateString(m, tr.Init), Violating: violating(tr.Init), Scene: scene(tr.Init)}}
	prev := tr.Init
	for _, st := range tr.Steps {
		steps = append(steps, TraceStep{Action: ActionString(m, prev, st.Action), State: StateString(m, st.State), Violating: violating(st.State),
			Scene: scene(st.State), Read: read(prev, st.Action)})
		prev = st.State
	}
	return steps
}

// Violated reports whether any property was violated.
func (r Report) Violated() bool {
	for _, p := range r.Properties {
		if p.Status == Violated.String() {
			return true
		}
	}
	return false
}

// Counterexample is the first violated property that has a trace, in property order, or nil.
func (r *Report) Counterexample() *PropertyReport {
	for i := range r.Properties {
		if p := &r.Properties[i]; p.Status == Violated.String() && p.Trace != nil {
			return p
		}
	}
	return nil
}

// ChangedLines returns the lines of cur that prev does not have (all of cur when prev is
// empty), to show what a step changed in a rendered state; "(no change)" when there are none.
// Lines are compared as ChangedRows compares them.
func ChangedLines(prev, cur string) []string {
	lines := strings.Split(cur, "\n")
	var out []string
	for i, changed := range ChangedRows(prev, cur) {
		if changed {
			out = append(out, lines[i])
		}
	}
	if len(out) == 0 {
		out = []string{"(no change)"}
	}
	return out
}

// ChangedRows reports, for each line of cur, whether prev lacks it (every line when prev is
// empty). Lines are compared without their padding: a table row whose cells are the same is
// unchanged though a wider cell in another row moved its columns. Each line of prev accounts
// for one equal line of cur.
func ChangedRows(prev, cur string) []bool {
	lines := strings.Split(cur, "\n")
	out := make([]bool, len(lines))
	if prev == "" {
		for i := range out {
			out[i] = true
		}
		return out
	}
	had := map[string]int{}
	for _, l := range strings.Split(prev, "\n") {
		had[unpadded(l)]++
	}
	for i, l := range lines {
		if k := unpadded(l); had[k] > 0 {
			had[k]--
		} else {
			out[i] = true
		}
	}
	return out
}

// unpadded is a line with each run of spaces as one space, and none at its ends.
func unpadded(l string) string { return strings.Join(strings.Fields(l), " ") }

// StopReason is Result.Stopped as a report gives it: "violation", "max-states", "max-depth",
// "timeout", "interrupted", "walks" or "memory" (see Stop), and "" for a complete search,
// which JSON writes as null.
type StopReason string

// MarshalJSON writes "" as null.
func (s StopReason) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// UnmarshalJSON reads null as "".
func (s *StopReason) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	var v string
	err := json.Unmarshal(b, &v)
	*s = StopReason(v)
	return err
}

// Extent words how far the search went, the same in the CLI's summary line, the playground's
// status line, the tutorials' run widgets and the results matrix: "complete", "stopped at the
// first violation", "stopped at the state bound", "stopped at the depth bound", "stopped by
// the timeout", "stopped at the memory bound", "interrupted" or "stopped when the walks ran
// out"; for a search that explored every state and whose liveness pass was then cut, "every
// state searched, the liveness pass stopped by the timeout" (or "at the memory bound", or
// "interrupted").
func (r Report) Extent() string {
	switch {
	case r.Complete:
		return "complete"
	case r.Searched && r.Stopped == "timeout":
		return "every state searched, the liveness pass stopped by the timeout"
	case r.Searched && r.Stopped == "memory":
		return "every state searched, the liveness pass stopped at the memory bound"
	case r.Searched:
		return "every state searched, the liveness pass interrupted"
	case r.Stopped == "violation":
		return "stopped at the first violation"
	case r.Stopped == "max-states":
		return "stopped at the state bound"
	case r.Stopped == "max-depth":
		return "stopped at the depth bound"
	case r.Stopped == "timeout":
		return "stopped by the timeout"
	case r.Stopped == "walks":
		return "stopped when the walks ran out"
	case r.Stopped == "memory":
		return "stopped at the memory bound"
	}
	return "interrupted"
}

// unchecked words why a search that was not complete left property p undecided.
func (r Report) unchecked(p PropertyReport) string {
	found := "no violation among them"
	switch {
	case p.Temporal():
		found = "no violating run among them (only a complete search can say it holds)"
	case p.Expectation == Sometimes.String():
		found = "no witness among them"
	}
	at := fmt.Sprintf("after %s states, depth %d; %s", Thousands(r.Unique), r.Depth, found)
	if r.Searched { // only the liveness pass was cut: p is temporal
		if r.Stopped == "timeout" {
			return "the search explored every state, but the liveness pass after it ran out of time (--timeout)"
		}
		if r.Stopped == "memory" {
			return "the search explored every state, but the liveness pass after it reached the memory bound"
		}
		return "the search explored every state, but the liveness pass after it was interrupted"
	}
	switch r.Stopped {
	case "violation":
		return "the search stopped at the first violation; --keep-going checks every property"
	case "max-states":
		return "the search stopped at the state bound (--max-states) " + at
	case "max-depth":
		return "the search cut paths at the depth bound (--max-depth) " + at
	case "timeout":
		return "the search ran out of time (--timeout) " + at
	case "memory":
		return "the search reached the memory bound " + at
	case "walks":
		return fmt.Sprintf("the walks (--walks) ran out before expanding every state they met; %s states met, %s", Thousands(r.Unique), found)
	}
	return "the search was interrupted " + at
}

// Verdict words a property's verdict for people, honestly: a search that was not complete
// never claims that a property holds (but for a witness it found, or an invariant after an
// exhaustive search whose liveness pass was cut), and says why it left a property unknown.
func (p PropertyReport) Verdict(r Report) string {
	steps := func(n int) string {
		if n == 1 {
			return "1 step"
		}
		return fmt.Sprintf("%d steps", n)
	}
	switch p.Status {
	case Violated.String():
		switch {
		case p.Trace == nil:
			return "violated: no reachable state satisfies it"
		case p.Loop != nil:
			return fmt.Sprintf("violated after %s, then steps %d–%d repeat forever", steps(len(p.Trace)-1), *p.Loop+1, len(p.Trace)-1)
		case p.Temporal():
			return "violated after " + steps(len(p.Trace)-1) + ", where the run may stop (no fair action is enabled)"
		}
		return "violated after " + steps(len(p.Trace)-1)
	case Holds.String():
		if p.Trace != nil {
			return "holds (witness of " + steps(len(p.Trace)-1) + ")"
		}
		return "holds"
	}
	switch {
	case r.Complete && p.Temporal():
		return "unknown: not decided: the liveness pass was skipped (--liveness=false)"
	case r.Complete:
		return "unknown: not decided: a trace could not be rebuilt"
	}
	return "unknown: not checked to the end: " + r.unchecked(p)
}

// Temporal reports whether the property is judged over whole runs (not state by state).
func (p PropertyReport) Temporal() bool {
	return p.Expectation != Always.String() && p.Expectation != Sometimes.String()
}

// Thousands writes n with thousands separators: 18,507,778.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
